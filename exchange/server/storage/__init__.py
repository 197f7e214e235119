"""The library's storage: SQLAlchemy tables on SQLite or PostgreSQL, and the versioned schema."""
