"""A throwaway PostgreSQL database for benchmarks: created fresh, dropped at the end."""

import os
from urllib.parse import urlsplit, urlunsplit


def create_bench_database(url: str, name: str) -> str:
    """For PostgreSQL: (re)create the throwaway database and point DATABASE_URL at it."""
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql", "psql"):
        raise SystemExit(
            f"DATABASE_URL uses '{parts.scheme}'; the benchmark runs on in-memory SQLite (unset "
            "DATABASE_URL) or on PostgreSQL (postgres://...), where it uses a throwaway database."
        )
    import psycopg
    from psycopg import sql

    admin_url = urlunsplit(("postgresql", *parts[1:]))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path="/" + name))
    return admin_url


def drop_bench_database(admin_url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    try:
        from django.db import connections

        connections.close_all()
    except Exception:  # noqa: BLE001, S110 - Django may not have started; dropping still matters
        pass
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
