"""Reading a merchant's catalog file: decoding, delimiter, and which column holds what.

The file is a supplier or ERP export. Its bytes are decoded as UTF-8 (with or without a BOM),
else as Windows-1252 (what Excel writes on Windows); the delimiter is sniffed by the standard
library's csv.Sniffer. A file that cannot be read at all raises CatalogFileError and nothing
is imported; row-level problems are the validator's (app/domain/catalog_import.py).
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from app.errors import ConfigurationError

DELIMITERS = ",;\t|"
SNIFF_BYTES = 64 * 1024

# What a catalog column may hold. Options (variant options such as Color, Size) are mapped
# apart, as option name -> column.
FIELDS = ("sku", "parent_sku", "gtin", "mpn", "title", "description", "price", "quantity",
          "weight", "length", "width", "height", "categories", "images")

# Header names suppliers use, compared without case, spaces, dashes, underscores or dots.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "sku": ("sku", "itemnumber", "item#", "itemno", "productcode", "partnumber", "variantsku"),
    "parent_sku": ("parentsku", "parent", "parentitemnumber", "groupsku", "productsku"),
    "gtin": ("gtin", "upc", "ean", "barcode", "upcgtin", "upc/gtin", "upc/ean", "gtin13",
             "gtin12", "isbn"),
    "mpn": ("mpn", "manufacturerpartnumber", "mfrpartnumber", "mfgpartnumber", "mfr#"),
    "title": ("title", "name", "productname", "itemname", "producttitle"),
    "description": ("description", "longdescription", "productdescription", "body", "bodyhtml"),
    "price": ("price", "saleprice", "sellingprice", "ourprice", "yourprice", "retailprice",
              "listprice", "msrp"),
    "quantity": ("quantity", "qty", "stock", "quantityonhand", "qtyonhand", "inventory",
                 "onhand", "available", "qtyavailable"),
    "weight": ("weight", "shippingweight", "weightlb", "weightlbs"),
    "length": ("length", "len", "depth"),
    "width": ("width",),
    "height": ("height",),
    "categories": ("categories", "category", "categorypath", "productcategory"),
    "images": ("images", "image", "imageurl", "imageurls", "picture", "pictures", "imagesrc"),
}
_OPTION_HEADER = re.compile(r"^\s*(?:option|variant(?:\s*option)?)\s*[:\-]?\s*(?P<name>\S.*)$",
                            re.IGNORECASE)


class CatalogFileError(ConfigurationError):
    """The file cannot be read as a catalog (encoding, binary, no SKU column): nothing is
    imported."""


@dataclass(frozen=True)
class ColumnMapping:
    """Which header holds each field (saved per catalog source, so it is chosen once)."""

    columns: Mapping[str, str] = field(default_factory=dict)  # field -> header
    options: Mapping[str, str] = field(default_factory=dict)  # option name -> header

    def as_dict(self) -> dict[str, Any]:
        return {"columns": dict(self.columns), "options": dict(self.options)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> ColumnMapping:
        data = data or {}
        columns = {k: str(v) for k, v in (data.get("columns") or {}).items() if k in FIELDS}
        return cls(columns, {str(k): str(v) for k, v in (data.get("options") or {}).items()})

    def missing_headers(self, headers: list[str]) -> list[str]:
        present = set(headers)
        return [h for h in [*self.columns.values(), *self.options.values()] if h not in present]


def _key(header: str) -> str:
    return re.sub(r"[\s_\-.()]", "", header).lower()


def guess_mapping(headers: list[str]) -> ColumnMapping:
    """The mapping a preview proposes: each field's first header among its known names."""
    columns: dict[str, str] = {}
    options: dict[str, str] = {}
    for header in headers:
        option = _OPTION_HEADER.match(header)
        if option and _key(option["name"]) != "sku":
            options.setdefault(option["name"].strip(), header)
            continue
        for name, synonyms in _SYNONYMS.items():
            if name not in columns and _key(header) in synonyms:
                columns[name] = header
                break
    return ColumnMapping(columns, options)


@dataclass(frozen=True)
class CatalogText:
    """A decoded catalog file: its text, how it was decoded, its delimiter and header."""

    text: str
    encoding: str  # utf-8 | utf-8-sig | cp1252
    delimiter: str
    headers: list[str]

    def records(self) -> Iterator[dict[str, str]]:
        """Each data row as header -> value ("" for a missing cell); extra cells are dropped
        by the validator, which sees them under the key "" (see catalog_import)."""
        reader = csv.reader(io.StringIO(self.text, newline=""), delimiter=self.delimiter)
        next(reader, None)  # the header
        width = len(self.headers)
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                yield {}  # a blank line still counts as a row, so row numbers stay true
                continue
            record = dict(zip(self.headers, cells, strict=False))
            if len(cells) > width:
                record[""] = self.delimiter.join(cells[width:])
            yield record


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-8 with or without BOM, else Windows-1252. Raises CatalogFileError
    for what is no text at all (NUL bytes: a spreadsheet or archive, not CSV)."""
    if not data.strip():
        raise CatalogFileError("The catalog file is empty.")
    if b"\x00" in data[:SNIFF_BYTES]:
        raise CatalogFileError("The catalog file is not text (an Excel workbook or another "
                               "binary file?). Save it as CSV and import that.")
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data.decode("utf-8-sig"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise CatalogFileError(f"The catalog file starts as UTF-8 but byte {exc.start} is "
                                   "not UTF-8. Save it again as UTF-8 CSV.") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise CatalogFileError(f"The catalog file is neither UTF-8 nor Windows-1252 text (byte "
                               f"{exc.start}). Save it as UTF-8 CSV.") from None


def sniff_delimiter(text: str) -> str:
    """The delimiter among , ; tab |, by csv.Sniffer on the first lines; when the sniffer
    cannot tell (one column, few rows), the one the header line holds most of."""
    sample = text[:SNIFF_BYTES]
    if len(text) > SNIFF_BYTES and "\n" in sample:
        sample = sample[:sample.rfind("\n")]  # whole lines only
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        header = sample.splitlines()[0] if sample else ""
        return max(DELIMITERS, key=header.count) if any(d in header for d in DELIMITERS) \
            else ","


def read_catalog_text(data: bytes, *, delimiter: str | None = None) -> CatalogText:
    """Decode, sniff (unless `delimiter` is given) and read the header row."""
    text, encoding = decode(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    chosen = delimiter or sniff_delimiter(text)
    header_row = next(csv.reader(io.StringIO(text, newline=""), delimiter=chosen), [])
    headers = [h.strip() for h in header_row]
    if not any(headers):
        raise CatalogFileError("The catalog file has no header row (the first line names the "
                               "columns: SKU, Quantity, Price...).")
    duplicates = sorted({h for h in headers if h and headers.count(h) > 1})
    if duplicates:
        raise CatalogFileError(f"The catalog file names a column twice: {', '.join(duplicates)}."
                               " Rename one and import again.")
    return CatalogText(text, encoding, chosen, headers)
