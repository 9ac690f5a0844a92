"""Use cases of the registration service: each checks, projects and appends in one transaction."""
