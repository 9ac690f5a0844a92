"""The notifications service's Alembic history: env.py runs it, versions/ holds its revisions."""
