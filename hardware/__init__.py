"""Adapters for the kiosk's hardware: each behind a small interface with a real
implementation and a fake that records and can be driven. Nothing here opens a
device at import time."""
