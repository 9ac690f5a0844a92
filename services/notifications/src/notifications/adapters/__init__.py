"""Adapters: tables and records on SQLAlchemy, templates, channels, SMTP, the webhook client."""
