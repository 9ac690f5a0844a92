"""The vocabularies shipped with the service: streets and skills (JSON lists of code and label)."""
