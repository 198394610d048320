"""The meeting-point kiosk: local activities, printed slips and an anonymous self-test.

Importing this package opens nothing: ports, pins, threads and the database are
opened by :func:`kiosk.app.create_app` or a command-line ``main``.
"""

__version__ = "0.1.0"
