"""What the kiosk and the hub share: the batch format and bands, its signature, the secret key.
Imports only the standard library and third-party packages, never the rest of the kiosk."""
