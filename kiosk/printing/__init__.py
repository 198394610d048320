"""Slips on paper: the print queue and its worker, slip layout and labels, print views, print-slip.
Imports the core and hardware.printer; only views.py and wiring.py reach Flask or the services."""
