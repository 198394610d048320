"""The passers-by's screens: the public blueprint, screen labels and security headers.
Thin: imports the core, kiosk.i18n and kiosk.context; only kiosk.app imports it."""
