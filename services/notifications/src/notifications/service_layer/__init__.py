"""Handlers of consumed events, subscription commands and the delivery loops of the worker."""
