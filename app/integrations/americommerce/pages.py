"""A page of a list as the store sends it: the items under the envelope's one array key."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.errors import StoreResponseError


@dataclass(frozen=True)
class Page:
    """One page of a list: its items, the store's total and the next page's URL (or None)."""

    items: list[dict[str, Any]]
    total_count: int | None
    next_url: str | None


def page_from_body(body: Any, path: str) -> Page:
    """Read a list envelope: the items are under its one array-valued key, whatever its name."""
    if isinstance(body, list):
        return Page(body, len(body), None)
    if not isinstance(body, dict):
        raise StoreResponseError(f"The store sent an unexpected answer for {path}.")
    arrays = [key for key, value in body.items() if isinstance(value, list)]
    if len(arrays) > 1:
        # Should not happen; prefer the key named like the resource before giving up.
        name = path.strip("/").split("/")[-1].split("?")[0]
        arrays = [key for key in arrays if key == name] or arrays
        if len(arrays) > 1:
            raise StoreResponseError(f"The store's answer for {path} has several lists "
                                     f"({', '.join(arrays)}); cannot tell which one to read.")
    items = body[arrays[0]] if arrays else []
    total = body.get("total_count")
    next_url = body.get("next_page") or None
    return Page(items, total if isinstance(total, int) else None,
                next_url if isinstance(next_url, str) else None)
