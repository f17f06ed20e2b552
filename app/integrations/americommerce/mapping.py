"""Store JSON -> PackDesk's dataclasses. The one place that knows the API's field names.

The store is loose with types (postal codes as numbers, dimensions as strings, nulls anywhere,
0-7 fractional second digits): every reader here is forgiving about shape and strict about
meaning. A record that cannot be read at all raises StoreResponseError naming it; an order
that cannot be read raises UnreadableOrder with the reason (the sync skips just that order), and
odd values it can read are kept with a reason in `OrderSnapshot.problems` (see data_problems).
"""
from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from app.domain.catalog import ProductInfo, VariantInfo
from app.domain.connection_settings import StatusInfo
from app.domain.data_problems import (
    CONTROL_IN_SKU,
    NO_LINES,
    UnreadableOrder,
    clean_code,
    line_quantity,
    money_amount,
)
from app.domain.orders import (
    Address,
    Customer,
    Line,
    LineOption,
    OrderSnapshot,
    Payment,
    StoreShipment,
    StoreShipmentLine,
)
from app.domain.store_info import ShippingServiceInfo, StorefrontInfo
from app.errors import StoreResponseError

_FRACTION = re.compile(r"(\.\d{6})\d+")


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


_INT64 = 2**63  # SQLite's INTEGER: a larger id could not be saved (and would stop the page)


def integer(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        result = int(Decimal(str(value)))
    except (InvalidOperation, ValueError, OverflowError):  # OverflowError: Infinity (1e999)
        return None
    return result if -_INT64 <= result < _INT64 else None


def identifier(value: Any) -> int | None:
    """A store id: a whole number (12, "12", 12.0). 12.5 is no id, not order 12's."""
    if value is None or value == "":
        return None
    try:
        exact = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    if not exact.is_finite() or exact != exact.to_integral_value():
        return None
    return integer(exact)


def number(value: Any) -> float:
    try:
        return float(value) if value not in (None, "") else 0.0
    except (TypeError, ValueError):
        return 0.0


_TOTALS = (("subtotal", "subtotal"), ("tax_total", "tax"), ("shipping_total", "shipping"),
           ("discount_total", "discount"), ("handling_total", "handling"),
           ("grand_total", "grand total"))


def money(value: Any) -> Decimal:
    """An amount, 0 when absent or unreadable (data_problems.money_amount names the latter
    where the packer should know)."""
    return money_amount(value, "")[0]


def flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1", "yes"}
    return bool(value)


def timestamp(value: Any) -> datetime | None:
    """ISO 8601 with the store's local offset and 0-7 fractional digits, as an aware UTC time.

    A time without an offset is taken as UTC (it should not happen; guessing the store's zone
    would be worse)."""
    raw = text(value)
    if not raw:
        return None
    raw = _FRACTION.sub(r"\1", raw.replace("Z", "+00:00"))
    try:
        parsed = datetime.fromisoformat(raw)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError):  # OverflowError: year 1 or 9999 moved past UTC
        return None


def postal_code(value: Any, country_code: str) -> str:
    """Some stores send postal codes as JSON numbers, losing US/PR leading zeros."""
    code = text(value)
    if isinstance(value, (int, float)) and country_code.upper() in {"US", "PR", ""} \
            and code.isdigit() and len(code) < 5:
        code = code.zfill(5)
    return code


def _records(value: Any, what: str) -> list[dict[str, Any]]:
    """A nested list of objects, or UnreadableOrder saying what came instead."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise UnreadableOrder(f"{what} is {_kind(value)}, not a list")
    for position, entry in enumerate(value, 1):
        if not isinstance(entry, dict):
            raise UnreadableOrder(f"{what}: entry {position} is {_kind(entry)}")
    return value


def _kind(value: Any) -> str:
    if value is None:
        return "empty (null)"
    if isinstance(value, str):
        return f"the text {value[:30]!r}"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return f"the value {str(value)[:30]}"


def _options(item: dict[str, Any]) -> tuple[LineOption, ...]:
    options: list[LineOption] = []
    for variant in _records(item.get("variants"), "its options (variants)"):
        description = text(variant.get("description"))
        label, sep, value = description.partition(":")
        options.append(LineOption(label.strip(), value.strip()) if sep
                       else LineOption("", description))
    for personalization in _records(item.get("personalizations"), "its personalizations"):
        answer = text(personalization.get("answer"))
        if answer:
            question = text(personalization.get("question") or personalization.get("name"))
            options.append(LineOption(question, answer))
    return tuple(o for o in options if o.value or o.label)


def line_from_api(item: dict[str, Any], problems: list[str] | None = None,
                  position: int = 1) -> Line:
    """One order line; odd values it can still read are added to `problems`."""
    line_id = identifier(item.get("id"))
    if line_id is None:
        raise UnreadableOrder(f"line {position} has no id")
    sku, had_control = clean_code(text(item.get("item_number_full"))
                                  or text(item.get("item_number")))
    where = f"line {position} ({sku or line_id})"
    sku_problem = CONTROL_IN_SKU.format(where=where) if had_control else ""
    quantity, quantity_problem = line_quantity(item.get("quantity"), where)
    price, price_problem = money_amount(item.get("price"), f"{where}: price")
    try:
        options = _options(item)
    except UnreadableOrder as exc:
        raise UnreadableOrder(f"{where}: {exc}") from None
    if problems is not None:
        problems += [p for p in (sku_problem, quantity_problem, price_problem) if p]
    return Line(
        line_id=line_id,
        sku=sku,
        name=text(item.get("item_name")),
        quantity=quantity,
        price=price,
        weight=number(item.get("weight")),
        weight_unit=text(item.get("weight_unit")),
        product_id=identifier(item.get("product_id")),
        variant_inventory_id=identifier(item.get("variant_inventory_id")),
        description=text(item.get("description")),
        options=options,
        is_non_shipping=flag(item.get("is_non_shipping_item")),
        is_discount=flag(item.get("is_discount_item")),
        parent_line_id=identifier(item.get("parent_order_item_id")),
        bound_to_parent=flag(item.get("is_quantity_bound_to_parent")),
        gift_message=text(item.get("gift_message")),
        note=text(item.get("line_item_note")),
    )


def payment_from_api(payment: dict[str, Any]) -> Payment:
    return Payment(
        payment_type=text(payment.get("payment_type")),
        method_name=text(payment.get("payment_method_name")),
        card_type=text(payment.get("card_type")),
        last_four=text(payment.get("last_four")),
        amount=money(payment.get("amount")),
        is_approved=flag(payment.get("is_approved")),
        is_declined=flag(payment.get("is_declined")),
        is_captured=flag(payment.get("is_captured")),
        is_void=flag(payment.get("is_void")),
        paid_at=timestamp(payment.get("paid_at")),
    )


def store_shipment_from_api(shipment: dict[str, Any]) -> StoreShipment:
    shipment_id = identifier(shipment.get("id"))
    if shipment_id is None:
        raise StoreResponseError("The store sent a shipment without an id.")
    lines = tuple(
        StoreShipmentLine(line_id, integer(item.get("quantity_shipped")) or 0)
        for item in _records(shipment.get("items"), f"shipment {shipment_id}: its lines")
        if (line_id := identifier(item.get("id") or item.get("order_item_id"))) is not None)
    return StoreShipment(
        shipment_id=shipment_id,
        shipment_name=text(shipment.get("shipment_name")),
        shipped_at=timestamp(shipment.get("shipped_at")),
        tracking_numbers=text(shipment.get("tracking_numbers")),
        tracking_url=text(shipment.get("tracking_url")),
        carrier=text(shipment.get("shipping_provider_name")),
        service=text(shipment.get("shipping_method")),
        packages=integer(shipment.get("number_of_packages")),
        total_weight=number(shipment.get("total_weight")) or None,
        carrier_fee=text(shipment.get("provider_total_shipping_cost")),
        shipping_comment=text(shipment.get("shipping_comment")),
        lines=lines,
    )


def address_from_api(address: dict[str, Any], kind: str) -> Address:
    country_code = text(address.get("country_code"))
    return Address(
        kind=kind,
        address_id=identifier(address.get("id")),
        company=text(address.get("company")),
        first_name=text(address.get("first_name")),
        last_name=text(address.get("last_name")),
        address_line_1=text(address.get("address_line_1")),
        address_line_2=text(address.get("address_line_2")),
        city=text(address.get("city")),
        state=text(address.get("state")),
        state_code=text(address.get("state_code")),
        postal_code=postal_code(address.get("postal_code"), country_code),
        country=text(address.get("country")),
        country_code=country_code,
        phone=text(address.get("phone")),
        comments=text(address.get("comments")),
    )


def customer_from_api(customer: dict[str, Any]) -> Customer | None:
    customer_id = identifier(customer.get("id"))
    if customer_id is None:
        return None
    return Customer(
        customer_id=customer_id,
        email=text(customer.get("email")),
        phone=text(customer.get("phone_number") or customer.get("phone")),
        first_name=text(customer.get("first_name")),
        last_name=text(customer.get("last_name")),
        company=text(customer.get("company")),
    )


def _carrier(order: dict[str, Any]) -> str:
    for selection in order.get("shipping_selections") or []:
        provider = text(selection.get("shipping_provider"))
        if provider:
            return provider
    return ""


def order_from_api(order: Any) -> OrderSnapshot:
    """One order, or UnreadableOrder with the reason (a null entry, lines that are not lines)."""
    if not isinstance(order, dict):
        raise UnreadableOrder(f"the orders list holds {_kind(order)} instead of an order")
    order_id = identifier(order.get("id"))
    if order_id is None:
        raise UnreadableOrder("an order without an id")
    problems: list[str] = []
    lines = tuple(line_from_api(item, problems, position) for position, item
                  in enumerate(_records(order.get("items"), "its lines (items)"), 1))
    if not lines:  # `items: null` or []: a slip would say "nothing left to ship"
        problems.insert(0, NO_LINES)
    seen: set[int] = set()
    for line in lines:
        if line.line_id in seen:
            raise UnreadableOrder(f"two lines have the same id {line.line_id}")
        seen.add(line.line_id)
    try:
        shipments = tuple(store_shipment_from_api(s)
                          for s in _records(order.get("shipments"), "its shipments"))
    except StoreResponseError as exc:
        raise UnreadableOrder(exc.message) from None
    custom_fields = tuple((text(f.get("name")), text(f.get("value")))
                          for f in order.get("custom_fields") or [] if isinstance(f, dict))
    payments = tuple(payment_from_api(p) for p in order.get("payments") or []
                     if isinstance(p, dict))
    totals: dict[str, Decimal] = {}
    for field, label in _TOTALS:
        totals[field], problem = money_amount(order.get(field), label)
        if problem:
            problems.append(problem)
    return OrderSnapshot(
        order_id=order_id,
        store_id=identifier(order.get("store_id")),
        customer_id=identifier(order.get("customer_id")),
        order_status_id=identifier(order.get("order_status_id")),
        previous_order_status_id=identifier(order.get("previous_order_status_id")),
        order_type=text(order.get("order_type")) or "Order",
        ordered_at=timestamp(order.get("ordered_at")),
        created_at=timestamp(order.get("created_at")),
        updated_at=timestamp(order.get("updated_at")),
        updated_at_text=text(order.get("updated_at")),
        status_changed_at=timestamp(order.get("order_status_last_changed_at")),
        subtotal=totals["subtotal"],
        tax_total=totals["tax_total"],
        shipping_total=totals["shipping_total"],
        discount_total=totals["discount_total"],
        handling_total=totals["handling_total"],
        grand_total=totals["grand_total"],
        coupon_code=text(order.get("coupon_code")),
        shipping_method=text(order.get("selected_shipping_method")),
        shipping_service_code=text(order.get("selected_shipping_provider_service")),
        shipping_carrier=_carrier(order),
        special_instructions=text(order.get("special_instructions")),
        instructions=text(order.get("instructions")),
        public_comments=text(order.get("public_comments")),
        admin_comments=text(order.get("admin_comments")),
        is_gift=flag(order.get("is_gift")),
        gift_message=text(order.get("gift_message")),
        channel=text(order.get("channel")),
        source=text(order.get("source")),
        due_date=timestamp(order.get("due_date")),
        shipping_address_id=identifier(order.get("order_shipping_address_id")),
        billing_address_id=identifier(order.get("order_billing_address_id")),
        custom_fields=custom_fields,
        lines=lines,
        payments=payments,
        shipments=shipments,
        problems=tuple(problems),
    )


def custom_field(record: dict[str, Any], name: str) -> str:
    """A custom field's value by name, case-insensitively (the bin location lives in one)."""
    wanted = name.strip().lower()
    for field in record.get("custom_fields") or []:
        if isinstance(field, dict) and text(field.get("name")).lower() == wanted:
            return text(field.get("value"))
    return ""


def absolute_url(value: Any, origin: str) -> str:
    """Image paths come relative to the store's root ("/images/x.png") or absolute."""
    url = text(value)
    if not url or url.startswith(("http://", "https://")):
        return url
    return origin.rstrip("/") + "/" + url.lstrip("/")


def _primary_picture(product: dict[str, Any]) -> dict[str, Any] | None:
    pictures = [p for p in product.get("pictures") or []
                if isinstance(p, dict) and not flag(p.get("is_hidden"))]
    pictures.sort(key=lambda p: (not flag(p.get("is_primary")), integer(p.get("sort_order")) or 0))
    return pictures[0] if pictures else None


def product_from_api(product: dict[str, Any], *, bin_field: str, origin: str) -> ProductInfo:
    product_id = identifier(product.get("id"))
    if product_id is None:
        raise StoreResponseError("The store sent a product without an id.")
    picture = _primary_picture(product)
    variants = tuple(
        VariantInfo(variant_inventory_id=vid, sku=text(v.get("item_number")),
                    gtin=text(v.get("gtin")), description=text(v.get("description")),
                    image_url=absolute_url(v.get("variant_inventory_image"), origin))
        for v in product.get("variant_inventory") or []
        if isinstance(v, dict) and (vid := identifier(v.get("id"))) is not None)
    return ProductInfo(
        product_id=product_id,
        sku=text(product.get("item_number")),
        name=text(product.get("item_name")),
        gtin=text(product.get("gtin")),
        mpn=text(product.get("manufacturer_part_number")),
        weight=number(product.get("weight")),
        weight_unit=text(product.get("weight_unit")),
        bin=custom_field(product, bin_field),
        image_url=absolute_url((picture or {}).get("image_file"), origin),
        is_non_shipping=flag(product.get("is_non_shipping_item")),
        variants=variants,
    )


def status_from_api(raw: dict[str, Any]) -> StatusInfo | None:
    status_id = identifier(raw.get("id"))
    if status_id is None:
        return None
    return StatusInfo(
        id=status_id, name=text(raw.get("name")),
        is_open=flag(raw.get("is_open")), is_declined=flag(raw.get("is_declined")),
        is_cancelled=flag(raw.get("is_cancelled")),
        is_shipped=flag(raw.get("is_shipped")),
        is_partially_shipped=flag(raw.get("is_partially_shipped")),
        is_quote_status=flag(raw.get("is_quote_status")),
        is_fully_refunded=flag(raw.get("is_fully_refunded")))


def storefront_from_api(raw: dict[str, Any], origin: str) -> StorefrontInfo | None:
    store_id = identifier(raw.get("id"))
    if store_id is None:
        return None
    t = text
    return StorefrontInfo(
        store_id=store_id, name=t(raw.get("name")), domain_name=t(raw.get("domain_name")),
        company_name=t(raw.get("company_name")), email=t(raw.get("email")),
        phone=t(raw.get("phone")), address_line_1=t(raw.get("address_line_1")),
        address_line_2=t(raw.get("address_line_2")), city=t(raw.get("city")),
        state=t(raw.get("state")), postal_code=t(raw.get("postal_code")),
        country=t(raw.get("country")),
        logo_url=absolute_url(raw.get("store_logo"), origin))


def shipping_service_from_api(raw: dict[str, Any], kind: str) -> ShippingServiceInfo | None:
    """A provider service ("UPS 2nd Day Air") or a custom shipping method ("Local Pickup")."""
    service_id = identifier(raw.get("id"))
    if service_id is None or raw.get("is_enabled") is False:
        return None
    return ShippingServiceInfo(kind=kind, service_id=service_id,
                               carrier=text(raw.get("shipping_provider_code")),
                               name=text(raw.get("name")), code=text(raw.get("identifier")))
