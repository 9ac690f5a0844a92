"""The registration domain: identity rules, vocabularies, the Volunteer and Organisation."""
