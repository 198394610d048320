"""The activity catalogue: the model, schedules, queries and the demo catalogue."""
