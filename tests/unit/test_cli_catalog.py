"""`packdesk catalog`: import (dry run, stop over bad rows, mapping by hand), link, unlink and
the link report, as text and as JSON."""
from __future__ import annotations

import json

import pytest

from app.__main__ import main
from app.bootstrap import build_context
from app.domain.catalog import ProductInfo, VariantInfo
from app.domain.connection_settings import ConnectionSettings

FEED = ("Item #;EAN;Name;Our price;Stock;Option: Size\n"
        "MUG-1;;Mug;9,99;5;\n"
        "TEE-S;;Tee;12,00;3;S\n"
        "NEW-1;;<b>New</b>;1,00;1;\n")


@pytest.fixture
def station(paths):
    context = build_context(paths)
    connection = context.storage.repos.connections.add(
        ConnectionSettings(name="main", address="https://shop.example.com"))
    context.storage.repos.catalog.save(connection.id, [
        ProductInfo(1, sku="MUG-1", name="Mug"),
        ProductInfo(2, sku="TEE", name="Tee", variants=(
            VariantInfo(21, sku="TEE-S", description="Size: S"),)),
        ProductInfo(7, sku="LONE", name="Only here")])
    context.close()
    return str(paths.data_dir)


def _run(capsys, data_dir: str, *args: str) -> tuple[int, str, str]:
    code = main(["--data-dir", data_dir, "catalog", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_import_dry_run_then_import_then_list(station, tmp_path, capsys) -> None:
    path = tmp_path / "supplier.csv"
    path.write_bytes(FEED.encode("cp1252"))
    code, out, _ = _run(capsys, station, "import", str(path), "--dry-run")
    assert code == 0
    assert out.splitlines()[0] == "supplier.csv: utf-8, delimiter ';', guessed mapping:"
    assert "  sku          <- Item #" in out and "  option Size  <- Option: Size" in out
    assert out.rstrip().endswith("Would import 3 of 3 rows into 'supplier'; 0 skipped, 0 "
                                 "value(s) left out.")
    code, out, _ = _run(capsys, station, "--json", "import", str(path))
    document = json.loads(out)
    assert code == 0 and document["state"] == "imported" and document["imported"] == 3
    assert document["mapping"]["columns"]["price"] == "Our price"

    code, out, _ = _run(capsys, station)
    assert code == 0
    assert out.splitlines()[0] == ("Catalog 'supplier' against 'main': 2 linked, 1 not in the "
                                   "store, 1 only in the store, 0 ambiguous, 0 unlinked by "
                                   "hand.")
    assert "  linked        TEE-S -> product 2 variant 21 (by sku)  Tee" in out
    assert "  not_in_store  NEW-1  <b>New</b>" in out  # the title as the file had it
    code, out, _ = _run(capsys, station, "--json", "--filter", "unmatched")
    assert [(e["state"], e["sku"]) for e in json.loads(out)["entries"]] == [
        ("not_in_store", "NEW-1"), ("only_in_store", "LONE")]


def test_too_many_bad_rows_stop_the_import_until_accepted(station, tmp_path, capsys) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("SKU,Qty\nA,1\nB,-1\n")
    code, out, _ = _run(capsys, station, "import", str(path))
    assert code == 1
    assert "  row 3 (B): quantity -1 is negative - skipped" in out
    assert "Nothing was imported; confirm to import the good rows anyway." in out
    code, out, err = _run(capsys, station)
    assert code == 1 and "No catalog yet" in err
    code, out, _ = _run(capsys, station, "import", str(path), "--accept-bad-rows")
    assert code == 0 and "Imported 1 of 2 rows into 'bad'" in out


def test_a_mapping_given_by_hand_is_saved_for_the_source(station, tmp_path, capsys) -> None:
    path = tmp_path / "erp.csv"
    path.write_text("Code\tOn hand\nMUG-1\t7\n")
    code, _, err = _run(capsys, station, "import", str(path))
    assert code == 1 and "No SKU column found among: Code, On hand" in err
    code, out, _ = _run(capsys, station, "--json", "import", str(path), "--source", "ERP",
                        "--map", "sku=Code", "--map", "quantity=On hand")
    assert code == 0 and json.loads(out)["delimiter"] == "\t"
    code, out, _ = _run(capsys, station, "--json", "import", str(path), "--source", "erp",
                        "--dry-run")
    document = json.loads(out)
    assert document["mapping_saved"] and document["source"] == "ERP"
    code, _, err = _run(capsys, station, "import", str(path), "--map", "colour=Code")
    assert code == 2 and "no field 'colour'" in err


def test_link_by_hand_and_unlink(station, tmp_path, capsys) -> None:
    path = tmp_path / "feed.csv"
    path.write_bytes(FEED.encode())
    _run(capsys, station, "import", str(path))
    code, out, _ = _run(capsys, station, "link", "NEW-1", "--product", "7")
    assert code == 0 and out.strip() == "NEW-1 linked by hand to product 7."
    code, out, _ = _run(capsys, station, "unlink", "mug-1")
    assert code == 0 and "stays unlinked" in out
    code, out, _ = _run(capsys, station, "--json", "link")
    counts = json.loads(out)["counts"]
    assert counts == {"linked": 2, "not_in_store": 0, "only_in_store": 1, "ambiguous": 0,
                      "unlinked": 1}
    code, _, err = _run(capsys, station, "link", "NEW-1")
    assert code == 2 and "--product ID" in err


def test_an_unreadable_file_is_one_line_and_exit_1(station, tmp_path, capsys) -> None:
    code, out, err = _run(capsys, station, "import", str(tmp_path / "nope.csv"))
    assert code == 1 and out == ""
    assert err.strip() == f"packdesk catalog: There is no file {tmp_path / 'nope.csv'}."
