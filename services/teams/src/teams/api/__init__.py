"""The HTTP API of the teams service: flask-smorest blueprints and their marshmallow schemas."""
