"""The repositories' bulk insert stores exactly what SQLAlchemy's own insert stores (JSON,
UTC datetimes, nulls), only faster."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import insert, select, text

from app.db.core import CATALOG_SOURCES, LISTING_LINKS
from app.db.engine import Database
from app.db.repositories._bulk import bulk_insert
from app.db.repositories.connections import ConnectionRepository
from app.domain.connection_settings import ConnectionSettings


def test_bulk_insert_stores_what_sqlalchemy_stores(paths) -> None:
    db = Database(paths.database)
    try:
        connection = ConnectionRepository(db).add(
            ConnectionSettings(name="main", address="https://shop.example.com"))
        now = datetime(2026, 12, 3, 17, 0, 5, 123456, tzinfo=UTC)
        with db.write() as session:
            source = session.execute(insert(CATALOG_SOURCES).values(
                name="feed", mapping={"columns": {"sku": "SKU"}}, delimiter=",",
                encoding="utf-8", file_name="f.csv", created_at=now).returning(
                CATALOG_SOURCES.c.id)).scalar_one()
            row = {"connection_id": connection.id, "source_id": source, "product_id": 7,
                   "variant_inventory_id": None, "how": "sku", "linked_at": now}
            session.execute(insert(LISTING_LINKS), [{**row, "sku_key": "A"}])
            bulk_insert(session, LISTING_LINKS, [{**row, "sku_key": "B"}])
            bulk_insert(session, LISTING_LINKS, [])  # nothing to do
        with db.read() as session:
            raw = session.execute(text("SELECT sku_key, product_id, variant_inventory_id, how, "
                                       "linked_at FROM listing_links ORDER BY sku_key")).all()
            read = session.execute(select(LISTING_LINKS.c.linked_at)).scalars().all()
        assert raw[0][1:] == raw[1][1:] and raw[1][0] == "B"
        assert read == [now, now]
    finally:
        db.dispose()


def test_catalog_rows_read_back_as_they_were_saved(paths) -> None:
    from decimal import Decimal

    from app.db.repositories.catalog_sources import CatalogSourceRepository
    from app.domain.catalog_file import ColumnMapping
    from app.domain.catalog_import import CatalogRow

    rows = [CatalogRow(2, "TS-RED-L", "TS", "012345678905", "M-1", "Tee <b>red</b>", "Soft",
                       Decimal("12.50"), 7, Decimal("0.4"), Decimal(30), Decimal(20),
                       Decimal(2), (("Shirts", "Tees"), ("Sale",)),
                       ("https://img.example/a.jpg",), (("Color", "Red"), ("Size", "L"))),
            CatalogRow(3, "BARE")]
    db = Database(paths.database)
    try:
        repository = CatalogSourceRepository(db)
        saved = repository.replace_rows("feed", ColumnMapping({"sku": "SKU"}), rows,
                                        delimiter=";", encoding="cp1252", file_name="f.csv")
        assert saved.source.rows == 2 and saved.previous_rows == 0
        assert repository.rows(saved.source.source_id) == rows
    finally:
        db.dispose()
