"""Reading and checking a merchant's catalog file: encodings, delimiters, mapping, bad rows."""
from __future__ import annotations

from decimal import Decimal

import pytest

from app.domain.catalog_file import (
    CatalogFileError,
    ColumnMapping,
    decode,
    guess_mapping,
    read_catalog_text,
)
from app.domain.catalog_import import (
    MAX_DESCRIPTION,
    parse_money,
    parse_quantity,
    validate_text,
)

HEADER = ("SKU,UPC,MPN,Title,Description,Price,Qty,Weight,Length,Width,Height,Category,Images,"
          "Option: Color,Option: Size,Parent SKU")


def _import(text: str, encoding: str = "utf-8"):
    catalog = read_catalog_text(text.encode(encoding))
    return catalog, validate_text(catalog, guess_mapping(catalog.headers))


def test_the_mapping_is_guessed_from_the_usual_header_names() -> None:
    mapping = guess_mapping(HEADER.split(","))
    assert mapping.columns == {
        "sku": "SKU", "gtin": "UPC", "mpn": "MPN", "title": "Title",
        "description": "Description", "price": "Price", "quantity": "Qty",
        "weight": "Weight", "length": "Length", "width": "Width", "height": "Height",
        "categories": "Category", "images": "Images", "parent_sku": "Parent SKU"}
    assert mapping.options == {"Color": "Option: Color", "Size": "Option: Size"}
    assert ColumnMapping.from_dict(mapping.as_dict()) == mapping


def test_a_full_row_maps_every_field() -> None:
    text = (HEADER + "\n"
            'TS-RED-L,0012345678905,M-1,"Tee, red","Soft <b>cotton</b>","$1,234.50",7,0.4,30,'
            '20,2,Shirts > Tees | Sale,https://img.example/a.jpg|https://img.example/b.jpg,'
            "Red,L,TS\n")
    catalog, result = _import(text)
    assert catalog.delimiter == "," and catalog.encoding == "utf-8"
    assert result.issues == [] and result.total_rows == 1
    row = result.rows[0]
    assert (row.row, row.sku, row.gtin, row.mpn, row.parent_sku) == (
        2, "TS-RED-L", "0012345678905", "M-1", "TS")
    assert row.title == "Tee, red" and row.description == "Soft <b>cotton</b>"
    assert row.price == Decimal("1234.50") and row.quantity == 7
    assert (row.weight, row.length, row.width, row.height) == (
        Decimal("0.4"), Decimal(30), Decimal(20), Decimal(2))
    assert row.categories == (("Shirts", "Tees"), ("Sale",))
    assert row.images == ("https://img.example/a.jpg", "https://img.example/b.jpg")
    assert row.options == (("Color", "Red"), ("Size", "L"))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_utf8_with_or_without_bom_and_windows_1252_read_the_same(encoding) -> None:
    text = "SKU;Title;Price\nCAF-1;Café crème \u2013 500 g;4,50\n"
    catalog, result = _import(text, encoding)
    assert catalog.encoding == encoding and catalog.delimiter == ";"
    assert catalog.headers == ["SKU", "Title", "Price"]  # no BOM glued to the first header
    assert result.rows[0].title == "Café crème \u2013 500 g"
    assert result.rows[0].price == Decimal("4.50")


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_the_delimiter_is_sniffed(delimiter) -> None:
    lines = ["SKU", "Qty", "Price"], ["A-1", "3", "9.99"], ["A-2", "0", "19.99"]
    catalog, result = _import("\n".join(delimiter.join(line) for line in lines) + "\n")
    assert catalog.delimiter == delimiter
    assert [(r.sku, r.quantity) for r in result.rows] == [("A-1", 3), ("A-2", 0)]


def test_a_file_read_with_the_wrong_delimiter_names_the_columns_it_saw() -> None:
    catalog = read_catalog_text(b"Item;Stock\nA-1;3\n", delimiter=",")
    with pytest.raises(CatalogFileError, match="No SKU column found among: Item;Stock"):
        validate_text(catalog, guess_mapping(catalog.headers))


@pytest.mark.parametrize("data, reason", [
    (b"", "empty"), (b"PK\x03\x04\x00\x00binary", "not text"),
    (b"\xef\xbb\xbfSKU\n\xff\xfe\n", "starts as UTF-8"),
    (b"SKU,Qty,SKU\nA,1,B\n", "names a column twice"),
])
def test_an_unreadable_file_is_refused_whole(data, reason) -> None:
    with pytest.raises(CatalogFileError, match=reason):
        read_catalog_text(data)


def test_bytes_that_no_windows_codepage_has_are_refused() -> None:
    with pytest.raises(CatalogFileError, match="neither UTF-8 nor Windows-1252"):
        decode(b"SKU\nA\x81\xff\n")


@pytest.mark.parametrize("text, value", [
    ("12.5", "12.50"), ("$12.50", "12.50"), ("12,50 €", "12.50"), ("USD 9.99", "9.99"),
    ("1,234.50", "1234.50"), ("1.234,50", "1234.50"), ("1,234,567", "1234567"),
    ("£0.99", "0.99"), ("12.500", "12.50"),
])
def test_prices_with_currency_symbols_and_commas(text, value) -> None:
    assert parse_money(text) == Decimal(value)


@pytest.mark.parametrize("text, reason", [
    ("1,234", "could be 1234 or 1.234"), ("-3.00", "negative"), ("abc", "not a price"),
    ("12.345", "finer than a cent"), ("NaN", "not a price"), ("Infinity", "not a price"),
])
def test_prices_that_are_wrong_or_ambiguous_are_refused(text, reason) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_money(text)


@pytest.mark.parametrize("text, value", [("7", 7), ("7.0", 7), ("1,200", 1200), (" 0 ", 0)])
def test_quantities(text, value) -> None:
    assert parse_quantity(text) == value


@pytest.mark.parametrize("text, reason", [
    ("-2", "negative"), ("2.5", "not a whole number"), ("1.000", "could be 1000 or 1.000"),
    ("lots", "not a number"), ("1,5", "not a number"),
])
def test_quantities_that_are_wrong_or_ambiguous_are_refused(text, reason) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_quantity(text)


def test_bad_rows_are_skipped_with_their_row_number_and_reason() -> None:
    text = ("SKU,Qty,Price,Title\n"
            "A-1,3,9.99,Fine\n"
            ",3,9.99,No SKU\n"
            "A-3,-1,9.99,Negative\n"
            "A-4,2,1,234,Comma\n"
            "\n"
            "A-6,2,$5,<script>alert(1)</script>\n")
    _catalog, result = _import(text)
    assert [r.sku for r in result.rows] == ["A-1", "A-6"]
    assert result.rows[1].title == "<script>alert(1)</script>"  # text is data, kept as is
    assert [(i.row, i.reason) for i in result.skipped] == [
        (3, "no SKU"), (4, "quantity -1 is negative"),
        (5, "more cells than columns (a delimiter inside an unquoted value?)")]
    assert result.total_rows == 5 and result.bad_share == pytest.approx(3 / 5)
    assert result.needs_confirmation


def test_few_bad_rows_do_not_stop_the_import() -> None:
    text = "SKU,Qty\n" + "".join(f"S-{n},{n}\n" for n in range(19)) + "S-x,-4\n"
    _catalog, result = _import(text)
    assert len(result.rows) == 19 and result.bad_share == 0.05
    assert not result.needs_confirmation


def test_every_row_of_a_duplicate_sku_is_skipped() -> None:
    text = "SKU,Qty\nA-1,3\nB-1,1\na-1 ,4\nA-1,5\n"
    _catalog, result = _import(text)
    assert [r.sku for r in result.rows] == ["B-1"]
    assert [(i.row, i.reason) for i in result.skipped] == [
        (2, "SKU 'A-1' is on rows 2, 4, 5; none of them is imported"),
        (4, "SKU 'a-1' is on rows 2, 4, 5; none of them is imported"),
        (5, "SKU 'A-1' is on rows 2, 4, 5; none of them is imported")]
    # codes compare as scanners read them: without case and spaces, dashes still count
    text = "SKU,Qty\nA1,3\na 1,4\nA-1,2\n"
    assert [i.row for i in _import(text)[1].skipped] == [2, 3]


def test_bad_content_values_are_left_out_and_the_row_kept() -> None:
    long = "x" * (MAX_DESCRIPTION + 1)
    text = ("SKU,Qty,Description,Images,UPC,Weight\n"
            f"A-1,3,{long},javascript:alert(1)|ftp://x/y.jpg|https://ok.example/p.png,12AB,"
            "heavy\n"
            f"A-2,1,{'y' * MAX_DESCRIPTION},,0-12345-67890-5,1.5\n")
    _catalog, result = _import(text)
    first, second = result.rows
    assert (first.quantity, first.description, first.images, first.gtin, first.weight) == (
        3, None, ("https://ok.example/p.png",), "", None)
    assert [i.reason for i in result.issues if i.row == 2] == [
        "description is 10,001 characters (at most 10,000); left out",
        "UPC/GTIN '12AB' is not an 8 to 14 digit code; left out",
        "weight 'heavy' is not a size or weight; left out",
        "image 'javascript:alert(1)' is not an http(s) address; left out",
        "image 'ftp://x/y.jpg' is not an http(s) address; left out"]
    assert not any(i.skipped for i in result.issues)
    assert len(second.description or "") == MAX_DESCRIPTION and second.gtin == "012345678905"
    assert result.bad_share == 0


def test_a_saved_mapping_naming_a_missing_column_is_the_files_error() -> None:
    catalog = read_catalog_text(b"SKU,Qty\nA,1\n")
    mapping = ColumnMapping({"sku": "SKU", "price": "Our price"})
    with pytest.raises(CatalogFileError, match="no column named Our price"):
        validate_text(catalog, mapping)


def test_quoted_multiline_values_keep_row_numbers_per_record() -> None:
    text = 'SKU,Description,Qty\nA-1,"two\r\nlines",1\nA-2,plain,-1\n'
    _catalog, result = _import(text)
    assert result.rows[0].description == "two\nlines"
    assert [(i.row, i.sku) for i in result.skipped] == [(3, "A-2")]
