"""Operator tools run from the repository (`make seed`)."""
