"""Registration: volunteers and member organisations."""
