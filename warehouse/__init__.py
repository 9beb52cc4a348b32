"""The warehouse: schema (Alembic migrations), connections, loaders and HR-facing views."""
