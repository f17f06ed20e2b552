"""The station's tables.

Conventions:
- `id` is always PackDesk's own key; the store's ids are kept in columns named after the store
  (`order_id`, `line_id`, `store_id`, `status_id`, ...), unique within a connection.
- Datetimes are timezone-aware and stored as UTC. Money is kept as decimal text (SQLite has no
  decimal type and floats would round cents).
- Nothing derivable is stored beside its source: an order's shipped state comes from its
  shipments; a line's quantity shipped in the store comes from the store's shipments.
- Schema changes go through Alembic (app/db/migrations); a test checks these models and the
  migrations agree.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Index, MetaData, UniqueConstraint
from sqlmodel import Field, SQLModel

# Named constraints keep Alembic's batch migrations on SQLite deterministic.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata: MetaData = SQLModel.metadata

CASCADE = {"ondelete": "CASCADE"}


def _fk(target: str, *, nullable: bool = False, cascade: bool = True):
    return Field(default=None if nullable else ..., foreign_key=target, index=True,
                 nullable=nullable, **({"ondelete": "CASCADE"} if cascade else {}))


def _json(default=None):
    return Field(default=default, sa_column=Column(JSON, nullable=True))


class Meta(SQLModel, table=True):
    """Station-wide facts, e.g. the station id used in shipment names."""

    __tablename__ = "meta"
    key: str = Field(primary_key=True)
    value: str


class Connection(SQLModel, table=True):
    __tablename__ = "connections"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    address: str  # origin: scheme://host[:port]; the token lives in the OS keyring only
    auth_kind: str = "token"  # "token" | "oauth"
    oauth_client_id: str | None = None
    # Which storefronts to import: null = every storefront the token reaches.
    storefront_ids: list[int] | None = _json()
    # Import rule: null = open, not shipped, not a quote; else normalized status names.
    import_statuses: list[str] | None = _json()
    created_within_days: int = 30
    poll_interval_min: int = 15
    claim_status_id: int | None = None
    shipped_status_id: int | None = None
    partial_status_id: int | None = None
    mark_shipped_on_first: bool = False
    notify_customer: bool = True
    sync_tracking: bool = True
    order_prefix: str = ""
    bin_field_name: str = "ShipStationWarehouseLocation"
    new_order_tag: str = ""
    tracking_url_templates: dict[str, str] | None = _json()
    account_fingerprint: str | None = None  # to notice two connections reaching one account
    enabled: bool = True
    created_at: datetime
    updated_at: datetime


class Storefront(SQLModel, table=True):
    __tablename__ = "storefronts"
    __table_args__ = (UniqueConstraint("connection_id", "store_id"),)
    id: int | None = Field(default=None, primary_key=True)
    connection_id: int = _fk("connections.id")
    store_id: int
    name: str = ""
    domain_name: str = ""
    company_name: str = ""
    email: str = ""
    phone: str = ""
    address_line_1: str = ""
    address_line_2: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    country: str = ""
    logo_url: str = ""
    logo_file: str = ""  # a chosen or downloaded logo, relative to the data dir
    is_micro_store: bool = False
    parent_store_id: int | None = None
    refreshed_at: datetime


class OrderStatus(SQLModel, table=True):
    __tablename__ = "order_statuses"
    __table_args__ = (UniqueConstraint("connection_id", "status_id"),)
    id: int | None = Field(default=None, primary_key=True)
    connection_id: int = _fk("connections.id")
    status_id: int
    name: str
    color: str = ""
    is_open: bool = False
    is_declined: bool = False
    is_cancelled: bool = False
    is_shipped: bool = False
    is_partially_shipped: bool = False
    is_quote_status: bool = False
    is_fully_refunded: bool = False
    is_partially_refunded: bool = False
    view: str | None = None  # the packer's mapping; null = default from flags and name
    refreshed_at: datetime


class Order(SQLModel, table=True):
    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("connection_id", "order_id"),
        Index("ix_orders_connection_updated", "connection_id", "updated_at"),
        Index("ix_orders_ordered_at", "ordered_at"),
        Index("ix_orders_status", "connection_id", "order_status_id"),
        # One per sortable column of the order list: the first screenful of a sorted view of
        # 100,000 orders is then an index walk with LIMIT, not a sort of the whole table.
        Index("ix_orders_order_id", "order_id"),
        Index("ix_orders_customer", "customer_name"),
        Index("ix_orders_city", "ship_city"),
        Index("ix_orders_units", "units"),
        Index("ix_orders_weight", "total_weight"),
        Index("ix_orders_method", "shipping_method"),
        Index("ix_orders_store", "store_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    connection_id: int = _fk("connections.id")
    order_id: int
    store_id: int | None = None
    customer_id: int | None = None
    order_status_id: int | None = None
    previous_order_status_id: int | None = None
    order_type: str = "Order"
    ordered_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    status_changed_at: datetime | None = None
    subtotal: str = "0"
    tax_total: str = "0"
    shipping_total: str = "0"
    discount_total: str = "0"
    handling_total: str = "0"
    grand_total: str = "0"
    coupon_code: str = ""
    shipping_method: str = ""
    shipping_service_code: str = ""
    shipping_carrier: str = ""
    payment_method: str = ""
    special_instructions: str = ""  # customer notes at checkout
    instructions: str = ""
    public_comments: str = ""
    admin_comments: str = ""  # internal notes
    is_gift: bool = False
    gift_message: str = ""
    customer_name: str = ""
    customer_email: str = ""
    customer_phone: str = ""
    channel: str = ""
    source: str = ""
    due_date: datetime | None = None
    custom_fields: list[dict] | None = _json()
    # Summaries of the store's lines and ship-to, kept with the order so the order list can
    # sort and filter 100,000 orders without aggregating lines on every keystroke.
    units: int = 0
    total_weight: float = 0.0
    ship_city: str = ""
    ship_country: str = ""
    # Local state beside the store's fields; re-sync never touches these.
    first_synced_at: datetime
    last_read_at: datetime  # last time the store's copy was read (the 60-second rule)
    flag_reason: str = ""
    flagged_at: datetime | None = None
    flag_acknowledged_at: datetime | None = None
    hold_reason: str = ""
    hold_until: datetime | None = None
    work_started_at: datetime | None = None


class OrderLine(SQLModel, table=True):
    __tablename__ = "order_lines"
    __table_args__ = (UniqueConstraint("order_pk", "line_id"),)
    id: int | None = Field(default=None, primary_key=True)
    order_pk: int = _fk("orders.id")
    line_id: int
    product_id: int | None = None
    variant_inventory_id: int | None = None
    sku: str = ""
    name: str = ""
    description: str = ""
    quantity: int = 0
    price: str = "0"
    weight: float = 0.0
    weight_unit: str = ""
    options: list[dict] | None = _json()  # [{"label": "Color", "value": "Blue"}, ...]
    is_non_shipping: bool = False
    is_discount: bool = False
    parent_line_id: int | None = None
    bound_to_parent: bool = False
    gift_message: str = ""
    note: str = ""
    position: int = 0


class OrderAddress(SQLModel, table=True):
    __tablename__ = "order_addresses"
    __table_args__ = (UniqueConstraint("order_pk", "kind"),)
    id: int | None = Field(default=None, primary_key=True)
    order_pk: int = _fk("orders.id")
    kind: str  # "shipping" | "billing"
    address_id: int | None = None
    company: str = ""
    first_name: str = ""
    last_name: str = ""
    address_line_1: str = ""
    address_line_2: str = ""
    city: str = ""
    state: str = ""
    state_code: str = ""
    postal_code: str = ""
    country: str = ""
    country_code: str = ""
    phone: str = ""
    comments: str = ""


class OrderPayment(SQLModel, table=True):
    __tablename__ = "order_payments"
    id: int | None = Field(default=None, primary_key=True)
    order_pk: int = _fk("orders.id")
    payment_id: int | None = None
    payment_type: str = ""
    payment_method_name: str = ""
    card_type: str = ""
    last_four: str = ""
    amount: str = "0"
    is_approved: bool = False
    is_declined: bool = False
    is_captured: bool = False
    is_void: bool = False
    paid_at: datetime | None = None


class StoreShipment(SQLModel, table=True):
    """A shipment as the store has it (ours once pushed, or another tool's)."""

    __tablename__ = "store_shipments"
    __table_args__ = (UniqueConstraint("order_pk", "shipment_id"),)
    id: int | None = Field(default=None, primary_key=True)
    order_pk: int = _fk("orders.id")
    shipment_id: int
    shipment_name: str = ""
    shipped_at: datetime | None = None
    tracking_numbers: str = ""
    tracking_url: str = ""
    carrier: str = ""
    service: str = ""
    packages: int | None = None
    total_weight: float | None = None
    carrier_fee: str = ""
    shipping_comment: str = ""


class StoreShipmentLine(SQLModel, table=True):
    __tablename__ = "store_shipment_lines"
    id: int | None = Field(default=None, primary_key=True)
    store_shipment_pk: int = _fk("store_shipments.id")
    line_id: int  # the store's order item id
    quantity: int


class Shipment(SQLModel, table=True):
    """PackDesk's unit of packing work."""

    __tablename__ = "shipments"
    # AUTOINCREMENT: ids are never reused, so a shipment name PD-{station}-{id} printed on a
    # slip (or sent to the store) can never come to mean another shipment after a merge.
    __table_args__ = (UniqueConstraint("order_pk", "number"), {"sqlite_autoincrement": True})
    id: int | None = Field(default=None, primary_key=True)
    order_pk: int = _fk("orders.id")
    number: int  # 1, 2, ... within the order, as printed on slips
    state: str = "open"  # open | packed | shipped | void
    shipment_name: str = Field(unique=True)  # PD-{station}-{id}: the store's upsert key
    carrier: str = ""
    service: str = ""
    service_id: int | None = None
    service_type: str = ""
    tracking_numbers: str = ""
    carrier_fee: str = ""
    packages: int = 1
    weight_override: float | None = None
    buyer_note: str = ""
    internal_note: str = ""
    station: str = ""
    packer: str = ""
    revision: int = 0  # bumped by each correction so the outbox sends the latest
    store_shipment_id: int | None = None  # the store's id once pushed (voids delete it)
    created_at: datetime
    updated_at: datetime
    packed_at: datetime | None = None
    shipped_at: datetime | None = None
    voided_at: datetime | None = None


class ShipmentLine(SQLModel, table=True):
    __tablename__ = "shipment_lines"
    __table_args__ = (UniqueConstraint("shipment_pk", "line_pk"),)
    id: int | None = Field(default=None, primary_key=True)
    shipment_pk: int = _fk("shipments.id")
    line_pk: int = _fk("order_lines.id")
    quantity: int
    verified: int = 0  # units confirmed by scan or by hand


class Scan(SQLModel, table=True):
    __tablename__ = "scans"
    id: int | None = Field(default=None, primary_key=True)
    scanned_at: datetime = Field(index=True)
    station: str
    packer: str
    value: str
    result: str  # verified | manual | wrong_item | over_scan | opened | unknown |
    # shipped_unverified (the packer's reason in value)
    order_pk: int | None = _fk("orders.id", nullable=True, cascade=False)
    shipment_pk: int | None = _fk("shipments.id", nullable=True, cascade=False)
    line_pk: int | None = _fk("order_lines.id", nullable=True, cascade=False)


class OutboxEntry(SQLModel, table=True):
    """A write to the store, queued in the same transaction as the change that caused it."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_state_next", "state", "next_attempt_at"),)
    id: int | None = Field(default=None, primary_key=True)
    connection_id: int = _fk("connections.id")
    order_pk: int | None = _fk("orders.id", nullable=True, cascade=False)
    shipment_pk: int | None = _fk("shipments.id", nullable=True, cascade=False)
    kind: str  # shipment | shipment_void | status | claim | product
    payload: dict | None = _json()
    state: str = "pending"  # pending | delivered | failed | stopped | superseded
    attempts: int = 0
    next_attempt_at: datetime | None = None
    last_error: str = ""
    created_at: datetime
    delivered_at: datetime | None = None


class SyncCheckpoint(SQLModel, table=True):
    __tablename__ = "sync_checkpoints"
    __table_args__ = (UniqueConstraint("connection_id", "resource"),)
    id: int | None = Field(default=None, primary_key=True)
    connection_id: int = _fk("connections.id")
    resource: str  # "orders", "statuses", "storefronts", "products", ...
    checkpoint: str = ""  # the store's own updated_at text, or a UTC ISO time
    refreshed_at: datetime


class SyncRun(SQLModel, table=True):
    __tablename__ = "sync_runs"
    id: int | None = Field(default=None, primary_key=True)
    connection_id: int = _fk("connections.id")
    kind: str = "incremental"  # incremental | manual | full
    started_at: datetime
    finished_at: datetime | None = None
    orders_new: int = 0
    orders_updated: int = 0
    orders_flagged: int = 0
    requests: int = 0
    bytes_received: int = 0
    duration_ms: int = 0
    outcome: str = "running"  # running | ok | failed | cancelled | interrupted (killed)
    error: str = ""


class Product(SQLModel, table=True):
    __tablename__ = "products"
    __table_args__ = (UniqueConstraint("connection_id", "product_id"),)
    id: int | None = Field(default=None, primary_key=True)
    connection_id: int = _fk("connections.id")
    product_id: int
    sku: str = ""
    name: str = ""
    gtin: str = ""
    mpn: str = ""
    weight: float = 0.0
    weight_unit: str = ""
    bin: str = ""
    image_url: str = ""
    is_non_shipping: bool = False
    variants: list[dict] | None = _json()  # variant inventory: id, sku, gtin, description
    updated_at: datetime | None = None
    refreshed_at: datetime


class ProductCode(SQLModel, table=True):
    """Every scannable code (SKU, GTIN/UPC, MPN) of a product or variant, for scan lookups."""

    __tablename__ = "product_codes"
    __table_args__ = (Index("ix_product_codes_code", "connection_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    connection_id: int = _fk("connections.id")
    product_id: int
    variant_inventory_id: int | None = None
    code: str
    kind: str  # sku | gtin | mpn


class ShippingService(SQLModel, table=True):
    """The store's shipping provider services and custom shipping methods."""

    __tablename__ = "shipping_services"
    __table_args__ = (UniqueConstraint("connection_id", "kind", "service_id"),)
    id: int | None = Field(default=None, primary_key=True)
    connection_id: int = _fk("connections.id")
    kind: str  # provider | custom
    service_id: int
    carrier: str = ""
    name: str = ""
    code: str = ""
    is_active: bool = True


class OrderTag(SQLModel, table=True):
    __tablename__ = "order_tags"
    __table_args__ = (UniqueConstraint("order_pk", "tag"), Index("ix_order_tags_tag", "tag"))
    id: int | None = Field(default=None, primary_key=True)
    order_pk: int = _fk("orders.id")
    tag: str


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_log"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    station: str = ""
    packer: str = ""
    action: str
    entity: str = ""
    entity_id: str = ""
    details: dict | None = _json()


# Full-text search over orders: an FTS5 table kept by the sync (rowid = orders.id), made by the
# migrations with raw SQL because SQLAlchemy has no FTS5 construct. Named here so the
# models-vs-migrations check expects it.
FTS_TABLES = {"orders_fts"}


class Print(SQLModel, table=True):
    """Every print of a slip or pick list (to a printer, a PDF file, or a preview): who, when,
    what, how many copies, and how many times the same document was printed before."""

    __tablename__ = "prints"
    id: int | None = Field(default=None, primary_key=True)
    printed_at: datetime = Field(index=True)
    station: str = ""
    packer: str = ""
    kind: str  # slip | pick_list
    output: str  # printer | pdf | preview
    destination: str = ""  # the printer's name or the file's path
    # What was printed: a slip's shipment (or an order not split yet), or a pick list's batch.
    # Reprints are counted per document_key; the history outlives merged or deleted shipments.
    document_key: str = Field(index=True)
    order_pk: int | None = Field(default=None, foreign_key="orders.id", index=True,
                                 nullable=True, ondelete="SET NULL")
    shipment_pk: int | None = Field(default=None, foreign_key="shipments.id", index=True,
                                    nullable=True, ondelete="SET NULL")
    order_number: str = ""  # as printed, with the prefix: "AC-100123"
    shipment_name: str = ""  # PD-{station}-{id}; empty for an order not split yet
    label: str = ""  # "Shipment 1 of 2", or a pick list's title
    copies: int = 1
    reprint: int = 0  # earlier prints of the same document to a printer or a file
    details: dict | None = _json()  # a pick list's orders and shipments
