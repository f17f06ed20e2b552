"""Prints: every packing slip and pick list printed, saved as PDF or previewed.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('prints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('printed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('station', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('packer', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('output', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('destination', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('document_key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('order_pk', sa.Integer(), nullable=True),
    sa.Column('shipment_pk', sa.Integer(), nullable=True),
    sa.Column('order_number', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('shipment_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('copies', sa.Integer(), nullable=False),
    sa.Column('reprint', sa.Integer(), nullable=False),
    sa.Column('details', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['order_pk'], ['orders.id'], name=op.f('fk_prints_order_pk_orders'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['shipment_pk'], ['shipments.id'], name=op.f('fk_prints_shipment_pk_shipments'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_prints'))
    )
    with op.batch_alter_table('prints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_prints_document_key'), ['document_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_prints_order_pk'), ['order_pk'], unique=False)
        batch_op.create_index(batch_op.f('ix_prints_printed_at'), ['printed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_prints_shipment_pk'), ['shipment_pk'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('prints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_prints_shipment_pk'))
        batch_op.drop_index(batch_op.f('ix_prints_printed_at'))
        batch_op.drop_index(batch_op.f('ix_prints_order_pk'))
        batch_op.drop_index(batch_op.f('ix_prints_document_key'))

    op.drop_table('prints')
