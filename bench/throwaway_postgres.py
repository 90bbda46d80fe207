"""A throwaway PostgreSQL server for the benchmarks: the tests' own (`tests/conftest.py`), started in a
temporary directory on 127.0.0.1 and deleted afterwards; or `ORALBLANC_BENCH_POSTGRES_URL` (an admin URL,
e.g. `postgresql://postgres@db:5432/postgres`) to use an existing server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from tests.conftest import PostgresServer, _LocalCluster, find_pg_bindir


@contextmanager
def postgres_database() -> Iterator[str]:
    """The SQLAlchemy URL of a new, empty database (dropped, and the server stopped, on exit)."""
    external = os.environ.get("ORALBLANC_BENCH_POSTGRES_URL")
    cluster = None
    if external:
        server = PostgresServer(admin_url=external.replace("postgresql+psycopg://", "postgresql://"))
    else:
        cluster = _LocalCluster(find_pg_bindir())
        cluster.start()
        server = PostgresServer(admin_url=f"postgresql://postgres@127.0.0.1:{cluster.port}/postgres")
    try:
        name = server.create_database()
        try:
            yield server.url_for(name)
        finally:
            server.drop_database(name)
    finally:
        if cluster is not None:
            cluster.stop()
