"""HTTP API of the registration service: volunteers and organisations."""
