"""Packing rules: shipments of one order, split order, split quantity, merge, void, roll-up.

Pure functions over immutable values. A `Plan` is the order's local shipments; every operation
returns a new Plan or raises PackingError with a message for the packer. The invariants, which
the property tests check after any sequence of operations:

- no line ever has more units in live shipments than it still needs (ordered minus what the
  store's other shipments already cover);
- no unit is lost: an open shipment's units only move between open shipments;
- no empty open shipment is left behind (an order whose lines are all non-shipping is the one
  exception: it is completed with no parcel);
- non-shipping and discount lines are never packed; kit children bound to their parent move
  with it, in proportion.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

from app.domain.orders import Line, StoreShipment, shipped_in_store
from app.errors import PackDeskError


class PackingError(PackDeskError):
    """An operation the packing rules refuse; the message says why."""


class ShipmentState(StrEnum):
    OPEN = "open"  # being packed; its units may move
    PACKED = "packed"  # every unit verified; still movable (unverified again if changed)
    SHIPPED = "shipped"
    VOID = "void"


LIVE = (ShipmentState.OPEN, ShipmentState.PACKED, ShipmentState.SHIPPED)
MOVABLE = (ShipmentState.OPEN, ShipmentState.PACKED)


@dataclass(frozen=True)
class PlannedShipment:
    key: int  # stable identity within the plan (the database id once saved; negative = new)
    state: ShipmentState = ShipmentState.OPEN
    units: Mapping[int, int] = field(default_factory=dict)  # line_id -> units (> 0 only)
    shipment_name: str = ""  # the store's upsert key: PD-{station}-{id}

    @property
    def unit_count(self) -> int:
        return sum(self.units.values())

    def with_units(self, units: Mapping[int, int]) -> PlannedShipment:
        return replace(self, units={k: v for k, v in units.items() if v > 0})


@dataclass(frozen=True)
class Plan:
    shipments: tuple[PlannedShipment, ...]

    def live(self) -> list[PlannedShipment]:
        return [s for s in self.shipments if s.state in LIVE]

    def numbered(self) -> list[tuple[int, PlannedShipment]]:
        """'Shipment n of N': live shipments numbered 1..N in creation order."""
        ordered = sorted(self.live(), key=lambda s: (s.key < 0, abs(s.key)))
        return list(enumerate(ordered, start=1))

    def by_number(self, number: int) -> PlannedShipment:
        for n, shipment in self.numbered():
            if n == number:
                return shipment
        raise PackingError(f"This order has no shipment {number} "
                           f"(it has {len(self.live())}).")

    def number_of(self, key: int) -> int:
        return next(n for n, s in self.numbered() if s.key == key)

    def _replace(self, changed: Iterable[PlannedShipment]) -> Plan:
        changed_by_key = {s.key: s for s in changed}
        kept = [changed_by_key.pop(s.key, s) for s in self.shipments]
        return Plan(tuple(kept) + tuple(changed_by_key.values()))

    def _next_key(self) -> int:
        return min([0, *[s.key for s in self.shipments]]) - 1


@dataclass(frozen=True)
class OrderLines:
    """The order's lines and what the store's shipments not made by this plan already cover."""

    lines: Mapping[int, Line]
    covered_elsewhere: Mapping[int, int]  # line_id -> units in store shipments not in the plan

    @classmethod
    def of(cls, lines: Iterable[Line], store_shipments: Iterable[StoreShipment],
           own_names: Iterable[str] = ()) -> OrderLines:
        """`own_names`: shipment names of this plan, whose store copies are not 'elsewhere'."""
        own = set(own_names)
        elsewhere = [s for s in store_shipments if s.shipment_name not in own]
        return cls({line.line_id: line for line in lines}, shipped_in_store(elsewhere))

    def needed(self, line_id: int) -> int:
        """Units of a line the plan may hold in live shipments."""
        line = self.lines[line_id]
        if not line.is_packable:
            return 0
        return max(0, line.quantity - self.covered_elsewhere.get(line_id, 0))

    def packable_ids(self) -> list[int]:
        return [i for i in self.lines if self.needed(i) > 0]

    def children(self, parent_id: int) -> list[Line]:
        return [line for line in self.lines.values()
                if line.parent_line_id == parent_id and line.bound_to_parent and line.is_packable]

    def all_non_shipping(self) -> bool:
        return not any(line.is_packable for line in self.lines.values())


# --- building ---------------------------------------------------------------------------------

def initial_plan(order: OrderLines, key: int = -1) -> Plan:
    """One open shipment holding every packable unit still to ship (none if nothing to ship)."""
    units = {i: order.needed(i) for i in order.packable_ids()}
    if not units:
        return Plan(())
    return Plan((PlannedShipment(key=key, units=units),))


def unassigned(plan: Plan, order: OrderLines) -> dict[int, int]:
    """Units still needed that no live shipment holds (e.g. after a void or a new line)."""
    held = _held(plan)
    return {i: order.needed(i) - held.get(i, 0) for i in order.packable_ids()
            if order.needed(i) > held.get(i, 0)}


def reconcile(plan: Plan, order: OrderLines) -> Plan:
    """Bring a plan in line with the store's current order: units no longer needed leave open
    shipments (never shipped ones), and units newly needed join the first open shipment."""
    shipments = list(plan.shipments)
    excess = {i: n - order.needed(i) for i, n in _held(plan).items() if n > order.needed(i)}
    for index, shipment in enumerate(shipments):
        if shipment.state not in MOVABLE or not excess:
            continue
        units = dict(shipment.units)
        for line_id, extra in list(excess.items()):
            take = min(extra, units.get(line_id, 0))
            if take:
                units[line_id] -= take
                excess[line_id] -= take
                if not excess[line_id]:
                    del excess[line_id]
        shipments[index] = shipment.with_units(units)
    plan = Plan(tuple(shipments))
    missing = unassigned(plan, order)
    if missing:
        target = next((s for s in plan.shipments if s.state in MOVABLE), None)
        if target is None:
            target = PlannedShipment(key=plan._next_key())
        merged = dict(target.units)
        for line_id, n in missing.items():
            merged[line_id] = merged.get(line_id, 0) + n
        plan = plan._replace([target.with_units(merged)])
    return _drop_empty(plan)


# --- moving units -----------------------------------------------------------------------------

def split_lines(plan: Plan, order: OrderLines, source: int, line_ids: Iterable[int],
                target: int | None = None) -> Plan:
    """Split order: move whole lines (all their units in `source`) to shipment `target`
    (a shipment number) or to a new shipment."""
    moves = {}
    from_shipment = _movable(plan, source)
    for line_id in line_ids:
        units = from_shipment.units.get(line_id, 0)
        if not units:
            raise PackingError(f"Shipment {source} holds no units of line {line_id}.")
        moves[line_id] = units
    return move_units(plan, order, source, moves, target)


def split_quantity(plan: Plan, order: OrderLines, source: int, line_id: int, quantity: int,
                   target: int | None = None) -> Plan:
    """Split quantity: move `quantity` units of one line."""
    return move_units(plan, order, source, {line_id: quantity}, target)


def move_units(plan: Plan, order: OrderLines, source: int, moves: Mapping[int, int],
               target: int | None = None) -> Plan:
    from_shipment = _movable(plan, source)
    if target == source:
        raise PackingError("Pick another shipment to move the units to.")
    to_shipment = (_movable(plan, target) if target is not None
                   else PlannedShipment(key=plan._next_key()))
    expanded = _with_kit_children(order, from_shipment, moves)
    from_units, to_units = dict(from_shipment.units), dict(to_shipment.units)
    for line_id, quantity in expanded.items():
        if quantity <= 0:
            raise PackingError("Move at least one unit.")
        line = order.lines.get(line_id)
        if line is None:
            raise PackingError(f"Line {line_id} is not on this order.")
        if not line.is_packable:
            raise PackingError(f"{line.name or line.sku} is not shipped, so it is not packed.")
        have = from_units.get(line_id, 0)
        if quantity > have:
            raise PackingError(f"Shipment {source} holds only {have} of "
                               f"{line.sku or line.name}; cannot move {quantity}.")
        from_units[line_id] = have - quantity
        to_units[line_id] = to_units.get(line_id, 0) + quantity
    changed = [_unverified(from_shipment).with_units(from_units),
               _unverified(to_shipment).with_units(to_units)]
    return _drop_empty(plan._replace(changed))


def merge(plan: Plan, numbers: Iterable[int]) -> Plan:
    """Merge shipments back into the first of them."""
    wanted = sorted(set(numbers))
    if len(wanted) < 2:
        raise PackingError("Choose at least two shipments to merge.")
    shipments = [_movable(plan, n) for n in wanted]
    units: dict[int, int] = {}
    for shipment in shipments:
        for line_id, n in shipment.units.items():
            units[line_id] = units.get(line_id, 0) + n
    kept = _unverified(shipments[0]).with_units(units)
    emptied = [s.with_units({}) for s in shipments[1:]]
    return _drop_empty(plan._replace([kept, *emptied]))


def void(plan: Plan, order: OrderLines, number: int) -> Plan:
    """Void a shipment (before or after it was shipped); its units go back to be packed."""
    shipment = plan.by_number(number)
    voided = replace(shipment, state=ShipmentState.VOID)
    return reconcile(plan._replace([voided]), order)


def mark_shipped(plan: Plan, order: OrderLines, number: int) -> Plan:
    shipment = plan.by_number(number)
    if shipment.state not in MOVABLE:
        raise PackingError(f"Shipment {number} is already {shipment.state.value}.")
    if not shipment.units:
        raise PackingError(f"Shipment {number} holds no units.")
    _check_limits(plan, order)
    return plan._replace([replace(shipment, state=ShipmentState.SHIPPED)])


# --- roll-up ----------------------------------------------------------------------------------

class OrderState(StrEnum):
    OPEN = "open"
    PARTIALLY_SHIPPED = "partially_shipped"
    SHIPPED = "shipped"


def shipped_units(plan: Plan, order: OrderLines) -> tuple[int, int]:
    """(packable units shipped by us or in the store, at most each line's quantity; all
    packable units)."""
    ours: dict[int, int] = {}
    for shipment in plan.shipments:
        if shipment.state is ShipmentState.SHIPPED:
            for line_id, n in shipment.units.items():
                ours[line_id] = ours.get(line_id, 0) + n
    total = shipped = 0
    for line_id, line in order.lines.items():
        if not line.is_packable:
            continue
        total += line.quantity
        covered = order.covered_elsewhere.get(line_id, 0) + ours.get(line_id, 0)
        shipped += min(line.quantity, covered)
    return shipped, total


def order_state(plan: Plan, order: OrderLines) -> OrderState:
    """Shipped when every packable unit is shipped (by us or in the store), partially shipped
    when some are; never stored, always derived."""
    shipped, total = shipped_units(plan, order)
    if total == 0:
        return OrderState.SHIPPED if plan.shipments or order.all_non_shipping() else OrderState.OPEN
    if shipped >= total:
        return OrderState.SHIPPED
    return OrderState.PARTIALLY_SHIPPED if shipped else OrderState.OPEN


@dataclass(frozen=True)
class StatusPolicy:
    shipped_status_id: int | None = None
    partial_status_id: int | None = None
    mark_shipped_on_first: bool = False


def status_after_shipment(state: OrderState, policy: StatusPolicy) -> int | None:
    """The store status to set after a shipment ships (None: leave the status alone)."""
    if state is OrderState.SHIPPED:
        return policy.shipped_status_id
    if state is OrderState.PARTIALLY_SHIPPED:
        if policy.mark_shipped_on_first:  # ShippingEasy's split-quantity behaviour
            return policy.shipped_status_id
        return policy.partial_status_id
    return None


# --- helpers ----------------------------------------------------------------------------------

def _held(plan: Plan) -> dict[int, int]:
    held: dict[int, int] = {}
    for shipment in plan.live():
        for line_id, n in shipment.units.items():
            held[line_id] = held.get(line_id, 0) + n
    return held


def _movable(plan: Plan, number: int) -> PlannedShipment:
    shipment = plan.by_number(number)
    if shipment.state not in MOVABLE:
        raise PackingError(f"Shipment {number} is {shipment.state.value}; correct or void it "
                           "instead of moving its units.")
    return shipment


def _unverified(shipment: PlannedShipment) -> PlannedShipment:
    """A packed shipment whose contents change must be verified again."""
    return replace(shipment, state=ShipmentState.OPEN) \
        if shipment.state is ShipmentState.PACKED else shipment


def _with_kit_children(order: OrderLines, source: PlannedShipment,
                       moves: Mapping[int, int]) -> dict[int, int]:
    """Bound kit children follow their parent, in proportion; alone they cannot move."""
    expanded = dict(moves)
    for line_id in moves:
        line = order.lines.get(line_id)
        if line is not None and line.bound_to_parent and line.parent_line_id is not None \
                and line.parent_line_id not in moves:
            raise PackingError(f"{line.sku or line.name} is part of a kit: move the kit "
                               "(its parent line) instead.")
    for parent_id, quantity in moves.items():
        parent = order.lines.get(parent_id)
        if parent is None or parent.quantity <= 0:
            continue
        for child in order.children(parent_id):
            per_kit = child.quantity // parent.quantity if parent.quantity else 0
            share = min(per_kit * quantity, source.units.get(child.line_id, 0))
            if share and child.line_id not in expanded:
                expanded[child.line_id] = share
    return expanded


def _drop_empty(plan: Plan) -> Plan:
    return Plan(tuple(s for s in plan.shipments
                      if s.state not in MOVABLE or s.units))


def _check_limits(plan: Plan, order: OrderLines) -> None:
    for line_id, held in _held(plan).items():
        if line_id not in order.lines:
            raise PackingError(f"Line {line_id} is no longer on the order in the store.")
        if held > order.needed(line_id):
            line = order.lines[line_id]
            raise PackingError(f"{line.sku or line.name}: {held} units packed but only "
                               f"{order.needed(line_id)} still to ship.")
