"""The teams domain: Team and Activity aggregates, service hours and vocabularies (plain Python)."""
