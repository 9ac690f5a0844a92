"""Fixtures for every test in the repository: real broker and databases (association.testing),
tokens, free ports and components on threads (the tests' support package, shared/tests/support)."""

pytest_plugins = ["association.testing", "support.fixtures", "support.compose"]
