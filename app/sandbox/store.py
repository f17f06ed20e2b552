"""SQLite-backed document store of the sandbox (":memory:" or a file that survives restarts).

One table per resource: `id`, `parent` (order_id / product_id of child rows), `updated` and
`created` (instants as ticks, indexed, so incremental sync and sorting by date do not parse JSON),
`doc` (the JSON document without its embedded collections) and `embedded` (those collections, e.g.
an order's custom_fields, shown only when expanded). Keeping them apart lets hot list requests
splice stored JSON text into the response without decoding and re-encoding it. Filters on any other
field use json_extract; a few hot order fields have expression indexes. One connection guarded by
one re-entrant lock: the sandbox serves a handful of clients, and the lock makes each API call a
single consistent unit.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from .clock import parse_ticks

Doc = dict[str, Any]

# table -> name of the parent-id field copied into the `parent` column
TABLES: dict[str, str | None] = {
    "stores": None, "order_statuses": None, "orders": None, "order_items": "order_id",
    "order_addresses": None, "order_payments": "order_id", "order_shipments": "order_id",
    "customers": None, "products": None, "product_pictures": "product_id",
    "product_variants": "product_id", "variant_inventory": "product_id",
    "shipping_provider_services": None, "custom_shipping_methods": None,
}
_EXPRESSION_INDEXES = {"orders": ("store_id", "order_status_id", "customer_id"),
                       "order_addresses": ("customer_id",)}
DATETIME_NAMES = {"due_date", "eta_date", "expires", "delivery_date", "ext_update_date"}
_SCHEMA_VERSION = "1"


def _dumps(doc: Doc) -> str:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def _ticks_or_none(value: Any) -> int | None:
    if isinstance(value, str) and value:
        try:
            return parse_ticks(value)
        except ValueError:
            return None
    return None


def _sql_contains(value: Any, needle: str) -> bool:
    return value is not None and needle.casefold() in str(value).casefold()


def _sql_startswith(value: Any, prefix: str) -> bool:
    return value is not None and str(value).casefold().startswith(prefix.casefold())


def field_kind(name: str, value: Any) -> str:
    """Type of a top-level field as filters see it: int, float, bool, str, datetime, nested."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, (list, dict)):
        return "nested"
    if name.endswith("_at") or name in DATETIME_NAMES:
        return "datetime"
    return "str"


class Store:
    def __init__(self, path: str | None,
                 embedded: dict[str, tuple[str, ...]] | None = None) -> None:
        """`embedded`: per table, the document keys kept in the `embedded` column."""
        self._embedded = embedded or {}
        self.lock = threading.RLock()
        self.path = path or ":memory:"
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL" if path else "PRAGMA journal_mode=MEMORY")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.create_function("ac_ticks", 1, _ticks_or_none, deterministic=True)
        self._db.create_function("ac_contains", 2, _sql_contains, deterministic=True)
        self._db.create_function("ac_startswith", 2, _sql_startswith, deterministic=True)
        self._kinds: dict[str, dict[str, str]] = {}
        self._create_schema()
        self._load_kinds()

    # -- schema ---------------------------------------------------------------------------
    def _create_schema(self) -> None:
        with self.lock:
            cur = self._db.cursor()
            cur.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            cur.execute("CREATE TABLE IF NOT EXISTS writes (seq INTEGER PRIMARY KEY, doc TEXT)")
            cur.execute("CREATE TABLE IF NOT EXISTS tokens (token TEXT PRIMARY KEY, doc TEXT)")
            for table in TABLES:
                cur.execute(f"CREATE TABLE IF NOT EXISTS {table} (id INTEGER PRIMARY KEY, "
                            "parent INTEGER, updated INTEGER, created INTEGER, doc TEXT NOT NULL, "
                            "embedded TEXT)")
                for col in ("parent", "updated", "created"):
                    cur.execute(f"CREATE INDEX IF NOT EXISTS {table}_{col} ON {table}({col})")
                for field in _EXPRESSION_INDEXES.get(table, ()):
                    cur.execute(f"CREATE INDEX IF NOT EXISTS {table}_{field} ON {table}"
                                f"(json_extract(doc, '$.{field}'))")

    def _load_kinds(self) -> None:
        raw = self.meta_get("field_kinds")
        self._kinds = json.loads(raw) if raw else {t: {} for t in TABLES}

    def _learn_kinds(self, table: str, docs: Iterable[Doc]) -> None:
        """Remember each top-level field's type for filtering. Mixed types widen: int+float is
        float, anything else mixed is str (postal_code is sometimes a number, sometimes text)."""
        kinds = self._kinds.setdefault(table, {})
        before = dict(kinds)
        for doc in docs:
            for name, value in doc.items():
                new = "null" if value is None else field_kind(name, value)
                old = kinds.get(name, "null")
                if old == "null" or new in ("null", old):
                    kinds[name] = old if new == "null" else new
                else:
                    kinds[name] = "float" if {old, new} <= {"int", "float"} else "str"
        if kinds != before:
            self.meta_set("field_kinds", json.dumps(self._kinds))

    def kinds(self, table: str) -> dict[str, str]:
        return self._kinds.get(table, {})

    def is_empty(self) -> bool:
        return self.meta_get("generated") is None

    def clear(self) -> None:
        with self.lock:
            for table in (*TABLES, "writes", "tokens", "meta"):
                self._db.execute(f"DELETE FROM {table}")
            self._kinds = {t: {} for t in TABLES}

    # -- meta -----------------------------------------------------------------------------
    def meta_get(self, key: str) -> str | None:
        with self.lock:
            row = self._db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def meta_set(self, key: str, value: str) -> None:
        with self.lock:
            self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    # -- documents ------------------------------------------------------------------------
    def _row(self, table: str, doc: Doc) -> tuple[Any, ...]:
        parent_field = TABLES[table]
        keys = self._embedded.get(table, ())
        base = {k: v for k, v in doc.items() if k not in keys} if keys else doc
        embedded = {k: doc[k] for k in keys if k in doc}
        return (doc["id"], doc.get(parent_field) if parent_field else None,
                _ticks_or_none(doc.get("updated_at")), _ticks_or_none(doc.get("created_at")),
                _dumps(base), _dumps(embedded) if embedded else None)

    @staticmethod
    def _doc(text: str, embedded: str | None) -> Doc:
        doc = json.loads(text)
        if embedded:
            doc.update(json.loads(embedded))
        return doc

    def insert_many(self, table: str, docs: Sequence[Doc]) -> None:
        with self.lock:
            self._learn_kinds(table, docs[:2000])
            self._db.executemany(f"INSERT INTO {table} VALUES (?,?,?,?,?,?)",
                                 (self._row(table, d) for d in docs))

    def put(self, table: str, doc: Doc) -> None:
        """Insert or replace one document."""
        with self.lock:
            self._learn_kinds(table, (doc,))
            self._db.execute(f"INSERT OR REPLACE INTO {table} VALUES (?,?,?,?,?,?)",
                             self._row(table, doc))

    def delete(self, table: str, doc_id: int) -> None:
        with self.lock:
            self._db.execute(f"DELETE FROM {table} WHERE id=?", (doc_id,))

    def get(self, table: str, doc_id: int) -> Doc | None:
        with self.lock:
            row = self._db.execute(f"SELECT doc, embedded FROM {table} WHERE id=?",
                                   (doc_id,)).fetchone()
        return self._doc(*row) if row else None

    def get_many(self, table: str, ids: Sequence[int]) -> list[Doc]:
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        with self.lock:
            rows = self._db.execute(f"SELECT doc, embedded FROM {table} WHERE id IN ({marks}) "
                                    "ORDER BY id", list(ids)).fetchall()
        return [self._doc(*r) for r in rows]

    def children_raw(self, table: str, parent_ids: Sequence[int]) -> dict[int, list[str]]:
        """Child documents as stored JSON text, grouped by parent id, in id order."""
        out: dict[int, list[str]] = {}
        if not parent_ids:
            return out
        marks = ",".join("?" * len(parent_ids))
        with self.lock:
            rows = self._db.execute(f"SELECT parent, doc FROM {table} WHERE parent IN ({marks}) "
                                    "ORDER BY id", list(parent_ids)).fetchall()
        for parent, doc in rows:
            out.setdefault(parent, []).append(doc)
        return out

    def children(self, table: str, parent_ids: Sequence[int]) -> dict[int, list[Doc]]:
        """Child documents grouped by parent id, in id order (child tables embed nothing)."""
        return {parent: [json.loads(d) for d in docs]
                for parent, docs in self.children_raw(table, parent_ids).items()}

    def select_raw(self, table: str, where: str, params: Sequence[Any], order: str = "id",
                   limit: int = -1, offset: int = 0) -> list[tuple[int, str, str | None]]:
        """(id, doc text, embedded text) of matching rows."""
        sql = (f"SELECT id, doc, embedded FROM {table} WHERE {where} ORDER BY {order} "
               "LIMIT ? OFFSET ?")
        with self.lock:
            return self._db.execute(sql, [*params, limit, offset]).fetchall()

    def select(self, table: str, where: str, params: Sequence[Any], order: str = "id",
               limit: int = -1, offset: int = 0) -> list[Doc]:
        return [self._doc(doc, emb) for _id, doc, emb
                in self.select_raw(table, where, params, order, limit, offset)]

    def count(self, table: str, where: str, params: Sequence[Any]) -> int:
        with self.lock:
            return self._db.execute(f"SELECT COUNT(*) FROM {table} WHERE {where}",
                                    list(params)).fetchone()[0]

    def next_id(self, table: str) -> int:
        with self.lock:
            return (self._db.execute(f"SELECT MAX(id) FROM {table}").fetchone()[0] or 0) + 1

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes: committed together or not at all (also one fsync for bulk loads)."""
        with self.lock:
            self._db.execute("BEGIN")
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # -- write log and tokens ---------------------------------------------------------------
    def log_write(self, entry: Doc) -> int:
        with self.lock:
            cur = self._db.execute("INSERT INTO writes (doc) VALUES (?)", (_dumps(entry),))
            return int(cur.lastrowid or 0)

    def writes(self, since: int = 0) -> list[Doc]:
        with self.lock:
            rows = self._db.execute("SELECT seq, doc FROM writes WHERE seq > ? ORDER BY seq",
                                    (since,)).fetchall()
        return [{"seq": seq, **json.loads(doc)} for seq, doc in rows]

    def clear_writes(self) -> None:
        with self.lock:
            self._db.execute("DELETE FROM writes")

    def save_token(self, token: str, info: Doc) -> None:
        with self.lock:
            self._db.execute("INSERT OR REPLACE INTO tokens VALUES (?, ?)", (token, _dumps(info)))

    def token(self, token: str) -> Doc | None:
        with self.lock:
            row = self._db.execute("SELECT doc FROM tokens WHERE token=?", (token,)).fetchone()
        return json.loads(row[0]) if row else None

    def close(self) -> None:
        with self.lock:
            self._db.close()
