"""The activity catalogue: the model, schedules, queries, importers and the demo catalogue.
Core: imports only kiosk.store and kiosk.settings, never Flask, the web, staff or printing."""
