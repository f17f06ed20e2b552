"""Column types of our own: one place that decides how a datetime is stored.

UtcDateTime stores exactly what SQLAlchemy's plain DateTime has always stored in SQLite (the UTC
wall time, "2026-01-31 09:15:00.000000", no offset), so databases made before it read the same;
but it converts an aware datetime to UTC first (plain DateTime kept any zone's wall time as if
it were UTC), refuses a naive one (whose zone nobody knows: a bug in the caller), and gives
back aware UTC, so no reader has to re-attach the zone.
"""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Dialect as SqlDialect
from sqlalchemy.types import DateTime, TypeDecorator


class NaiveDateTimeError(ValueError):
    """A datetime without a zone reached the database: the caller has a bug."""


class UtcDateTime(TypeDecorator[datetime]):
    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: SqlDialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"a datetime column was given {type(value).__name__}, not a datetime")
        if value.utcoffset() is None:
            raise NaiveDateTimeError(
                f"naive datetime {value.isoformat()} given to a UTC column: attach its zone "
                "(app.clock.utc_now() gives aware UTC)")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None,
                             dialect: SqlDialect) -> datetime | None:
        if value is None:
            return None
        # SQLite keeps no offset (we stored UTC wall time); a server type with one converts.
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
