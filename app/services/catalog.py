"""The merchant's catalog at the station: import a supplier or ERP file (with a preview and a
dry run), link catalog rows to the store's products and variants (listings), by hand too, and
report what is linked, not in the store, only in the store, or ambiguous.

Rules are in app/domain (catalog_file, catalog_import, listings); this module reads the file,
chooses the source, connection and mapping, and stores the outcome in one transaction each.
Sync, publish and overwrite of listings go through the outbox and come with it (issue 16).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from app.db.repositories.catalog_sources import CatalogSourceInfo, CatalogSourceRepository
from app.db.repositories.connections import ConnectionRecord, ConnectionRepository
from app.db.repositories.listings import ListingRepository
from app.domain.catalog import normalize_code
from app.domain.catalog_file import (
    CatalogFileError,
    ColumnMapping,
    guess_mapping,
    read_catalog_text,
)
from app.domain.catalog_import import DEFAULT_STOP_SHARE, CatalogImport, CatalogRow, validate_text
from app.domain.changes import NOTHING, Changes
from app.domain.listings import LinkReport, LinkState, StoreItem, link
from app.errors import ConfigurationError, UsageError
from app.services.changes import ChangeFeed

MAX_FILE_BYTES = 512 * 1024 * 1024  # a catalog file is read whole; bigger is surely no CSV


class ImportState(StrEnum):
    IMPORTED = "imported"
    DRY_RUN = "dry_run"  # checked, nothing saved
    STOPPED = "stopped"  # too many bad rows: nothing saved until confirmed


@dataclass(frozen=True)
class ImportPreview:
    """What a file would import with a mapping: shown before anything is saved."""

    source: str
    file: Path
    encoding: str
    delimiter: str
    headers: list[str]
    mapping: ColumnMapping
    mapping_saved: bool  # the source's saved mapping (else guessed from the headers)
    result: CatalogImport


@dataclass(frozen=True)
class ImportOutcome:
    state: ImportState
    preview: ImportPreview
    source: CatalogSourceInfo | None = None  # after a real import
    previous_rows: int = 0
    changes: Changes = NOTHING  # what the import changed (published on the feed)

    @property
    def message(self) -> str:
        result = self.preview.result
        if self.state is ImportState.STOPPED:
            return (f"{len(result.skipped):,} of {result.total_rows:,} rows "
                    f"({result.bad_share:.0%}) are bad, more than {result.stop_share:.0%}: is "
                    "this the right file and mapping? Nothing was imported; confirm to import "
                    "the good rows anyway.")
        verb = "Would import" if self.state is ImportState.DRY_RUN else "Imported"
        return (f"{verb} {len(result.rows):,} of {result.total_rows:,} rows into "
                f"'{self.preview.source}'; {len(result.skipped):,} skipped, "
                f"{len(result.issues) - len(result.skipped):,} value(s) left out.")

    def as_dict(self) -> dict[str, Any]:
        preview, result = self.preview, self.preview.result
        return {"state": self.state.value, "source": preview.source, "file": str(preview.file),
                "encoding": preview.encoding, "delimiter": preview.delimiter,
                "mapping": preview.mapping.as_dict(), "mapping_saved": preview.mapping_saved,
                "rows": result.total_rows, "imported": len(result.rows)
                if self.state is ImportState.IMPORTED else 0,
                "valid": len(result.rows), "skipped": len(result.skipped),
                "bad_share": round(result.bad_share, 4), "previous_rows": self.previous_rows,
                "issues": [i.as_dict() for i in result.issues], "message": self.message}


@dataclass(frozen=True)
class ListingEntry:
    """One line of the link report: a catalog row, a store item, or both."""

    state: LinkState
    sku: str = ""
    title: str = ""
    how: str = ""
    item: StoreItem | None = None
    candidates: tuple[StoreItem, ...] = ()
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        def target(item: StoreItem) -> dict[str, Any]:
            return {"product_id": item.product_id,
                    "variant_inventory_id": item.variant_inventory_id, "sku": item.sku,
                    "gtin": item.gtin, "title": item.title}
        return {"state": self.state.value, "sku": self.sku, "title": self.title,
                "how": self.how, "store": target(self.item) if self.item else None,
                "candidates": [target(c) for c in self.candidates], "reason": self.reason}


@dataclass(frozen=True)
class ListingReport:
    connection: str
    source: str
    counts: dict[str, int]
    entries: list[ListingEntry]
    changes: Changes = NOTHING  # what `link` saved (published on the feed)

    def as_dict(self) -> dict[str, Any]:
        return {"connection": self.connection, "source": self.source, "counts": self.counts,
                "entries": [e.as_dict() for e in self.entries]}


FILTERS: dict[str, tuple[LinkState, ...]] = {
    "linked": (LinkState.LINKED,),
    "unmatched": (LinkState.NOT_IN_STORE, LinkState.ONLY_IN_STORE, LinkState.UNLINKED),
    "ambiguous": (LinkState.AMBIGUOUS,),
}


class CatalogService:
    def __init__(self, sources: CatalogSourceRepository, listings: ListingRepository,
                 connections: ConnectionRepository, feed: ChangeFeed) -> None:
        self._sources = sources
        self._listings = listings
        self._connections = connections
        self._feed = feed  # from the composition root: every write is published on it

    # --- sources and import ------------------------------------------------------------------

    def sources(self) -> list[CatalogSourceInfo]:
        return self._sources.all()

    def source(self, name: str | None = None) -> CatalogSourceInfo:
        """The named source, or the only one there is."""
        if name:
            found = self._sources.by_name(name)
            if found is None:
                raise UsageError(f"No catalog source named '{name}'.", hint=self._known())
            return found
        sources = self._sources.all()
        if len(sources) == 1:
            return sources[0]
        if not sources:
            raise ConfigurationError("No catalog yet: import one with "
                                     "`packdesk catalog import FILE`.")
        raise UsageError("Say which catalog source (--source NAME).", hint=self._known())

    def _known(self) -> str:
        names = [s.name for s in self._sources.all()]
        return f"Known: {', '.join(names)}." if names else ""

    def preview(self, path: Path, source: str | None = None, *,
                mapping: ColumnMapping | None = None, delimiter: str | None = None,
                stop_share: float = DEFAULT_STOP_SHARE) -> ImportPreview:
        """Read and check a file without saving anything. The mapping is, in this order: the
        one given, the source's saved one (when its columns are all in the file), a guess."""
        name = (source or path.stem).strip()
        if not name:
            raise UsageError("A catalog source needs a name (--source NAME).")
        catalog = read_catalog_text(_read(path), delimiter=delimiter)
        saved = self._sources.by_name(name)
        mapping_saved = False
        if mapping is None and saved is not None and saved.mapping.columns \
                and not saved.mapping.missing_headers(catalog.headers):
            mapping, mapping_saved = saved.mapping, True
        mapping = mapping or guess_mapping(catalog.headers)
        result = validate_text(catalog, mapping, stop_share=stop_share)
        return ImportPreview(saved.name if saved else name, path, catalog.encoding,
                             catalog.delimiter, catalog.headers, mapping, mapping_saved, result)

    def import_file(self, path: Path, source: str | None = None, *, dry_run: bool = False,
                    accept_bad_rows: bool = False, mapping: ColumnMapping | None = None,
                    delimiter: str | None = None,
                    stop_share: float = DEFAULT_STOP_SHARE) -> ImportOutcome:
        """Import a file's good rows into the source in one transaction (replacing its last
        import); a file that cannot be read raises CatalogFileError and changes nothing; over
        `stop_share` bad rows nothing is saved unless `accept_bad_rows`."""
        preview = self.preview(path, source, mapping=mapping, delimiter=delimiter,
                               stop_share=stop_share)
        if preview.result.needs_confirmation and not accept_bad_rows:
            return ImportOutcome(ImportState.STOPPED, preview)
        if dry_run:
            return ImportOutcome(ImportState.DRY_RUN, preview)
        saved = self._sources.replace_rows(
            preview.source, preview.mapping, preview.result.rows, delimiter=preview.delimiter,
            encoding=preview.encoding, file_name=path.name)
        changes = self._feed.publish(Changes.of(catalog=True))
        return ImportOutcome(ImportState.IMPORTED, preview, saved.source, saved.previous_rows,
                             changes)

    def rows(self, source: str | None = None) -> list[CatalogRow]:
        return self._sources.rows(self.source(source).source_id)

    # --- listings ----------------------------------------------------------------------------

    def connection(self, name: str | None = None) -> ConnectionRecord:
        if name:
            found = self._connections.by_name(name)
            if found is None:
                raise UsageError(f"No connection named '{name}'.")
            return found
        connections = self._connections.all()
        if len(connections) == 1:
            return connections[0]
        if not connections:
            raise ConfigurationError("No store connection yet: add one with `packdesk connect`.")
        raise UsageError("Say which connection (--connection NAME): "
                         f"{', '.join(c.name for c in connections)}.")

    def _link_report(self, connection: ConnectionRecord, source: CatalogSourceInfo
                     ) -> tuple[list[tuple[str, str, str]], LinkReport]:
        """The rows' (sku, gtin, title) and their links, in file order."""
        codes = self._sources.codes(source.source_id)
        return codes, link([(sku, gtin) for sku, gtin, _ in codes],
                           self._listings.store_items(connection.id),
                           self._listings.manual_links(connection.id, source.source_id))

    def link(self, connection: str | None = None, source: str | None = None,
             filter_name: str | None = None) -> ListingReport:
        """Link every catalog row the rules link (SKU, then UPC/GTIN), saving the automatic
        links in one transaction (links made by hand stay); returns the report."""
        conn, src = self.connection(connection), self.source(source)
        codes, report = self._link_report(conn, src)
        self._listings.save_automatic(conn.id, src.source_id, [
            (r.key, r.item.product_id, r.item.variant_inventory_id, r.how)
            for r in report.rows if r.item is not None and r.how in ("sku", "gtin")
            and r.state is LinkState.LINKED])
        listing = self._report(conn, src, codes, report, filter_name)
        return replace(listing, changes=self._feed.publish(Changes.of(catalog=True)))

    def link_by_hand(self, sku: str, product_id: int, variant_inventory_id: int | None = None,
                     *, connection: str | None = None, source: str | None = None) -> Changes:
        conn, src = self.connection(connection), self.source(source)
        key = self._row_key(src, sku)
        items = {i.target: i for i in self._listings.store_items(conn.id)}
        item = items.get((product_id, variant_inventory_id))
        if item is None:
            what = f"product {product_id}" + (f" variant {variant_inventory_id}"
                                              if variant_inventory_id is not None else "")
            raise UsageError(f"The store's {what} is not in this station's catalog cache "
                             f"of '{conn.name}'.")
        self._listings.set_by_hand(conn.id, src.source_id, key, item.target)
        return self._feed.publish(Changes.of(catalog=True))

    def unlink(self, sku: str, *, connection: str | None = None, source: str | None = None,
               automatic_again: bool = False) -> Changes:
        """Unlink a row by hand (it stays unlinked), or with `automatic_again` forget what was
        done by hand so the rules link it again."""
        conn, src = self.connection(connection), self.source(source)
        key = self._row_key(src, sku)
        if automatic_again:
            self._listings.forget_by_hand(conn.id, src.source_id, key)
        else:
            self._listings.set_by_hand(conn.id, src.source_id, key, None)
        return self._feed.publish(Changes.of(catalog=True))

    def _row_key(self, source: CatalogSourceInfo, sku: str) -> str:
        key = normalize_code(sku)
        if key not in {normalize_code(s) for s, _, _ in self._sources.codes(source.source_id)}:
            raise UsageError(f"No row with SKU '{sku}' in catalog '{source.name}'.")
        return key

    def report(self, connection: str | None = None, source: str | None = None,
               filter_name: str | None = None) -> ListingReport:
        """What each row is in the store right now (nothing saved)."""
        conn, src = self.connection(connection), self.source(source)
        return self._report(conn, src, *self._link_report(conn, src), filter_name)

    def _report(self, connection: ConnectionRecord, source: CatalogSourceInfo,
                codes: list[tuple[str, str, str]], report: LinkReport,
                filter_name: str | None) -> ListingReport:
        if filter_name is not None and filter_name not in FILTERS:
            raise UsageError(f"Unknown filter '{filter_name}': {', '.join(FILTERS)}.")
        wanted = FILTERS.get(filter_name or "", tuple(LinkState))
        entries = [ListingEntry(r.state, sku, title, r.how, r.item, r.candidates, r.reason)
                   for (sku, _, title), r in zip(codes, report.rows, strict=True)
                   if r.state in wanted]
        if LinkState.ONLY_IN_STORE in wanted:
            entries += [ListingEntry(LinkState.ONLY_IN_STORE, item.sku, item.title, item=item)
                        for item in report.only_in_store]
        return ListingReport(connection.name, source.name, report.counts(), entries)


def _read(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise CatalogFileError(f"The catalog file is {size / 2**20:,.0f} MB; PackDesk reads "
                                   f"files up to {MAX_FILE_BYTES / 2**20:,.0f} MB.")
        return path.read_bytes()
    except IsADirectoryError:
        raise CatalogFileError(f"{path} is a folder, not a catalog file.") from None
    except FileNotFoundError:
        raise CatalogFileError(f"There is no file {path}.") from None
    except OSError as exc:
        raise CatalogFileError(f"The catalog file {path} cannot be read: "
                               f"{exc.strerror or exc}.") from None
