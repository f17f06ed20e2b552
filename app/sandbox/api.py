"""Routing of /api/v1 requests to the read side (resources.py) and the write side (mutations.py).

The route table is data (`ROUTES`), so counters can key on templates like "GET /orders/{id}" and the
contract test can check every served route against the vendor's OpenAPI file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import resources as r
from .errors import ApiError
from .mutations import Mutations
from .query import parse_list_query
from .store import Store


@dataclass(frozen=True)
class ApiRequest:
    method: str
    path: str  # below /api/v1, e.g. "/orders/100001/items"
    pairs: list[tuple[str, str]]
    raw_query: str
    body: Any
    base: str  # "http://host:port" as the client addressed us (for absolute links)
    token: str | None = None

    def param(self, name: str) -> str | None:
        return next((v for k, v in self.pairs if k == name), None)


Handler = Callable[[Store, Mutations, ApiRequest, list[str]], tuple[int, Any]]


def _list(store: Store, _m: Mutations, req: ApiRequest, seg: list[str]) -> tuple[int, Any]:
    res = r.resource(seg[0])
    return 200, r.list_envelope(store, res, req.pairs, req.base, "/api/v1" + req.path,
                                req.raw_query)


def _select_many(store: Store, _m: Mutations, req: ApiRequest, seg: list[str]) -> tuple[int, Any]:
    return 200, r.select_many(store, r.resource(seg[0]), req.pairs, req.base,
                              "/api/v1" + req.path, req.raw_query)


def _one(store: Store, _m: Mutations, req: ApiRequest, seg: list[str]) -> tuple[int, Any]:
    query = parse_list_query(req.pairs)
    return 200, r.get_one(store, r.resource(seg[0]), seg[1], query.expand, query.fields, req.base)


def _filled(store: Store, _m: Mutations, req: ApiRequest, seg: list[str]) -> tuple[int, Any]:
    return 200, r.filled(store, r.resource(seg[0]), seg[1], req.base)


def _nested(store: Store, _m: Mutations, req: ApiRequest, seg: list[str]) -> tuple[int, Any]:
    return 200, r.nested_list(store, r.resource(seg[0]), seg[1], seg[2], req.base)


def _shown(store: Store, path: str, doc: dict[str, Any], req: ApiRequest) -> dict[str, Any]:
    """A written document as GET would show it (embedded collections only when expanded)."""
    return r.present(store, r.RESOURCES[path], [doc], [], [], req.base)[0]


def _inventory(_s: Store, m: Mutations, req: ApiRequest, _seg: list[str]) -> tuple[int, Any]:
    return 200, m.inventory(dict(req.pairs))


def _inventory_change(_s: Store, m: Mutations, req: ApiRequest, seg: list[str]) -> tuple[int, Any]:
    return 200, m.change_inventory(seg[1], req.body, token=req.token)


def _post_shipment(s: Store, m: Mutations, req: ApiRequest, _seg: list[str]) -> tuple[int, Any]:
    created, doc = m.upsert_shipment(req.body, token=req.token)
    return (201 if created else 200), _shown(s, "order_shipments", doc, req)


def _delete_shipment(_s: Store, m: Mutations, req: ApiRequest, seg: list[str]) -> tuple[int, Any]:
    m.delete_shipment(seg[1], token=req.token)
    return 204, None  # the docs say 204; the OpenAPI file says 200 (API.md §5)


def _put_shipment(s: Store, m: Mutations, req: ApiRequest, seg: list[str]) -> tuple[int, Any]:
    doc = m.upsert_shipment(req.body, shipment_id=seg[1], token=req.token)[1]
    return 200, _shown(s, "order_shipments", doc, req)


def _put_order(s: Store, m: Mutations, req: ApiRequest, seg: list[str]) -> tuple[int, Any]:
    return 200, _shown(s, "orders", m.update_order(seg[1], req.body, token=req.token), req)


def _put_status(s: Store, m: Mutations, req: ApiRequest, seg: list[str]) -> tuple[int, Any]:
    return 200, _shown(s, "orders", m.set_status(seg[1], req.body, token=req.token), req)


def _post_product(s: Store, m: Mutations, req: ApiRequest, _seg: list[str]) -> tuple[int, Any]:
    return 201, _shown(s, "products", m.create_product(req.body, token=req.token), req)


def _put_product(s: Store, m: Mutations, req: ApiRequest, seg: list[str]) -> tuple[int, Any]:
    return 200, _shown(s, "products", m.update_product(seg[1], req.body, token=req.token), req)


def _build_routes() -> list[tuple[str, str, Handler]]:
    routes: list[tuple[str, str, Handler]] = []
    for name in r.RESOURCES:
        routes += [("GET", f"/{name}", _list), ("GET", f"/{name}/select_many", _select_many),
                   ("GET", f"/{name}/{{id}}", _one), ("GET", f"/{name}/{{id}}/filled", _filled),
                   ("GET", f"/{name}/{{id}}/{{nested}}", _nested)]
    routes += [
        ("GET", "/inventory", _inventory),
        ("POST", "/inventory/set", _inventory_change),
        ("POST", "/inventory/add", _inventory_change),
        ("POST", "/inventory/remove", _inventory_change),
        ("POST", "/order_shipments", _post_shipment),
        ("PUT", "/order_shipments/{id}", _put_shipment),
        ("DELETE", "/order_shipments/{id}", _delete_shipment),
        ("PUT", "/orders/{id}", _put_order),
        ("PUT", "/orders/{id}/status", _put_status),
        ("POST", "/products", _post_product),
        ("PUT", "/products/{id}", _put_product),
    ]
    return routes


ROUTES = _build_routes()


def _matches(template: str, segments: list[str]) -> bool:
    parts = template.strip("/").split("/")
    return len(parts) == len(segments) and all(
        p == s or (p.startswith("{") and s) for p, s in zip(parts, segments, strict=True))


def match(method: str, path: str) -> tuple[str, Handler, list[str]] | None:
    """(template, handler, path segments) of the first route matching, literal routes first."""
    segments = [s for s in path.split("/") if s]
    for route_method, template, handler in ROUTES:
        if route_method == method and _matches(template, segments):
            return template, handler, segments
    return None


def dispatch(store: Store, mutations: Mutations, req: ApiRequest) -> tuple[int, Any]:
    found = match(req.method, req.path)
    if found is None:
        if any(_matches(t, [s for s in req.path.split("/") if s]) for _, t, _h in ROUTES):
            raise ApiError(405, f"{req.method} is not supported on {req.path}.")
        raise ApiError(404, f"No route {req.method} /api/v1{req.path}.")
    _template, handler, segments = found
    return handler(store, mutations, req, segments)
