"""More store data that is not what it should be: entries of the wrong kind, a shipment or a
product without an id, reference records without one, a time without a zone, relative images."""
from __future__ import annotations

import copy
from datetime import UTC, datetime

import pytest

from app.domain.data_problems import UnreadableOrder
from app.errors import StoreResponseError
from app.integrations.americommerce import mapping

LINE = {"id": 11, "item_number": "KNF-1047", "item_name": "Knife", "quantity": 2}
ORDER = {"id": 100001, "order_status_id": 1, "updated_at": "2026-11-10T09:00:00-06:00",
         "items": [LINE], "shipments": [], "payments": []}
ORIGIN = "https://shop.example.com"


def order(**changes):
    return {**copy.deepcopy(ORDER), **changes}


@pytest.mark.parametrize("raw, words", [
    (order(items=[[LINE]]), "its lines (items): entry 1 is a list"),
    (order(items=[7]), "its lines (items): entry 1 is the value 7"),
    (order(shipments=[{"shipment_name": "from another tool", "items": []}]),
     "The store sent a shipment without an id."),
])
def test_an_unreadable_order_says_what_came_instead(raw, words):
    with pytest.raises(UnreadableOrder) as unreadable:
        mapping.order_from_api(raw)
    assert words in str(unreadable.value)


def test_a_store_time_without_a_zone_is_read_as_utc():
    snapshot = mapping.order_from_api(order(updated_at="2026-11-10T09:00:00"))
    assert snapshot.updated_at == datetime(2026, 11, 10, 9, 0, tzinfo=UTC)


def test_reference_records_without_an_id_are_left_out():
    assert mapping.status_from_api({"name": "Shipped", "is_shipped": True}) is None
    assert mapping.storefront_from_api({"name": "Main"}, ORIGIN) is None
    assert mapping.customer_from_api({"email": "ada@example.com"}) is None
    assert mapping.shipping_service_from_api({"name": "UPS Ground"}, "provider") is None


def test_a_disabled_shipping_service_is_left_out_and_an_enabled_one_kept():
    service = {"id": 4, "name": "UPS Ground", "shipping_provider_code": "UPS"}
    assert mapping.shipping_service_from_api({**service, "is_enabled": False}, "provider") is None
    kept = mapping.shipping_service_from_api(service, "provider")
    assert kept is not None and (kept.service_id, kept.carrier) == (4, "UPS")


def test_a_product_without_an_id_is_refused_plainly():
    with pytest.raises(StoreResponseError, match="a product without an id"):
        mapping.product_from_api({"item_number": "KNF-1047"}, bin_field="Bin", origin=ORIGIN)


def test_a_relative_logo_path_is_made_absolute_on_the_store_origin():
    front = mapping.storefront_from_api({"id": 1, "store_logo": "/images/logo.png"}, ORIGIN + "/")
    assert front is not None and front.logo_url == "https://shop.example.com/images/logo.png"
    absolute = "https://cdn.example.net/logo.png"
    assert mapping.storefront_from_api({"id": 1, "store_logo": absolute}, ORIGIN).logo_url \
        == absolute


@pytest.mark.parametrize("value, meant", [(1, True), (0, False), (None, False), (True, True),
                                          ("Yes", True), ("false", False)])
def test_flags_come_as_json_booleans_numbers_or_words(value, meant):
    assert mapping.flag(value) is meant
