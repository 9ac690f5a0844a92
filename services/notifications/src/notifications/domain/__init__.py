"""The domain in plain Python: contacts, messages, star levels, redaction, webhook rules."""
