"""List query language of the store: filters, sort, sparse fields, paging, page links.

`field=[op:]value` with ops eq (default), not, like, startwith, gt, gte, lt, lte. Parameters are
ANDed; one value may chain conditions with " AND " / " OR " (no parentheses: SQL precedence); a
first filter value starting with "OR " makes the parameters OR-ed. Datetime fields compare instants.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .clock import parse_ticks
from .errors import ApiError

RESERVED = {"page", "count", "sort", "fields", "expand", "ids"}
OPS = {"eq": "=", "not": "!=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<=",
       "like": "like", "startwith": "startwith"}
DEFAULT_COUNT, MAX_COUNT = 100, 1000
_CHAIN = re.compile(r"\s+(AND|OR)\s+")
_INDEXED = {"id": "id", "updated_at": "updated", "created_at": "created"}


@dataclass
class ListQuery:
    filters: list[tuple[str, str]] = field(default_factory=list)
    page: int = 1
    count: int = DEFAULT_COUNT
    sort: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)
    expand: list[str] = field(default_factory=list)


def _csv(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _positive_int(name: str, value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise ApiError(400, f"'{name}' must be an integer.") from None
    if number < 1:
        raise ApiError(400, f"'{name}' must be 1 or more.")
    return number


def parse_list_query(pairs: list[tuple[str, str]]) -> ListQuery:
    query = ListQuery()
    for name, value in pairs:
        if name == "page":
            query.page = _positive_int(name, value)
        elif name == "count":
            query.count = min(_positive_int(name, value), MAX_COUNT)
        elif name == "sort":
            query.sort = _csv(value)
        elif name == "fields":
            query.fields = _csv(value)
        elif name == "expand":
            query.expand = _csv(value)
        elif name != "ids" and not name.startswith("_"):  # "_" params: cache busters
            query.filters.append((name, value))
    return query


def column(name: str, kind: str) -> str:
    """SQL expression for a field: an indexed column where there is one, else json_extract."""
    if name in _INDEXED:
        return _INDEXED[name]
    extract = f"json_extract(doc, '$.{name}')"
    if kind == "datetime":
        return f"ac_ticks({extract})"
    if kind == "str" or kind == "null":
        return f"CAST({extract} AS TEXT)"
    return extract


def _coerce(name: str, kind: str, raw: str) -> Any:
    try:
        if kind == "int":  # a whole-number field may still be compared with 2.5
            return int(raw) if raw.strip().lstrip("+-").isdigit() else float(raw)
        if kind == "float":
            return float(raw)
        if kind == "bool":
            lowered = raw.lower()
            if lowered not in ("true", "false", "1", "0"):
                raise ValueError(raw)
            return 1 if lowered in ("true", "1") else 0
        if kind == "datetime":
            return parse_ticks(raw)
    except ValueError:
        raise ApiError(400, f"Invalid value '{raw}' for field '{name}'.") from None
    return raw


def _condition(name: str, kind: str, text: str) -> tuple[str, list[Any]]:
    op = "eq"
    head, sep, rest = text.partition(":")
    if sep and head.lower() in OPS:
        op, text = head.lower(), rest
    expr = column(name, kind)
    if text.lower() == "null" and op in ("eq", "not"):
        return f"{expr} IS {'NOT ' if op == 'not' else ''}NULL", []
    if op in ("like", "startwith"):
        fn = "ac_contains" if op == "like" else "ac_startswith"
        return f"{fn}(json_extract(doc, '$.{name}'), ?)", [text]
    value = _coerce(name, kind, text)
    if op == "not":  # "not" keeps NULLs, as "is not equal to" reads
        return f"({expr} IS NULL OR {expr} != ?)", [value]
    return f"{expr} {OPS[op]} ?", [value]


def build_where(filters: list[tuple[str, str]], kinds: dict[str, str]) -> tuple[str, list[Any]]:
    """Translate filter parameters to a SQL WHERE clause with parameters."""
    if not filters:
        return "1", []
    joiner = " AND "
    first_name, first_value = filters[0]
    if first_value.startswith("OR "):
        joiner = " OR "
        filters = [(first_name, first_value[3:]), *filters[1:]]
    clauses: list[str] = []
    params: list[Any] = []
    for name, value in filters:
        kind = kinds.get(name)
        if kind is None or kind == "nested":
            raise ApiError(400, f"Unknown or nested field '{name}' cannot be filtered.")
        parts = _CHAIN.split(value.strip())
        sql = ""
        for i in range(0, len(parts), 2):
            cond, cond_params = _condition(name, kind, parts[i])
            sql += (f" {parts[i - 1]} " if i else "") + cond
            params.extend(cond_params)
        clauses.append(f"({sql})")
    return joiner.join(clauses), params


def build_order(sort: list[str], kinds: dict[str, str]) -> str:
    terms = []
    for key in sort:
        desc = key.startswith("-")
        name = key.lstrip("-+")
        kind = kinds.get(name)
        if kind is None or kind == "nested":
            raise ApiError(400, f"Unknown field '{name}' cannot be sorted on.")
        expr = column(name, kind)
        if kind in ("str", "null"):
            expr = f"json_extract(doc, '$.{name}')"  # keep numbers numeric (mixed postal codes)
        terms.append(f"{expr} {'DESC' if desc else 'ASC'}")
    terms.append("id ASC")  # stable paging
    return ", ".join(terms)


def page_url(base: str, path: str, raw_query: str, page: int) -> str:
    """The same request with `page` replaced: other parameters are kept byte for byte."""
    parts = [p for p in raw_query.split("&") if p]
    for i, part in enumerate(parts):
        if part.split("=", 1)[0] == "page":
            parts[i] = f"page={page}"
            break
    else:
        parts.append(f"page={page}")
    return f"{base}{path}?{'&'.join(parts)}"


def sparse(doc: dict[str, Any], fields: list[str], keep: list[str]) -> dict[str, Any]:
    """`fields=a,b`: only those keys (expanded collections stay)."""
    if not fields:
        return doc
    wanted = set(fields) | set(keep)
    return {k: v for k, v in doc.items() if k in wanted}
