"""Storage: SQLModel tables, Alembic migrations and the repositories the domain needs."""
