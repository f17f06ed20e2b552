"""Orders made for a test in the sandbox, so no test depends on what the generator happened to
seed (a generator change would otherwise turn such tests off silently)."""
from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import select

from app.db.tables import Order


def new_order(sandbox, quantities: Sequence[int] = (1,), status_id: int = 1) -> int:
    """The store's id of a new order: one plain shippable line per quantity, nothing shipped."""
    return sandbox.control.new_order(list(quantities), status_id)["id"]


def synced_order(context, record, sandbox, quantities: Sequence[int] = (1,)) -> int:
    """The station's pk of a new order, after a sync of `record`'s connection brought it in."""
    return synced_order_pk(context, record, new_order(sandbox, quantities))


def synced_order_pk(context, record, order_id: int) -> int:
    """The station's pk of the store's order `order_id`, after a sync brought it in."""
    assert context.sync.sync(record.id).outcome == "ok"
    with context.storage.db.read() as session:
        return session.exec(select(Order.id).where(Order.connection_id == record.id,
                                                   Order.order_id == order_id)).one()


def newest_order_pk(context) -> int:
    """The station's pk of the newest store order: the one `new_order` made before a sync."""
    with context.storage.db.read() as session:
        return session.exec(select(Order.id).order_by(Order.order_id.desc())).first()
