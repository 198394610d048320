"""The kiosk's storage: the SQLite database and its migrations, and the event log.
Imports nothing else from the kiosk: every other part may use it."""
