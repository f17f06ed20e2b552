"""Alembic environment: PackDesk passes an open connection; there is no alembic.ini URL."""
from __future__ import annotations

from alembic import context

import app.db.catalog_tables  # noqa: F401  (its tables into metadata)
from app.db.migrate import include_object
from app.db.tables import metadata


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("PackDesk migrations need a connection in config.attributes")
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
        include_object=include_object,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
