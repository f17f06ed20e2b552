"""Catalog and listings: the merchant's catalog sources, their rows, and listing links.

Revision ID: 0003_catalog
Revises: 0002
Create Date: 2026-12-03
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0003_catalog'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('catalog_sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('mapping', sa.JSON(), nullable=True),
    sa.Column('delimiter', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('encoding', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('file_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('imported_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_sources')),
    sa.UniqueConstraint('name', name=op.f('uq_catalog_sources_name'))
    )
    op.create_table('catalog_rows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('row', sa.Integer(), nullable=False),
    sa.Column('sku', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('sku_key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('parent_sku', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('gtin', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('mpn', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('price', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=True),
    sa.Column('weight', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('length', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('width', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('height', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('categories', sa.JSON(), nullable=True),
    sa.Column('images', sa.JSON(), nullable=True),
    sa.Column('options', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['source_id'], ['catalog_sources.id'], name=op.f('fk_catalog_rows_source_id_catalog_sources'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_rows')),
    sa.UniqueConstraint('source_id', 'sku_key', name=op.f('uq_catalog_rows_source_id'))
    )
    with op.batch_alter_table('catalog_rows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalog_rows_gtin'), ['gtin'], unique=False)
        batch_op.create_index(batch_op.f('ix_catalog_rows_source_id'), ['source_id'], unique=False)

    op.create_table('listing_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('connection_id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('sku_key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('variant_inventory_id', sa.Integer(), nullable=True),
    sa.Column('how', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('linked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['connection_id'], ['connections.id'], name=op.f('fk_listing_links_connection_id_connections'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_id'], ['catalog_sources.id'], name=op.f('fk_listing_links_source_id_catalog_sources'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_listing_links')),
    sa.UniqueConstraint('connection_id', 'source_id', 'sku_key', name=op.f('uq_listing_links_connection_id'))
    )
    with op.batch_alter_table('listing_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_listing_links_connection_id'), ['connection_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_listing_links_source_id'), ['source_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('listing_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_listing_links_source_id'))
        batch_op.drop_index(batch_op.f('ix_listing_links_connection_id'))

    op.drop_table('listing_links')
    with op.batch_alter_table('catalog_rows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalog_rows_source_id'))
        batch_op.drop_index(batch_op.f('ix_catalog_rows_gtin'))

    op.drop_table('catalog_rows')
    op.drop_table('catalog_sources')
