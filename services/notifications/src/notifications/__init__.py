"""Notifications: messages to volunteers, partner webhooks, the public stream."""
