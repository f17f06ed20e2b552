"""The tables as SQL expression objects, for the bulk queries and upserts that skip the ORM.

One place for these handles, so every repository and service names a table the same way.
"""
from sqlalchemy import Table
from sqlmodel import SQLModel

from app.db.catalog_tables import CatalogItem, CatalogSource, ListingLink
from app.db.tables import (
    AuditEntry,
    Connection,
    Order,
    OrderAddress,
    OrderLine,
    OrderPayment,
    OrderStatus,
    OrderTag,
    OutboxEntry,
    Print,
    Product,
    ProductCode,
    Scan,
    Shipment,
    ShipmentLine,
    Storefront,
    StoreShipment,
    StoreShipmentLine,
)


def _table(model: type[SQLModel]) -> Table:
    # SQLModel's metaclass sets __table__ on every table=True class; its typing does not say so.
    table: Table = model.__table__  # type: ignore[attr-defined]
    return table


CONNECTIONS = _table(Connection)
STOREFRONTS = _table(Storefront)
STATUSES = _table(OrderStatus)
ORDERS = _table(Order)
LINES = _table(OrderLine)
ADDRESSES = _table(OrderAddress)
PAYMENTS = _table(OrderPayment)
STORE_SHIPMENTS = _table(StoreShipment)
STORE_SHIPMENT_LINES = _table(StoreShipmentLine)
SHIPMENTS = _table(Shipment)
SHIPMENT_LINES = _table(ShipmentLine)
SCANS = _table(Scan)
OUTBOX = _table(OutboxEntry)
TAGS = _table(OrderTag)
PRODUCTS = _table(Product)
CODES = _table(ProductCode)
PRINTS = _table(Print)
AUDIT = _table(AuditEntry)
CATALOG_SOURCES = _table(CatalogSource)
CATALOG_ROWS = _table(CatalogItem)
LISTING_LINKS = _table(ListingLink)
