"""The merchant's catalog at the station: sources (a supplier or ERP file, its mapping) and
the rows of each source's last import."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, insert, select, update

from app.clock import Clock, utc_now
from app.db.core import CATALOG_ROWS, CATALOG_SOURCES
from app.db.engine import Database
from app.db.repositories._bulk import bulk_insert
from app.domain.catalog_file import ColumnMapping
from app.domain.catalog_import import CatalogRow


@dataclass(frozen=True)
class CatalogSourceInfo:
    source_id: int
    name: str
    mapping: ColumnMapping
    delimiter: str
    encoding: str
    file_name: str
    created_at: datetime
    imported_at: datetime | None
    rows: int = 0


@dataclass(frozen=True)
class SavedImport:
    source: CatalogSourceInfo
    previous_rows: int  # rows the source had before this import replaced them


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _row_values(source_id: int, row: CatalogRow) -> dict[str, Any]:
    return {"source_id": source_id, "row": row.row, "sku": row.sku, "sku_key": row.key,
            "parent_sku": row.parent_sku, "gtin": row.gtin, "mpn": row.mpn,
            "title": row.title, "description": row.description, "price": _text(row.price),
            "quantity": row.quantity, "weight": _text(row.weight),
            "length": _text(row.length), "width": _text(row.width),
            "height": _text(row.height),
            "categories": [list(path) for path in row.categories] or None,
            "images": list(row.images) or None,
            "options": [list(option) for option in row.options] or None}


def _catalog_row(r: Any) -> CatalogRow:
    return CatalogRow(
        row=r.row, sku=r.sku, parent_sku=r.parent_sku, gtin=r.gtin, mpn=r.mpn, title=r.title,
        description=r.description, price=_decimal(r.price), quantity=r.quantity,
        weight=_decimal(r.weight), length=_decimal(r.length), width=_decimal(r.width),
        height=_decimal(r.height),
        categories=tuple(tuple(path) for path in r.categories or ()),
        images=tuple(r.images or ()), options=tuple((n, v) for n, v in r.options or ()))


class CatalogSourceRepository:
    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self._db = db
        self._clock = clock

    def _info(self, session: Any, r: Any) -> CatalogSourceInfo:
        count = session.execute(select(func.count()).select_from(CATALOG_ROWS).where(
            CATALOG_ROWS.c.source_id == r.id)).scalar_one()
        return CatalogSourceInfo(r.id, r.name, ColumnMapping.from_dict(r.mapping), r.delimiter,
                                 r.encoding, r.file_name, r.created_at, r.imported_at, count)

    def all(self) -> list[CatalogSourceInfo]:
        with self._db.read() as session:
            rows = session.execute(select(CATALOG_SOURCES).order_by(CATALOG_SOURCES.c.name))
            return [self._info(session, r) for r in rows.all()]

    def by_name(self, name: str) -> CatalogSourceInfo | None:
        with self._db.read() as session:
            r = session.execute(select(CATALOG_SOURCES).where(
                func.lower(CATALOG_SOURCES.c.name) == name.strip().lower())).first()
            return self._info(session, r) if r is not None else None

    def replace_rows(self, name: str, mapping: ColumnMapping, rows: Sequence[CatalogRow], *,
                     delimiter: str, encoding: str, file_name: str) -> SavedImport:
        """One transaction: the source (created on its first import, its mapping saved) and
        its rows, which the file's rows replace (the file is the merchant's truth). Links
        are kept: they name rows by SKU, so a row that comes back finds its listing again."""
        now = self._clock()
        with self._db.write() as session:
            source = session.execute(select(CATALOG_SOURCES).where(
                func.lower(CATALOG_SOURCES.c.name) == name.strip().lower())).first()
            values = {"mapping": mapping.as_dict(), "delimiter": delimiter,
                      "encoding": encoding, "file_name": file_name, "imported_at": now}
            if source is None:
                source_id: int = session.execute(insert(CATALOG_SOURCES).values(
                    name=name.strip(), created_at=now, **values).returning(
                    CATALOG_SOURCES.c.id)).scalar_one()
            else:
                source_id = source.id
                session.execute(update(CATALOG_SOURCES).where(
                    CATALOG_SOURCES.c.id == source_id).values(**values))
            # DML returns a CursorResult; Session.execute is typed as plain Result.
            previous = cast(CursorResult, session.execute(delete(CATALOG_ROWS).where(
                CATALOG_ROWS.c.source_id == source_id))).rowcount
            if rows:
                bulk_insert(session, CATALOG_ROWS, [_row_values(source_id, r) for r in rows])
            saved = session.execute(select(CATALOG_SOURCES).where(
                CATALOG_SOURCES.c.id == source_id)).one()
            return SavedImport(self._info(session, saved), previous or 0)

    def rows(self, source_id: int) -> list[CatalogRow]:
        with self._db.read() as session:
            result = session.execute(select(CATALOG_ROWS).where(
                CATALOG_ROWS.c.source_id == source_id).order_by(CATALOG_ROWS.c.row))
            return [_catalog_row(r) for r in result]

    def codes(self, source_id: int) -> list[tuple[str, str, str]]:
        """(sku, gtin, title) of every row, in file order: what linking and its report need."""
        with self._db.read() as session:
            return [(r.sku, r.gtin, r.title) for r in session.execute(
                select(CATALOG_ROWS.c.sku, CATALOG_ROWS.c.gtin, CATALOG_ROWS.c.title).where(
                    CATALOG_ROWS.c.source_id == source_id).order_by(CATALOG_ROWS.c.row))]
