"""Alembic run by hand on a test database (to an older revision, down, or with a twist)."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic.config import Config
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection

from app.db.migrate import alembic_config


@contextmanager
def alembic_on(db: Path) -> Iterator[tuple[Config, Connection]]:
    """PackDesk's Alembic config bound to one transaction on `db`, as app/db/migrate.py binds it."""
    engine = create_engine(f"sqlite:///{db}")
    config = alembic_config()
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            yield config, connection
    finally:
        engine.dispose()
