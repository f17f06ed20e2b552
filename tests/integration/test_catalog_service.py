"""CatalogService on a real migrated database: import (preview, dry run, the stop over too many
bad rows, one transaction), the mapping saved per source, linking and the link report."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.db.core import CATALOG_ROWS, CATALOG_SOURCES, LISTING_LINKS
from app.domain.catalog import ProductInfo, VariantInfo
from app.domain.catalog_file import CatalogFileError, ColumnMapping
from app.domain.changes import Changes
from app.domain.connection_settings import ConnectionSettings
from app.domain.listings import LinkState
from app.errors import UsageError
from app.services.catalog import ImportState

GOOD = ("SKU,UPC,Title,Price,Qty\n"
        "MUG-1,,Mug,9.99,5\n"
        "TEE-S,,Tee S,12.00,3\n"
        "X-9,012345678905,Tee L by GTIN,12.00,2\n"
        "NEW-1,,New thing,1.00,1\n"
        "DUP,,Twice in the store,2.00,1\n")


def _counts(context) -> tuple[int, int, int]:
    with context.storage.db.read() as session:
        return tuple(session.execute(select(func.count()).select_from(t)).scalar_one()
                     for t in (CATALOG_SOURCES, CATALOG_ROWS, LISTING_LINKS))


@pytest.fixture
def heard(context) -> list[Changes]:
    heard: list[Changes] = []
    context.changes.subscribe(heard.append)
    return heard


@pytest.fixture
def store(context) -> int:
    connection = context.storage.repos.connections.add(
        ConnectionSettings(name="main", address="https://shop.example.com"))
    context.storage.repos.catalog.save(connection.id, [
        ProductInfo(1, sku="MUG-1", name="Mug"),
        ProductInfo(2, sku="TEE", name="Tee", variants=(
            VariantInfo(21, sku="TEE-S", description="Size: S"),
            VariantInfo(22, sku="TEE-L", gtin="012345678905", description="Size: L"))),
        ProductInfo(3, sku="DUP", name="One"), ProductInfo(4, sku="dup", name="Other"),
        ProductInfo(7, sku="LONE", name="Only here")])
    return connection.id


def test_import_saves_good_rows_and_the_mapping_in_one_go(context, tmp_path, heard) -> None:
    path = tmp_path / "supplier.csv"
    path.write_text(GOOD.replace("NEW-1,,New thing,1.00,1", "NEW-1,,New thing,-1,1"))
    outcome = context.catalog.import_file(path, stop_share=0.5)  # 1 bad row of 5
    assert outcome.state is ImportState.IMPORTED and outcome.source is not None
    assert outcome.source.name == "supplier" and outcome.source.rows == 4
    assert outcome.message == ("Imported 4 of 5 rows into 'supplier'; 1 skipped, 0 value(s) "
                               "left out.")
    assert outcome.as_dict()["issues"] == [
        {"row": 5, "sku": "NEW-1", "reason": "price -1 is negative", "skipped": True}]
    assert heard == [Changes.of(catalog=True)] == [outcome.changes]
    rows = context.catalog.rows()
    assert [(r.sku, r.price, r.quantity) for r in rows][:2] == [
        ("MUG-1", Decimal("9.99"), 5), ("TEE-S", Decimal("12.00"), 3)]
    # the source keeps its mapping: a later file with the same columns reuses it
    assert context.catalog.preview(path, "Supplier").mapping_saved


def test_a_new_import_replaces_the_sources_rows(context, tmp_path) -> None:
    path = tmp_path / "feed.csv"
    path.write_text(GOOD)
    context.catalog.import_file(path)
    path.write_text("SKU,Qty\nMUG-1,4\n")
    outcome = context.catalog.import_file(path, "feed", mapping=ColumnMapping(
        {"sku": "SKU", "quantity": "Qty"}))
    assert outcome.previous_rows == 5 and [r.quantity for r in context.catalog.rows()] == [4]


def test_a_dry_run_and_a_stopped_import_save_nothing(context, tmp_path, heard) -> None:
    path = tmp_path / "feed.csv"
    path.write_text(GOOD)
    dry = context.catalog.import_file(path, dry_run=True)
    assert dry.state is ImportState.DRY_RUN and not dry.changes
    bad = tmp_path / "bad.csv"
    bad.write_text("SKU,Qty\nA,1\nB,-1\nC,x\n")
    stopped = context.catalog.import_file(bad)
    assert stopped.state is ImportState.STOPPED
    assert stopped.message.startswith("2 of 3 rows (67%) are bad, more than 10%")
    assert _counts(context) == (0, 0, 0) and heard == []
    accepted = context.catalog.import_file(bad, accept_bad_rows=True)
    assert accepted.state is ImportState.IMPORTED and _counts(context) == (1, 1, 0)


@pytest.mark.parametrize("data, reason", [
    (b"PK\x03\x04\x00\x00", "not text"), (b"Item;Stock\nA;1\n", "No SKU column"),
])
def test_an_unreadable_file_changes_nothing(context, tmp_path, data, reason) -> None:
    path = tmp_path / "feed.csv"
    path.write_text(GOOD)
    context.catalog.import_file(path)
    before = _counts(context)
    path.write_bytes(data)
    with pytest.raises(CatalogFileError, match=reason):
        context.catalog.import_file(path, "feed")
    assert _counts(context) == before
    with pytest.raises(CatalogFileError, match="There is no file"):
        context.catalog.import_file(tmp_path / "missing.csv")


def test_link_saves_automatic_links_and_reports_every_state(context, tmp_path, store,
                                                            heard) -> None:
    path = tmp_path / "feed.csv"
    path.write_text(GOOD)
    context.catalog.import_file(path)
    report = context.catalog.link()
    assert report.counts == {"linked": 3, "not_in_store": 1, "only_in_store": 3,
                             "ambiguous": 1, "unlinked": 0}
    states = {(e.state, e.sku) for e in report.entries}
    assert {(LinkState.LINKED, "MUG-1"), (LinkState.LINKED, "TEE-S"),
            (LinkState.LINKED, "X-9"), (LinkState.NOT_IN_STORE, "NEW-1"),
            (LinkState.AMBIGUOUS, "DUP"), (LinkState.ONLY_IN_STORE, "LONE")} <= states
    assert {(link.sku_key, link.how) for link in _links(context)} == {
        ("MUG-1", "sku"), ("TEE-S", "sku"), ("X-9", "gtin")}
    assert heard[-1] == Changes.of(catalog=True) == report.changes
    assert not context.catalog.report().changes  # a report writes nothing
    ambiguous = context.catalog.report(filter_name="ambiguous")
    assert [e.as_dict()["candidates"][0]["product_id"] for e in ambiguous.entries] == [3]
    # a product with variants counts by its variants, both of which are linked
    assert [e.sku for e in context.catalog.report(filter_name="unmatched").entries] == [
        "NEW-1", "DUP", "dup", "LONE"]


def _links(context):
    from app.db.repositories.listings import ListingRepository

    source = context.catalog.source()
    return ListingRepository(context.storage.db).links(context.catalog.connection().id,
                                               source.source_id)


def test_links_and_unlinks_by_hand(context, tmp_path, store) -> None:
    path = tmp_path / "feed.csv"
    path.write_text(GOOD)
    context.catalog.import_file(path)
    context.catalog.link_by_hand("dup", 4)
    assert context.catalog.unlink("MUG-1") == Changes.of(catalog=True)
    report = context.catalog.link()  # automatic linking respects both
    by_sku = {e.sku: e for e in report.entries if e.state is not LinkState.ONLY_IN_STORE}
    assert by_sku["DUP"].state is LinkState.LINKED and by_sku["DUP"].how == "hand"
    assert by_sku["DUP"].item is not None and by_sku["DUP"].item.product_id == 4
    assert by_sku["MUG-1"].state is LinkState.UNLINKED
    context.catalog.unlink("MUG-1", automatic_again=True)
    assert [e.state for e in context.catalog.link().entries if e.sku == "MUG-1"] == [
        LinkState.LINKED]
    with pytest.raises(UsageError, match="product 99 is not in this station's catalog cache"):
        context.catalog.link_by_hand("NEW-1", 99)
    with pytest.raises(UsageError, match="No row with SKU 'NOPE'"):
        context.catalog.unlink("NOPE")


def test_an_import_that_fails_midway_leaves_the_last_one_whole(context, tmp_path) -> None:
    from sqlalchemy.exc import IntegrityError

    from app.db.repositories.catalog_sources import CatalogSourceRepository
    from app.domain.catalog_import import CatalogRow

    path = tmp_path / "feed.csv"
    path.write_text(GOOD)
    context.catalog.import_file(path)
    before = [r.sku for r in context.catalog.rows()]
    repository = CatalogSourceRepository(context.storage.db)
    twice = [CatalogRow(2, "A"), CatalogRow(3, "B"), CatalogRow(4, "a")]  # one key twice
    with pytest.raises(IntegrityError):
        repository.replace_rows("feed", ColumnMapping({"sku": "SKU"}), twice, delimiter=";",
                                encoding="utf-8", file_name="other.csv")
    assert [r.sku for r in context.catalog.rows()] == before
    assert context.catalog.source().delimiter == ","
