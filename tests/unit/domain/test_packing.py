"""Packing rules: examples for each rule, and properties over any sequence of operations."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.orders import Line, StoreShipment, StoreShipmentLine
from app.domain.packing import (
    LIVE,
    MOVABLE,
    OrderLines,
    OrderState,
    PackingError,
    Plan,
    StatusPolicy,
    initial_plan,
    mark_shipped,
    merge,
    move_units,
    order_state,
    reconcile,
    split_lines,
    split_quantity,
    status_after_shipment,
    unassigned,
    void,
)


def line(line_id, quantity, **kw) -> Line:
    return Line(line_id=line_id, sku=f"SKU-{line_id}", name=f"Item {line_id}", quantity=quantity,
                **kw)


def order_of(*lines, shipped=None) -> OrderLines:
    shipments = [StoreShipment(shipment_id=1, shipment_name="other-tool",
                               lines=tuple(StoreShipmentLine(i, n)
                                           for i, n in (shipped or {}).items()))]
    return OrderLines.of(lines, shipments if shipped else [])


def units(plan: Plan) -> list[dict[int, int]]:
    return [dict(s.units) for _, s in plan.numbered()]


def test_an_order_starts_with_one_shipment_of_what_is_left_to_ship():
    order = order_of(line(1, 3), line(2, 2), line(3, 1, is_non_shipping=True),
                     line(4, 1, is_discount=True), shipped={1: 1})
    assert units(initial_plan(order)) == [{1: 2, 2: 2}]


def test_split_order_moves_whole_lines_and_split_quantity_moves_units():
    order = order_of(line(1, 3), line(2, 2))
    plan = split_lines(initial_plan(order), order, 1, [2])
    assert units(plan) == [{1: 3}, {2: 2}]
    plan = split_quantity(plan, order, 1, 1, 2, target=2)
    assert units(plan) == [{1: 1}, {2: 2, 1: 2}]
    plan = merge(plan, [1, 2])
    assert units(plan) == [{1: 3, 2: 2}]


def test_guards_refuse_with_a_reason():
    order = order_of(line(1, 2), line(2, 1, is_non_shipping=True))
    plan = initial_plan(order)
    with pytest.raises(PackingError, match="holds only 2"):
        split_quantity(plan, order, 1, 1, 3)
    with pytest.raises(PackingError, match="no shipment 5"):
        split_quantity(plan, order, 5, 1, 1)
    with pytest.raises(PackingError, match="holds no units of line 2"):
        split_lines(plan, order, 1, [2])
    with pytest.raises(PackingError, match="not shipped"):
        move_units(plan, order, 1, {2: 1})
    with pytest.raises(PackingError, match="at least two"):
        merge(plan, [1])


def test_moving_everything_leaves_no_empty_shipment_behind():
    order = order_of(line(1, 2))
    plan = split_quantity(initial_plan(order), order, 1, 1, 2)
    assert units(plan) == [{1: 2}]


def test_kit_children_follow_their_parent():
    order = order_of(line(1, 2), line(2, 4, parent_line_id=1, bound_to_parent=True),
                     line(3, 1))
    plan = split_quantity(initial_plan(order), order, 1, 1, 1)
    assert units(plan) == [{1: 1, 2: 2, 3: 1}, {1: 1, 2: 2}]
    with pytest.raises(PackingError, match="part of a kit"):
        split_quantity(plan, order, 1, 2, 1)


def test_units_shipped_in_the_store_cannot_be_packed_again():
    order = order_of(line(1, 2), shipped={1: 2})
    assert initial_plan(order).shipments == ()
    assert order_state(Plan(()), order) is OrderState.SHIPPED


def test_void_returns_units_and_shipped_shipments_stay_put():
    order = order_of(line(1, 2), line(2, 1))
    plan = split_lines(initial_plan(order), order, 1, [2])
    plan = mark_shipped(plan, order, 2)
    with pytest.raises(PackingError, match="shipped"):
        split_quantity(plan, order, 2, 2, 1)
    assert order_state(plan, order) is OrderState.PARTIALLY_SHIPPED
    plan = void(plan, order, 2)
    assert units(plan) == [{1: 2, 2: 1}]
    assert order_state(plan, order) is OrderState.OPEN


def test_reconcile_follows_the_store_without_touching_shipped_units():
    order = order_of(line(1, 3), line(2, 2))
    plan = split_lines(initial_plan(order), order, 1, [2])
    plan = mark_shipped(plan, order, 2)
    changed = order_of(line(1, 1), line(2, 2), line(5, 4))  # qty cut, a line added
    plan = reconcile(plan, changed)
    assert units(plan) == [{1: 1, 5: 4}, {2: 2}]
    assert unassigned(plan, changed) == {}


def test_status_policy():
    policy = StatusPolicy(shipped_status_id=3, partial_status_id=10)
    assert status_after_shipment(OrderState.SHIPPED, policy) == 3
    assert status_after_shipment(OrderState.PARTIALLY_SHIPPED, policy) == 10
    first = StatusPolicy(shipped_status_id=3, mark_shipped_on_first=True)
    assert status_after_shipment(OrderState.PARTIALLY_SHIPPED, first) == 3
    assert status_after_shipment(OrderState.PARTIALLY_SHIPPED, StatusPolicy(3)) is None
    gift_cards = order_of(line(1, 1, is_non_shipping=True))
    assert order_state(Plan(()), gift_cards) is OrderState.SHIPPED


# --- properties ---------------------------------------------------------------------------------

@st.composite
def orders(draw):
    lines = []
    next_id = 1
    for _ in range(draw(st.integers(1, 5))):
        quantity = draw(st.integers(1, 6))
        kind = draw(st.sampled_from(["plain", "plain", "non_shipping", "discount", "kit"]))
        if kind == "kit":
            per = draw(st.integers(1, 3))
            lines.append(line(next_id, quantity))
            lines.append(line(next_id + 1, quantity * per, parent_line_id=next_id,
                              bound_to_parent=True))
            next_id += 2
            continue
        lines.append(line(next_id, quantity, is_non_shipping=kind == "non_shipping",
                          is_discount=kind == "discount"))
        next_id += 1
    shipped = {}
    if draw(st.booleans()):
        for item in lines:
            if draw(st.booleans()):
                shipped[item.line_id] = draw(st.integers(0, item.quantity))
    return order_of(*lines, shipped=shipped)


def check_invariants(plan: Plan, order: OrderLines) -> None:
    held: dict[int, int] = {}
    for shipment in plan.shipments:
        if shipment.state in MOVABLE:
            assert shipment.units, "an empty open shipment was left behind"
        for line_id, n in shipment.units.items():
            assert n > 0
            assert order.lines[line_id].is_packable, "a non-shipping/discount line was packed"
            if shipment.state in LIVE:
                held[line_id] = held.get(line_id, 0) + n
    for line_id in order.lines:
        # never more than still needed, and no unit lost: every needed unit is held
        assert held.get(line_id, 0) == order.needed(line_id), (line_id, held, plan)


OPERATIONS = ["split_lines", "split_qty", "merge", "void", "ship", "reconcile"]


@settings(max_examples=300, deadline=None)
@given(orders(), st.data())
def test_any_sequence_of_operations_keeps_every_unit_exactly_once(order, data):
    plan = initial_plan(order)
    check_invariants(plan, order)
    for _ in range(data.draw(st.integers(1, 25), label="steps")):
        count = len(plan.numbered())
        if not count:
            break
        op = data.draw(st.sampled_from(OPERATIONS), label="op")
        a = data.draw(st.integers(1, count), label="from")
        b = data.draw(st.integers(1, count + 1), label="to")  # count + 1 = a new shipment
        held = sorted(plan.by_number(a).units)
        line_id = data.draw(st.sampled_from(held or [1]), label="line")
        qty = data.draw(st.integers(1, max(1, plan.by_number(a).units.get(line_id, 1))),
                        label="qty")
        target = None if b > count else b
        try:
            if op == "split_lines":
                plan = split_lines(plan, order, a, [line_id], target)
            elif op == "split_qty":
                plan = split_quantity(plan, order, a, line_id, qty, target)
            elif op == "merge":
                plan = merge(plan, [a, b])
            elif op == "void":
                plan = void(plan, order, a)
            elif op == "ship":
                plan = mark_shipped(plan, order, a)
            else:
                plan = reconcile(plan, order)
        except PackingError:
            pass  # a refusal leaves the plan as it was
        check_invariants(plan, order)
