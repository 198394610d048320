"""GPIO devices and display power as the kiosk sees them: the event pump, its wiring, the views.
Imports hardware.gpio/display, kiosk.hours, settings and the services; views.py is the blueprint."""
