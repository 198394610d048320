"""Web layer: blueprints and request hooks. Thin: views call the pure core."""
