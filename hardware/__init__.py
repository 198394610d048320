"""Device adapters around the kiosk: printer, GPIO devices, display power."""
