"""Speech output: the one worker that owns the audio device (worker.py), its wiring, the views.
Imports hardware.speech, settings and the services; views.py is the blueprint."""
