"""Fixtures for every test in the repository: real broker and databases (association.testing)."""

pytest_plugins = ["association.testing"]
