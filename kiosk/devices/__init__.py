"""GPIO devices, display power and the headphone jack as the kiosk sees them: the event pump,
the jack's watch, their wiring, the views. Imports hardware.gpio/display/jack, kiosk.hours,
settings and the services; views.py is the blueprint."""
