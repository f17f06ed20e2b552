"""The catalog's tables: the merchant's catalog sources, their rows, and listing links.

Apart from app/db/tables.py (whose conventions hold here too) to keep each module readable;
app/db/core.py, the Alembic environment and the schema check import this module so that its
tables are in the one `metadata`.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db.tables import _at, _fk, _json


class CatalogSource(SQLModel, table=True):
    """A merchant's own catalog file (a supplier or ERP export) and how its columns map."""

    __tablename__ = "catalog_sources"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    mapping: dict | None = _json()  # ColumnMapping.as_dict(): chosen once per source
    delimiter: str = ","
    encoding: str = ""
    file_name: str = ""  # the last file imported (its name only)
    created_at: datetime = _at()
    imported_at: datetime | None = _at(None)


class CatalogItem(SQLModel, table=True):
    """One row of a source's last import. Money and sizes as decimal text; None (null) means
    the file does not say."""

    __tablename__ = "catalog_rows"
    __table_args__ = (UniqueConstraint("source_id", "sku_key"),)
    id: int | None = Field(default=None, primary_key=True)
    source_id: int = _fk("catalog_sources.id")
    row: int  # the row in the file (header = 1)
    sku: str
    sku_key: str  # the SKU as codes compare (app.domain.catalog.normalize_code)
    parent_sku: str = ""
    gtin: str = Field(default="", index=True)
    mpn: str = ""
    title: str = ""
    description: str | None = None
    price: str | None = None
    quantity: int | None = None
    weight: str | None = None
    length: str | None = None
    width: str | None = None
    height: str | None = None
    categories: list | None = _json()  # paths: [["Shoes", "Running"]]
    images: list | None = _json()
    options: list | None = _json()  # [["Color", "Red"]]


class ListingLink(SQLModel, table=True):
    """A catalog row's store product or variant in one connection (a listing). `how` is sku,
    gtin or hand; "unlinked" (no product) is an unlink by hand, which automatic linking
    respects."""

    __tablename__ = "listing_links"
    __table_args__ = (UniqueConstraint("connection_id", "source_id", "sku_key"),)
    id: int | None = Field(default=None, primary_key=True)
    connection_id: int = _fk("connections.id")
    source_id: int = _fk("catalog_sources.id")
    sku_key: str
    product_id: int | None = None
    variant_inventory_id: int | None = None
    how: str
    linked_at: datetime = _at()
