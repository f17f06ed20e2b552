"""Initial schema: connections, orders and their parts, shipments, scans, outbox, sync, products.

Revision ID: 0001
Revises: 
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('station', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('packer', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('entity', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('entity_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('details', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)

    op.create_table('connections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('auth_kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('oauth_client_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('storefront_ids', sa.JSON(), nullable=True),
    sa.Column('import_statuses', sa.JSON(), nullable=True),
    sa.Column('created_within_days', sa.Integer(), nullable=False),
    sa.Column('poll_interval_min', sa.Integer(), nullable=False),
    sa.Column('claim_status_id', sa.Integer(), nullable=True),
    sa.Column('shipped_status_id', sa.Integer(), nullable=True),
    sa.Column('partial_status_id', sa.Integer(), nullable=True),
    sa.Column('mark_shipped_on_first', sa.Boolean(), nullable=False),
    sa.Column('notify_customer', sa.Boolean(), nullable=False),
    sa.Column('sync_tracking', sa.Boolean(), nullable=False),
    sa.Column('order_prefix', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('bin_field_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('new_order_tag', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('tracking_url_templates', sa.JSON(), nullable=True),
    sa.Column('account_fingerprint', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_connections')),
    sa.UniqueConstraint('name', name=op.f('uq_connections_name'))
    )
    op.create_table('meta',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('value', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_meta'))
    )
    op.create_table('order_statuses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('connection_id', sa.Integer(), nullable=False),
    sa.Column('status_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('color', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('is_open', sa.Boolean(), nullable=False),
    sa.Column('is_declined', sa.Boolean(), nullable=False),
    sa.Column('is_cancelled', sa.Boolean(), nullable=False),
    sa.Column('is_shipped', sa.Boolean(), nullable=False),
    sa.Column('is_partially_shipped', sa.Boolean(), nullable=False),
    sa.Column('is_quote_status', sa.Boolean(), nullable=False),
    sa.Column('is_fully_refunded', sa.Boolean(), nullable=False),
    sa.Column('is_partially_refunded', sa.Boolean(), nullable=False),
    sa.Column('view', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('refreshed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['connection_id'], ['connections.id'], name=op.f('fk_order_statuses_connection_id_connections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_statuses')),
    sa.UniqueConstraint('connection_id', 'status_id', name=op.f('uq_order_statuses_connection_id'))
    )
    with op.batch_alter_table('order_statuses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_statuses_connection_id'), ['connection_id'], unique=False)

    op.create_table('orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('connection_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=True),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('order_status_id', sa.Integer(), nullable=True),
    sa.Column('previous_order_status_id', sa.Integer(), nullable=True),
    sa.Column('order_type', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('ordered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('status_changed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('subtotal', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('tax_total', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('shipping_total', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('discount_total', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('handling_total', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('grand_total', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('coupon_code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('shipping_method', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('shipping_service_code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('shipping_carrier', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('payment_method', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('special_instructions', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('instructions', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('public_comments', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('admin_comments', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('is_gift', sa.Boolean(), nullable=False),
    sa.Column('gift_message', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('customer_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('customer_email', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('customer_phone', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('due_date', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('custom_fields', sa.JSON(), nullable=True),
    sa.Column('units', sa.Integer(), nullable=False),
    sa.Column('total_weight', sa.Float(), nullable=False),
    sa.Column('ship_city', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('ship_country', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('first_synced_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('last_read_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('flag_reason', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('flagged_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('flag_acknowledged_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('hold_reason', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('hold_until', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('work_started_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['connection_id'], ['connections.id'], name=op.f('fk_orders_connection_id_connections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orders')),
    sa.UniqueConstraint('connection_id', 'order_id', name=op.f('uq_orders_connection_id'))
    )
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_orders_connection_id'), ['connection_id'], unique=False)
        batch_op.create_index('ix_orders_connection_updated', ['connection_id', 'updated_at'], unique=False)
        batch_op.create_index('ix_orders_ordered_at', ['ordered_at'], unique=False)
        batch_op.create_index('ix_orders_status', ['connection_id', 'order_status_id'], unique=False)
        batch_op.create_index('ix_orders_order_id', ['order_id'], unique=False)
        batch_op.create_index('ix_orders_customer', ['customer_name'], unique=False)
        batch_op.create_index('ix_orders_city', ['ship_city'], unique=False)
        batch_op.create_index('ix_orders_units', ['units'], unique=False)
        batch_op.create_index('ix_orders_weight', ['total_weight'], unique=False)
        batch_op.create_index('ix_orders_method', ['shipping_method'], unique=False)
        batch_op.create_index('ix_orders_store', ['store_id'], unique=False)

    op.create_table('product_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('connection_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('variant_inventory_id', sa.Integer(), nullable=True),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['connection_id'], ['connections.id'], name=op.f('fk_product_codes_connection_id_connections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_product_codes'))
    )
    with op.batch_alter_table('product_codes', schema=None) as batch_op:
        batch_op.create_index('ix_product_codes_code', ['connection_id', 'code'], unique=False)
        batch_op.create_index(batch_op.f('ix_product_codes_connection_id'), ['connection_id'], unique=False)

    op.create_table('products',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('connection_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('sku', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('gtin', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('mpn', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('weight', sa.Float(), nullable=False),
    sa.Column('weight_unit', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('bin', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('image_url', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('is_non_shipping', sa.Boolean(), nullable=False),
    sa.Column('variants', sa.JSON(), nullable=True),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('refreshed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['connection_id'], ['connections.id'], name=op.f('fk_products_connection_id_connections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_products')),
    sa.UniqueConstraint('connection_id', 'product_id', name=op.f('uq_products_connection_id'))
    )
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_products_connection_id'), ['connection_id'], unique=False)

    op.create_table('shipping_services',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('connection_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('carrier', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['connection_id'], ['connections.id'], name=op.f('fk_shipping_services_connection_id_connections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shipping_services')),
    sa.UniqueConstraint('connection_id', 'kind', 'service_id', name=op.f('uq_shipping_services_connection_id'))
    )
    with op.batch_alter_table('shipping_services', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shipping_services_connection_id'), ['connection_id'], unique=False)

    op.create_table('storefronts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('connection_id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('domain_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('company_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('address_line_1', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('address_line_2', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('city', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('postal_code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('country', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('logo_url', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('logo_file', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('is_micro_store', sa.Boolean(), nullable=False),
    sa.Column('parent_store_id', sa.Integer(), nullable=True),
    sa.Column('refreshed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['connection_id'], ['connections.id'], name=op.f('fk_storefronts_connection_id_connections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_storefronts')),
    sa.UniqueConstraint('connection_id', 'store_id', name=op.f('uq_storefronts_connection_id'))
    )
    with op.batch_alter_table('storefronts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_storefronts_connection_id'), ['connection_id'], unique=False)

    op.create_table('sync_checkpoints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('connection_id', sa.Integer(), nullable=False),
    sa.Column('resource', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('checkpoint', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('refreshed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['connection_id'], ['connections.id'], name=op.f('fk_sync_checkpoints_connection_id_connections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_checkpoints')),
    sa.UniqueConstraint('connection_id', 'resource', name=op.f('uq_sync_checkpoints_connection_id'))
    )
    with op.batch_alter_table('sync_checkpoints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_checkpoints_connection_id'), ['connection_id'], unique=False)

    op.create_table('sync_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('connection_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('started_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('finished_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('orders_new', sa.Integer(), nullable=False),
    sa.Column('orders_updated', sa.Integer(), nullable=False),
    sa.Column('orders_flagged', sa.Integer(), nullable=False),
    sa.Column('requests', sa.Integer(), nullable=False),
    sa.Column('bytes_received', sa.Integer(), nullable=False),
    sa.Column('duration_ms', sa.Integer(), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('error', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['connection_id'], ['connections.id'], name=op.f('fk_sync_runs_connection_id_connections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_runs'))
    )
    with op.batch_alter_table('sync_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_runs_connection_id'), ['connection_id'], unique=False)

    op.create_table('order_addresses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_pk', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('address_id', sa.Integer(), nullable=True),
    sa.Column('company', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('first_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('last_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('address_line_1', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('address_line_2', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('city', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('state_code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('postal_code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('country', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('country_code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('comments', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['order_pk'], ['orders.id'], name=op.f('fk_order_addresses_order_pk_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_addresses')),
    sa.UniqueConstraint('order_pk', 'kind', name=op.f('uq_order_addresses_order_pk'))
    )
    with op.batch_alter_table('order_addresses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_addresses_order_pk'), ['order_pk'], unique=False)

    op.create_table('order_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_pk', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('variant_inventory_id', sa.Integer(), nullable=True),
    sa.Column('sku', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('price', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('weight', sa.Float(), nullable=False),
    sa.Column('weight_unit', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('options', sa.JSON(), nullable=True),
    sa.Column('is_non_shipping', sa.Boolean(), nullable=False),
    sa.Column('is_discount', sa.Boolean(), nullable=False),
    sa.Column('parent_line_id', sa.Integer(), nullable=True),
    sa.Column('bound_to_parent', sa.Boolean(), nullable=False),
    sa.Column('gift_message', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['order_pk'], ['orders.id'], name=op.f('fk_order_lines_order_pk_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_lines')),
    sa.UniqueConstraint('order_pk', 'line_id', name=op.f('uq_order_lines_order_pk'))
    )
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_lines_order_pk'), ['order_pk'], unique=False)

    op.create_table('order_payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_pk', sa.Integer(), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=True),
    sa.Column('payment_type', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('payment_method_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('card_type', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('last_four', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('amount', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('is_approved', sa.Boolean(), nullable=False),
    sa.Column('is_declined', sa.Boolean(), nullable=False),
    sa.Column('is_captured', sa.Boolean(), nullable=False),
    sa.Column('is_void', sa.Boolean(), nullable=False),
    sa.Column('paid_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['order_pk'], ['orders.id'], name=op.f('fk_order_payments_order_pk_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_payments'))
    )
    with op.batch_alter_table('order_payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_payments_order_pk'), ['order_pk'], unique=False)

    op.create_table('order_tags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_pk', sa.Integer(), nullable=False),
    sa.Column('tag', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['order_pk'], ['orders.id'], name=op.f('fk_order_tags_order_pk_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_tags')),
    sa.UniqueConstraint('order_pk', 'tag', name=op.f('uq_order_tags_order_pk'))
    )
    with op.batch_alter_table('order_tags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_tags_order_pk'), ['order_pk'], unique=False)
        batch_op.create_index('ix_order_tags_tag', ['tag'], unique=False)

    op.create_table('shipments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_pk', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('shipment_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('carrier', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('service', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('service_type', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('tracking_numbers', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('carrier_fee', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('packages', sa.Integer(), nullable=False),
    sa.Column('weight_override', sa.Float(), nullable=True),
    sa.Column('buyer_note', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('internal_note', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('station', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('packer', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('store_shipment_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('packed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('shipped_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('voided_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['order_pk'], ['orders.id'], name=op.f('fk_shipments_order_pk_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shipments')),
    sa.UniqueConstraint('order_pk', 'number', name=op.f('uq_shipments_order_pk')),
    sa.UniqueConstraint('shipment_name', name=op.f('uq_shipments_shipment_name')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('shipments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shipments_order_pk'), ['order_pk'], unique=False)

    op.create_table('store_shipments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_pk', sa.Integer(), nullable=False),
    sa.Column('shipment_id', sa.Integer(), nullable=False),
    sa.Column('shipment_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('shipped_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('tracking_numbers', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('tracking_url', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('carrier', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('service', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('packages', sa.Integer(), nullable=True),
    sa.Column('total_weight', sa.Float(), nullable=True),
    sa.Column('carrier_fee', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('shipping_comment', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['order_pk'], ['orders.id'], name=op.f('fk_store_shipments_order_pk_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_store_shipments')),
    sa.UniqueConstraint('order_pk', 'shipment_id', name=op.f('uq_store_shipments_order_pk'))
    )
    with op.batch_alter_table('store_shipments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_store_shipments_order_pk'), ['order_pk'], unique=False)

    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('connection_id', sa.Integer(), nullable=False),
    sa.Column('order_pk', sa.Integer(), nullable=True),
    sa.Column('shipment_pk', sa.Integer(), nullable=True),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=True),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('delivered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['connection_id'], ['connections.id'], name=op.f('fk_outbox_connection_id_connections'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['order_pk'], ['orders.id'], name=op.f('fk_outbox_order_pk_orders')),
    sa.ForeignKeyConstraint(['shipment_pk'], ['shipments.id'], name=op.f('fk_outbox_shipment_pk_shipments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_connection_id'), ['connection_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_order_pk'), ['order_pk'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_shipment_pk'), ['shipment_pk'], unique=False)
        batch_op.create_index('ix_outbox_state_next', ['state', 'next_attempt_at'], unique=False)

    op.create_table('scans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scanned_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('station', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('packer', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('value', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('result', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('order_pk', sa.Integer(), nullable=True),
    sa.Column('shipment_pk', sa.Integer(), nullable=True),
    sa.Column('line_pk', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['line_pk'], ['order_lines.id'], name=op.f('fk_scans_line_pk_order_lines')),
    sa.ForeignKeyConstraint(['order_pk'], ['orders.id'], name=op.f('fk_scans_order_pk_orders')),
    sa.ForeignKeyConstraint(['shipment_pk'], ['shipments.id'], name=op.f('fk_scans_shipment_pk_shipments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scans'))
    )
    with op.batch_alter_table('scans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scans_line_pk'), ['line_pk'], unique=False)
        batch_op.create_index(batch_op.f('ix_scans_order_pk'), ['order_pk'], unique=False)
        batch_op.create_index(batch_op.f('ix_scans_scanned_at'), ['scanned_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_scans_shipment_pk'), ['shipment_pk'], unique=False)

    op.create_table('shipment_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shipment_pk', sa.Integer(), nullable=False),
    sa.Column('line_pk', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('verified', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['line_pk'], ['order_lines.id'], name=op.f('fk_shipment_lines_line_pk_order_lines'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shipment_pk'], ['shipments.id'], name=op.f('fk_shipment_lines_shipment_pk_shipments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shipment_lines')),
    sa.UniqueConstraint('shipment_pk', 'line_pk', name=op.f('uq_shipment_lines_shipment_pk'))
    )
    with op.batch_alter_table('shipment_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shipment_lines_line_pk'), ['line_pk'], unique=False)
        batch_op.create_index(batch_op.f('ix_shipment_lines_shipment_pk'), ['shipment_pk'], unique=False)

    op.create_table('store_shipment_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_shipment_pk', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['store_shipment_pk'], ['store_shipments.id'], name=op.f('fk_store_shipment_lines_store_shipment_pk_store_shipments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_store_shipment_lines'))
    )
    with op.batch_alter_table('store_shipment_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_store_shipment_lines_store_shipment_pk'), ['store_shipment_pk'], unique=False)
    # Full-text search over orders (rowid = orders.id), kept current by the sync.
    op.execute("CREATE VIRTUAL TABLE orders_fts USING fts5("
               "body, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')")


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS orders_fts")
    with op.batch_alter_table('store_shipment_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_store_shipment_lines_store_shipment_pk'))

    op.drop_table('store_shipment_lines')
    with op.batch_alter_table('shipment_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shipment_lines_shipment_pk'))
        batch_op.drop_index(batch_op.f('ix_shipment_lines_line_pk'))

    op.drop_table('shipment_lines')
    with op.batch_alter_table('scans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scans_shipment_pk'))
        batch_op.drop_index(batch_op.f('ix_scans_scanned_at'))
        batch_op.drop_index(batch_op.f('ix_scans_order_pk'))
        batch_op.drop_index(batch_op.f('ix_scans_line_pk'))

    op.drop_table('scans')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_state_next')
        batch_op.drop_index(batch_op.f('ix_outbox_shipment_pk'))
        batch_op.drop_index(batch_op.f('ix_outbox_order_pk'))
        batch_op.drop_index(batch_op.f('ix_outbox_connection_id'))

    op.drop_table('outbox')
    with op.batch_alter_table('store_shipments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_store_shipments_order_pk'))

    op.drop_table('store_shipments')
    with op.batch_alter_table('shipments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shipments_order_pk'))

    op.drop_table('shipments')
    with op.batch_alter_table('order_tags', schema=None) as batch_op:
        batch_op.drop_index('ix_order_tags_tag')
        batch_op.drop_index(batch_op.f('ix_order_tags_order_pk'))

    op.drop_table('order_tags')
    with op.batch_alter_table('order_payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_payments_order_pk'))

    op.drop_table('order_payments')
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_lines_order_pk'))

    op.drop_table('order_lines')
    with op.batch_alter_table('order_addresses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_addresses_order_pk'))

    op.drop_table('order_addresses')
    with op.batch_alter_table('sync_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_runs_connection_id'))

    op.drop_table('sync_runs')
    with op.batch_alter_table('sync_checkpoints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_checkpoints_connection_id'))

    op.drop_table('sync_checkpoints')
    with op.batch_alter_table('storefronts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_storefronts_connection_id'))

    op.drop_table('storefronts')
    with op.batch_alter_table('shipping_services', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shipping_services_connection_id'))

    op.drop_table('shipping_services')
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_products_connection_id'))

    op.drop_table('products')
    with op.batch_alter_table('product_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_product_codes_connection_id'))
        batch_op.drop_index('ix_product_codes_code')

    op.drop_table('product_codes')
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index('ix_orders_store')
        batch_op.drop_index('ix_orders_method')
        batch_op.drop_index('ix_orders_weight')
        batch_op.drop_index('ix_orders_units')
        batch_op.drop_index('ix_orders_city')
        batch_op.drop_index('ix_orders_customer')
        batch_op.drop_index('ix_orders_order_id')
        batch_op.drop_index('ix_orders_status')
        batch_op.drop_index('ix_orders_ordered_at')
        batch_op.drop_index('ix_orders_connection_updated')
        batch_op.drop_index(batch_op.f('ix_orders_connection_id'))

    op.drop_table('orders')
    with op.batch_alter_table('order_statuses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_statuses_connection_id'))

    op.drop_table('order_statuses')
    op.drop_table('meta')
    op.drop_table('connections')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))

    op.drop_table('audit_log')
