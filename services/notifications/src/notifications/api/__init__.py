"""The HTTP API: flask-smorest blueprints, their marshmallow schemas, refusals as JSON errors."""
