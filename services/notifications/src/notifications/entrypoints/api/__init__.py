"""The HTTP API: flask-smorest blueprints and their marshmallow schemas."""
