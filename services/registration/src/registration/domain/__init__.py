"""The registration domain, plain Python: identity rules, vocabularies, aggregates, events."""
