"""Commands of the registration service: each validates, projects and appends in one transaction."""
