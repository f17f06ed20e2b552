"""Resources the sandbox serves and the read side of the API (lists, single objects, nesting).

The array key of a list is not always the path name (API.md §2): `/order_items` answers `items`,
`/order_addresses` `addresses`, and so on. Nested collections come from a child table (by parent
id) or are embedded in the document and dropped unless expanded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from . import query as q
from .errors import ApiError
from .store import Doc, Store


@dataclass(frozen=True)
class Resource:
    path: str
    array_key: str
    # expand name -> child table; None = embedded list in the document itself
    nested: dict[str, str | None] = field(default_factory=dict)
    always: tuple[str, ...] = ()  # embedded lists always present (not via expand)


RESOURCES: dict[str, Resource] = {r.path: r for r in [
    Resource("stores", "stores"),
    Resource("order_statuses", "order_statuses"),
    Resource("orders", "orders", {"items": "order_items", "payments": "order_payments",
                                  "shipments": "order_shipments", "custom_fields": None}),
    Resource("order_items", "items", always=("variants", "personalizations")),
    Resource("order_addresses", "addresses"),
    Resource("order_payments", "payments"),
    # shipment lines are what clients need to compute what is left: always present
    Resource("order_shipments", "shipments", always=("items",)),
    Resource("customers", "customers", {"custom_fields": None}),
    Resource("products", "products", {"pictures": "product_pictures",
                                      "variants": "product_variants",
                                      "variant_inventory": "variant_inventory",
                                      "custom_fields": None, "categories": None}),
    Resource("product_pictures", "product_pictures"),
    Resource("product_variants", "product_variants"),
    Resource("variant_inventory", "variant_inventory"),
    Resource("shipping_provider_services", "services"),
    Resource("custom_shipping_methods", "custom_shipping_methods"),
]}

_URL_FIELDS = ("store_logo", "image_file", "thumbnail_file")
# Tables whose documents (or expandable children) hold image paths made absolute per request.
_URL_TABLES = {"stores", "products", "product_pictures"}


class RawJson(str):
    """A response body that is already JSON text (sent as is, not encoded again)."""


def embedded_fields() -> dict[str, tuple[str, ...]]:
    """Per table, the nested collections kept inside the document (see Store)."""
    return {res.path: names for res in RESOURCES.values()
            if (names := tuple(n for n, t in res.nested.items() if t is None))}


def resource(path: str) -> Resource:
    try:
        return RESOURCES[path]
    except KeyError:
        raise ApiError(404, f"No resource '{path}'.") from None


def _absolute(doc: Doc, base: str) -> None:
    """Images live on the sandbox itself; documents keep a path, responses the full URL."""
    for key in _URL_FIELDS:
        value = doc.get(key)
        if isinstance(value, str) and value.startswith("/images/"):
            doc[key] = base + value


def present(store: Store, res: Resource, docs: list[Doc], expand: list[str],
            fields: list[str], base: str) -> list[Doc]:
    """Expand requested nested collections, drop unrequested embedded ones, apply `fields`."""
    wanted = [name for name in expand if name in res.nested]
    ids = [d["id"] for d in docs]
    fetched = {name: store.children(table, ids) for name in wanted
               if (table := res.nested[name]) is not None}
    out = []
    for doc in docs:
        for name, table in res.nested.items():
            if table is None and name not in wanted:
                doc.pop(name, None)
        for name, by_parent in fetched.items():
            doc[name] = by_parent.get(doc["id"], [])
            for child in doc[name]:
                _absolute(child, base)
        _absolute(doc, base)
        out.append(q.sparse(doc, fields, wanted))
    return out


def list_envelope(store: Store, res: Resource, pairs: list[tuple[str, str]], base: str,
                  path: str, raw_query: str) -> dict[str, Any]:
    query = q.parse_list_query(pairs)
    kinds = store.kinds(res.path)
    where, params = q.build_where(query.filters, kinds)
    order = q.build_order(query.sort, kinds)
    with store.lock:  # count and page from the same state
        total = store.count(res.path, where, params)
        offset = (query.page - 1) * query.count
        if query.page > 1 and offset >= total:
            raise ApiError(404, f"Page {query.page} does not exist.")
        if query.fields or res.path in _URL_TABLES:
            docs = store.select(res.path, where, params, order, query.count, offset)
            rows = [_dumps(d) for d in present(store, res, docs, query.expand, query.fields, base)]
        else:
            raw = store.select_raw(res.path, where, params, order, query.count, offset)
            rows = _splice(store, res, raw, query.expand)
    head: dict[str, Any] = {"total_count": total}
    if offset + query.count < total:
        head["next_page"] = q.page_url(base, path, raw_query, query.page + 1)
    if query.page > 1:
        head["previous_page"] = q.page_url(base, path, raw_query, query.page - 1)
    return RawJson(_dumps(head)[:-1] + f',"{res.array_key}":[' + ",".join(rows) + "]}")


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _splice(store: Store, res: Resource, rows: list[tuple[int, str, str | None]],
            expand: list[str]) -> list[str]:
    """Hot path of lists: stored JSON text with expanded collections spliced in, no re-encoding.
    Gives the same documents as `present` for resources without image URLs or `fields`."""
    wanted = [name for name in expand if name in res.nested]
    ids = [row[0] for row in rows]
    fetched = {name: store.children_raw(table, ids) for name in wanted
               if (table := res.nested[name]) is not None}
    out = []
    for doc_id, doc, embedded in rows:
        extra = []
        inline = json.loads(embedded) if embedded and wanted else {}
        for name in wanted:
            if name in fetched:
                extra.append(f'"{name}":[' + ",".join(fetched[name].get(doc_id, [])) + "]")
            else:
                extra.append(f'"{name}":' + _dumps(inline.get(name, [])))
        out.append(doc[:-1] + "".join("," + e for e in extra) + "}")
    return out


def _parse_id(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ApiError(404, f"'{text}' is not a valid id.") from None


def get_one(store: Store, res: Resource, id_text: str, expand: list[str], fields: list[str],
            base: str) -> Doc:
    doc = store.get(res.path, _parse_id(id_text))
    if doc is None:
        raise ApiError(404, f"No {res.path} with id {id_text}.")
    return present(store, res, [doc], expand, fields, base)[0]


def filled(store: Store, res: Resource, id_text: str, base: str) -> Doc:
    return get_one(store, res, id_text, list(res.nested), [], base)


def nested_list(store: Store, res: Resource, id_text: str, name: str, base: str) -> dict[str, Any]:
    if name not in res.nested and name not in res.always:
        raise ApiError(404, f"{res.path} has no nested '{name}'.")
    doc = get_one(store, res, id_text, [name], [], base)
    rows = doc.get(name) or []
    return {"total_count": len(rows), name: rows}


def select_many(store: Store, res: Resource, pairs: list[tuple[str, str]], base: str,
                path: str = "", raw_query: str = "") -> dict[str, Any]:
    """Records by id, paged at `count` (default 100) like every list (API.md §2)."""
    raw = next((v for k, v in pairs if k == "ids"), "")
    if not raw.strip():
        raise ApiError(400, "The 'ids' parameter is required.")
    try:
        ids = [int(part) for part in raw.split(",") if part.strip()]
    except ValueError:
        raise ApiError(400, "'ids' must be a comma-separated list of integers.") from None
    query = q.parse_list_query(pairs)
    found = store.get_many(res.path, ids)
    offset = (query.page - 1) * query.count
    if query.page > 1 and offset >= len(found):
        raise ApiError(404, f"Page {query.page} does not exist.")
    docs = present(store, res, found[offset:offset + query.count], query.expand, query.fields,
                   base)
    head: dict[str, Any] = {"total_count": len(found)}
    if offset + query.count < len(found):
        head["next_page"] = q.page_url(base, path, raw_query, query.page + 1)
    if query.page > 1:
        head["previous_page"] = q.page_url(base, path, raw_query, query.page - 1)
    return {**head, res.array_key: docs}
