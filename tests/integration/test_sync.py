"""The sync against the sandbox over real HTTP: completeness, economy, changes, faults."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlmodel import delete, select

from app.db.repositories.station import StationRepository
from app.db.tables import Order, OrderAddress, OutboxEntry, SyncCheckpoint
from app.domain.connection_settings import ConnectionSettings
from app.errors import ConfigurationError
from app.services.store_clients import StoreClients
from app.services.sync import SyncService
from tests.integration.sandbox_truth import all_orders, expected_import


def cached_ids(context, connection_id: int | None = None) -> set[int]:
    with context.storage.db.read() as session:
        statement = select(Order.order_id)
        if connection_id is not None:
            statement = statement.where(Order.connection_id == connection_id)
        return set(session.exec(statement))


def test_first_sync_imports_exactly_the_default_rule(connected, sandbox):
    context, record = connected
    expected = expected_import(sandbox)
    assert 20 < len(expected) < 250  # the rule and the 30-day window both matter here
    sandbox.control.reset_counters()
    result = context.sync.sync(record.id)
    assert result.outcome == "ok", result.error
    assert cached_ids(context) == expected
    assert result.orders_new == len(expected)
    # bulk fetching: never a request per order or per address
    by_route = sandbox.control.counters()["by_route"]
    assert not any("/order_addresses/{id}" in route for route in by_route), by_route
    # 4 reference lists, 1 page of orders, then addresses, customers and products in bulk
    assert result.requests == 8, by_route


def test_every_order_gets_its_ship_to_when_the_store_pages_select_many(connected, sandbox):
    """The sandbox pages select_many at its default count (100) like any list. Re-reading all
    cached orders at once asks for more than 100 addresses in one select_many."""
    context, record = connected
    assert context.sync.sync(record.id).outcome == "ok"
    with context.storage.db.write() as session:
        session.exec(delete(OrderAddress))
    ids = sorted(cached_ids(context))
    assert len(ids) > 50  # two addresses each
    context.sync.refresh_orders(record.id, ids)
    with context.storage.db.read() as session:
        orders = session.exec(select(Order)).all()
        ship_to = {a.order_pk for a in session.exec(select(OrderAddress).where(
            OrderAddress.kind == "shipping"))}
    assert len(orders) == len(ids) and all(o.id in ship_to for o in orders)
    assert not any(o.flag_reason for o in orders)


def test_resync_with_nothing_changed_costs_one_request(connected, sandbox):
    context, record = connected
    assert context.sync.sync(record.id).outcome == "ok"
    sandbox.control.reset_counters()
    result = context.sync.sync(record.id)
    assert result.outcome == "ok"
    assert sandbox.control.counters()["total"] == 1
    assert result.orders_new == result.orders_updated == 0


def test_every_field_a_packer_needs_is_mapped(connected, sandbox):
    context, record = connected
    context.sync.sync(record.id)
    with context.storage.db.read() as session:
        orders = session.exec(select(Order)).all()
        addresses = session.exec(select(OrderAddress)).all()
    assert all(o.customer_email for o in orders)
    assert any(o.is_gift and o.gift_message for o in orders)
    assert any(o.coupon_code for o in orders)
    assert all(o.shipping_method for o in orders)
    assert all(o.payment_method for o in orders)
    assert all(o.total_weight > 0 for o in orders if o.units)
    assert {a.kind for a in addresses} == {"shipping", "billing"}
    # postal codes arrive as JSON numbers sometimes: kept as text with the leading zero
    assert all(isinstance(a.postal_code, str) for a in addresses)
    us_codes = [a.postal_code for a in addresses if a.country_code == "US"]
    assert us_codes and all(len(code) >= 5 for code in us_codes)
    order = context.storage.repos.orders.get(next(o.id for o in orders if o.units > 1))
    products = context.storage.repos.catalog.products(
        record.id, [line.product_id for line in order.snapshot.lines if line.product_id])
    assert products and any(p.bin for p in products.values())
    assert all(p.image_url.startswith(sandbox.base_url) for p in products.values()
               if p.image_url)
    storefronts = context.storage.repos.connections.storefronts(record.id)
    assert len(storefronts) == 2 and all(s.name for s in storefronts)
    assert context.storage.repos.connections.shipping_services(record.id)


def test_store_changes_update_the_cache_and_flag_orders_being_packed(connected, sandbox):
    context, record = connected
    context.sync.sync(record.id)
    order_id = min(cached_ids(context))
    order_pk = context.storage.repos.orders.find_pks(order_id)[0][0]
    with context.storage.db.write() as session:  # packing began on this order
        row = session.get(Order, order_pk)
        row.work_started_at = datetime.now(UTC)
        session.add(row)
    sandbox.control.advance_clock(minutes=5)
    sandbox.control.cancel_order(order_id)
    result = context.sync.sync(record.id)
    assert result.orders_updated >= 1 and result.orders_flagged == 1
    cached = context.storage.repos.orders.get(order_pk)
    assert "cancelled in the store" in cached.flag_reason
    # an order that leaves the import rule keeps syncing: its status is current
    statuses = {s.id: s for s in context.storage.repos.connections.statuses(record.id)}
    assert statuses[cached.snapshot.order_status_id].is_cancelled


def test_orders_changed_between_page_requests_are_not_lost(station, sandbox):
    """Changing already-read orders mid-run shifts page numbers; nothing may be skipped."""
    changed: list[int] = []
    expected = expected_import(sandbox)

    class ChangeAfterFirstPage(httpx.BaseTransport):
        def __init__(self):
            self._inner = httpx.HTTPTransport()
            self.pages = 0

        def handle_request(self, request):
            response = self._inner.handle_request(request)
            if request.url.path == "/api/v1/orders" and request.method == "GET":
                self.pages += 1
                if self.pages in (1, 2):
                    response.read()
                    # the merchant edits two orders we have already read
                    for order in response.json()["orders"][:2]:
                        sandbox.control.update_order(order["id"], admin_comments="edited")
                        changed.append(order["id"])
            return response

    from app.integrations.americommerce.client import AmeriCommerceClient, make_http_client

    transport = ChangeAfterFirstPage()
    clients = StoreClients(station.secrets, lambda address, token: AmeriCommerceClient(
        make_http_client(address, transport=transport), address, token))
    repos = station.storage.repos
    sync = SyncService(repos.connections, repos.orders, repos.catalog, repos.sync_state, clients,
                       page_size=10)
    record = station.connections.add(ConnectionSettings(name="shifty", address=sandbox.domain),
                                     sandbox.token)
    result = sync.sync(record.id)
    clients.close()
    assert result.outcome == "ok", result.error
    assert len(changed) == 4 and result.passes >= 2
    assert cached_ids(station) == expected


def test_faults_never_lose_or_half_write_orders(connected, sandbox):
    context, record = connected
    expected = expected_import(sandbox)
    sandbox.control.set_faults(seed=3, fail_rate=0.15, drop_rate=0.1, truncate_rate=0.1)
    outcomes = []
    for _ in range(8):  # a failed run is simply repeated from the checkpoint
        result = context.sync.sync(record.id)
        outcomes.append(result.outcome)
        if result.outcome == "ok":
            break
    sandbox.control.set_faults(fail_rate=0, drop_rate=0, truncate_rate=0)
    assert outcomes[-1] == "ok", outcomes
    assert cached_ids(context) == expected
    with context.storage.db.read() as session:  # every saved order is whole
        for order in session.exec(select(Order)).all():
            assert order.customer_email and order.ship_city


def test_a_malformed_page_fails_the_run_and_the_next_run_resumes(connected, sandbox):
    context, record = connected
    sandbox.control.set_faults(seed=1, truncate_rate=1.0)
    failed = context.sync.sync(record.id)
    assert failed.outcome == "failed" and failed.error
    with context.storage.db.read() as session:
        assert session.exec(select(SyncCheckpoint).where(
            SyncCheckpoint.resource == "orders")).first() is None
    sandbox.control.set_faults(truncate_rate=0.0)
    assert context.sync.sync(record.id).outcome == "ok"
    assert cached_ids(context) == expected_import(sandbox)


def test_rate_limited_store_gets_no_429(connected, sandbox):
    context, record = connected
    sandbox.control.set_rate_limit(20)
    sandbox.control.reset_counters()
    result = context.sync.sync(record.id)
    assert result.outcome == "ok"
    assert sandbox.control.counters()["throttled"] == 0


def test_import_rule_by_status_names_and_storefront_choice(station, sandbox):
    record = station.connections.add(ConnectionSettings(
        name="pending", address=sandbox.domain,
        import_statuses=("pending processing",), storefront_ids=(2,)), sandbox.token)
    station.sync.sync(record.id)
    statuses = {s.id: s.name for s in station.storage.repos.connections.statuses(record.id)}
    with station.storage.db.read() as session:
        orders = session.exec(select(Order)).all()
    assert orders
    assert {statuses[o.order_status_id] for o in orders} == {"Pending Processing"}
    assert {o.store_id for o in orders} == {2}


def test_manual_import_from_a_date_reaches_older_orders(connected, sandbox):
    context, record = connected
    context.sync.sync(record.id)
    first = cached_ids(context)
    since = datetime.now(UTC).replace(hour=0, minute=0) - timedelta(days=55)
    result = context.sync.sync(record.id, since=since)
    assert result.outcome == "ok" and result.kind == "manual"
    assert cached_ids(context) > first


def test_two_connections_to_one_account_are_refused(connected, sandbox):
    context, record = connected
    with pytest.raises(ConfigurationError, match="same store account"):
        context.connections.add(ConnectionSettings(name="again", address=sandbox.domain),
                                sandbox.token)
    # choosing disjoint storefronts makes it legitimate
    context.connections.update(record.id, record.settings.with_changes(storefront_ids=(1,)))
    other = context.connections.add(ConnectionSettings(
        name="second storefront", address=sandbox.domain, storefront_ids=(2,)), sandbox.token)
    assert other.id != record.id


def test_the_token_only_lives_in_the_keyring(connected, sandbox, memory_keyring, paths):
    context, record = connected
    context.sync.sync(record.id)
    database_id = StationRepository(context.storage.db).database_id()
    assert memory_keyring.passwords == {
        ("packdesk", f"{database_id}:{record.id}:token"): sandbox.token}
    for path in paths.data_dir.rglob("*"):
        if path.is_file():
            assert sandbox.token.encode() not in path.read_bytes(), path


def test_all_sandbox_orders_are_readable_by_the_mapping(sandbox):
    from app.integrations.americommerce.mapping import order_from_api

    for raw in all_orders(sandbox):
        order_from_api(raw)


def test_claim_status_is_queued_with_each_new_order(connected, sandbox):
    context, record = connected
    context.sync.refresh_reference_data(record, force=True)
    statuses = {s.name: s for s in context.storage.repos.connections.statuses(record.id)}
    claim = statuses["Approved, Pending Shipping"].id
    record = context.connections.update(record.id, record.settings.with_changes(
        import_statuses=("Pending Processing",), claim_status_id=claim))
    result = context.sync.sync(record.id)
    with context.storage.db.read() as session:
        entries = session.exec(select(OutboxEntry)).all()
    assert len(entries) == result.orders_new > 0
    assert {e.kind for e in entries} == {"claim"}
    assert all(e.payload["order_status_id"] == claim for e in entries)
    # the claim status must differ from every import status (the Order Desk trap)
    with pytest.raises(ConfigurationError, match="import status"):
        context.connections.update(record.id, record.settings.with_changes(
            import_statuses=("Approved Pending Shipping",)))


def test_search_by_prefixed_number_names_and_skus(connected):
    from app.db.dialect import SQLITE
    from app.db.repositories.order_queries import OrderFilter

    context, record = connected
    context.sync.sync(record.id)
    queries = context.storage.repos.order_queries
    statuses = {record.id: context.storage.repos.connections.statuses(record.id)}
    orders = context.storage.repos.orders
    some = orders.get(orders.find_pks(min(cached_ids(context)))[0][0])
    number = str(some.snapshot.order_id)

    def found(text: str) -> list[int]:
        return queries.ids(OrderFilter(view="all", search=text), statuses)

    assert some.order_pk in found(f"AC-{number}")
    assert some.order_pk in found(f"ac-{number[:4]}")  # the start of a number, any case
    assert len(found("AC")) == len(found("")) == context.storage.repos.orders.count()
    sku = some.snapshot.lines[0].sku
    assert some.order_pk in found(sku)
    assert some.order_pk in found(some.customer_email)
    assert found("no-such-order-zzzz") == []
    assert SQLITE.search_query('he said "NEAR(a b)" OR x*') == '"he"* "said"* "NEAR"* "OR"*'
