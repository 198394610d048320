"""The coordinators' hub: receives the kiosks' signed nightly batches and shows the fleet.

Its own Flask app (:func:`hub.app.create_app`) and command (``kiosk-hub``). Storage
is SQLite in the hub's data directory, or PostgreSQL when ``DATABASE_URL`` says so
(:mod:`hub.db`). Both ends use the kiosk's JSON Schema (kiosk/shared/schema.json).
"""
