"""The tables as SQL expression objects, for the bulk queries and upserts that skip the ORM.

One place for these handles, so every repository and service names a table the same way.
"""
from app.db.tables import (
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

CONNECTIONS = Connection.__table__
STOREFRONTS = Storefront.__table__
STATUSES = OrderStatus.__table__
ORDERS = Order.__table__
LINES = OrderLine.__table__
ADDRESSES = OrderAddress.__table__
PAYMENTS = OrderPayment.__table__
STORE_SHIPMENTS = StoreShipment.__table__
STORE_SHIPMENT_LINES = StoreShipmentLine.__table__
SHIPMENTS = Shipment.__table__
SHIPMENT_LINES = ShipmentLine.__table__
SCANS = Scan.__table__
OUTBOX = OutboxEntry.__table__
TAGS = OrderTag.__table__
PRODUCTS = Product.__table__
CODES = ProductCode.__table__
PRINTS = Print.__table__
