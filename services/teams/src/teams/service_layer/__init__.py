"""Command handlers of the teams service; each takes its session, store and clock as arguments."""
