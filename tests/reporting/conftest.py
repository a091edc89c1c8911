"""The ledger's fixtures (SQLite and a throwaway PostgreSQL cluster) for the report's database tests."""

from tests.ledger.conftest import clock, database_url, postgres_cluster, write_json

__all__ = ["clock", "database_url", "postgres_cluster", "write_json"]
