"""Entry points: the web and worker commands, and the HTTP API."""
