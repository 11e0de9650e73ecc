"""A database for one benchmark run: a new PostgreSQL database dropped afterwards, or a SQLite
file in the benchmark's temporary folder."""

import secrets
from contextlib import contextmanager

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url


@contextmanager
def throwaway_database(server_url, sqlite_path, prefix="lms_bench"):
    """Yield a database URL; with `server_url` (PostgreSQL) the database is created and dropped."""
    if not server_url:
        yield f"sqlite:///{sqlite_path}"
        return
    url = make_url(server_url)
    if url.get_backend_name() != "postgresql":
        raise SystemExit("--database-url must name a PostgreSQL server (postgresql+psycopg://...)")
    name = f"{prefix}_{secrets.token_hex(4)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
