"""Catalog rows from a merchant's file: each value checked, each bad row named with its reason.

Rules (the issue's "bad input"):
- A row is skipped (and listed with its row number and reason) when what sync would send is
  wrong or missing: no SKU, a SKU that repeats in the file (every row of it: which one is right
  is unknown), a price or quantity that is no number, negative, ambiguous ("1,234": a thousands
  or a decimal comma?) or finer than a cent.
- A content value that is wrong (a weight that is no number, an image URL that is not http(s),
  a GTIN that is no 8-14 digit code, a description over 10,000 characters) is left out of the
  row with a warning; the row itself still imports, so its quantity and price are not lost.
- Text is data: markup in a title stays as the characters it is, never interpreted.
Row numbers are the spreadsheet's: the header is row 1, the first data row is row 2.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from app.domain.catalog import normalize_code
from app.domain.catalog_file import CatalogText, ColumnMapping

MAX_DESCRIPTION = 10_000
MAX_TITLE = 255
DEFAULT_STOP_SHARE = 0.10  # over this share of bad rows an import stops and asks
_CURRENCY = re.compile(r"^(?:[A-Z]{3}\s*)?[$€£¥]?\s*|\s*[$€£¥]?(?:\s*[A-Z]{3})?$")
_CENT = Decimal("0.01")
_PLAIN_MONEY = re.compile(r"\d{1,12}(?:\.\d{1,2})?")  # the usual case, parsed without more ado
_DOT_GROUPS = re.compile(r"\d{1,3}(?:\.\d{3})+")
_COMMA_GROUPS = re.compile(r"\d{1,3}(?:,\d{3})+")
_CODE_SEPARATORS = re.compile(r"[\s\-]")
_IMAGE_SEPARATORS = re.compile(r"[|\s]+")
_WEB_ADDRESS = re.compile(r"^https?://[^\s/]+", re.IGNORECASE)


@dataclass(frozen=True)
class CatalogRow:
    """One valid row of a catalog file. None = the file does not say (the store's value is
    left as it is); money is Decimal, never float."""

    row: int
    sku: str
    parent_sku: str = ""
    gtin: str = ""
    mpn: str = ""
    title: str = ""
    description: str | None = None
    price: Decimal | None = None
    quantity: int | None = None
    weight: Decimal | None = None
    length: Decimal | None = None
    width: Decimal | None = None
    height: Decimal | None = None
    categories: tuple[tuple[str, ...], ...] = ()  # each a path: ("Shoes", "Running")
    images: tuple[str, ...] = ()
    options: tuple[tuple[str, str], ...] = ()  # (name, value): ("Color", "Red")

    @property
    def key(self) -> str:
        return normalize_code(self.sku)


@dataclass(frozen=True)
class RowIssue:
    row: int
    reason: str
    skipped: bool  # True: the row was not imported; False: one value was left out
    sku: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "sku": self.sku, "reason": self.reason,
                "skipped": self.skipped}


@dataclass(frozen=True)
class CatalogImport:
    """What a file would import: its good rows and every issue, row by row."""

    rows: list[CatalogRow]
    issues: list[RowIssue]
    total_rows: int = 0
    stop_share: float = DEFAULT_STOP_SHARE

    @property
    def skipped(self) -> list[RowIssue]:
        return [i for i in self.issues if i.skipped]

    @property
    def bad_share(self) -> float:
        return len({i.row for i in self.skipped}) / self.total_rows if self.total_rows else 0.0

    @property
    def needs_confirmation(self) -> bool:
        """Too many bad rows: a wrong file or a wrong mapping more likely than a few typos."""
        return self.bad_share > self.stop_share


class _Skip(Exception):
    pass


class _RowReader:
    def __init__(self, row: int, record: Mapping[str, str], mapping: ColumnMapping) -> None:
        self.row = row
        self.record = record
        self.mapping = mapping
        self.warnings: list[str] = []
        # Each mapped cell stripped once (a 100,000-row file asks for each several times).
        self.values = {name: (record.get(header) or "").strip()
                       for name, header in mapping.columns.items()}

    def text(self, name: str) -> str:
        return self.values.get(name, "")

    def present(self, name: str) -> bool:
        return bool(self.values.get(name))


def parse_money(text: str) -> Decimal:
    """'$1,234.50', '12,50 €', 'USD 9.99' -> Decimal. Raises ValueError with the reason."""
    if _PLAIN_MONEY.fullmatch(text):
        return Decimal(text).quantize(_CENT)
    cleaned = _CURRENCY.sub("", text.strip()).replace(" ", "").replace("\u00a0", "")
    if "," in cleaned and "." in cleaned:
        # Both: the last one is the decimal mark ("1,234.50" and "1.234,50").
        if cleaned.rfind(",") > cleaned.rfind("."):
            cleaned = cleaned.replace(".", "").replace(",", ".")
        else:
            cleaned = cleaned.replace(",", "")
    elif "," in cleaned:
        whole, _, frac = cleaned.rpartition(",")
        if cleaned.count(",") == 1 and len(frac) == 3:
            raise ValueError(f"'{text}' could be {whole}{frac} or {whole}.{frac}: write it "
                             "with a decimal point")
        cleaned = cleaned.replace(",", ".") if cleaned.count(",") == 1 else cleaned.replace(
            ",", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"'{text}' is not a price") from None
    if not value.is_finite():
        raise ValueError(f"'{text}' is not a price")
    if value < 0:
        raise ValueError(f"price {text} is negative")
    if value != value.quantize(_CENT):
        raise ValueError(f"price {text} is finer than a cent")
    return value.quantize(_CENT)


def parse_quantity(text: str) -> int:
    cleaned = text.strip()
    if cleaned.isdigit():
        return int(cleaned)
    if _DOT_GROUPS.fullmatch(cleaned):
        raise ValueError(f"quantity '{text}' could be {cleaned.replace('.', '')} or "
                         f"{cleaned}: write it without a separator")
    if _COMMA_GROUPS.fullmatch(cleaned):
        cleaned = cleaned.replace(",", "")  # thousands: a whole number has no decimal comma
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"quantity '{text}' is not a number") from None
    if not value.is_finite() or value != value.to_integral_value():
        raise ValueError(f"quantity '{text}' is not a whole number")
    if value < 0:
        raise ValueError(f"quantity {text} is negative")
    return int(value)


def _measure(reader: _RowReader, name: str) -> Decimal | None:
    if not reader.present(name):
        return None
    text = reader.text(name)
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or value < 0:
        reader.warnings.append(f"{name} '{text}' is not a size or weight; left out")
        return None
    return value


def _gtin(reader: _RowReader) -> str:
    text = reader.text("gtin")
    code = _CODE_SEPARATORS.sub("", text)
    if code and not (code.isdigit() and 8 <= len(code) <= 14):
        reader.warnings.append(f"UPC/GTIN '{text}' is not an 8 to 14 digit code; left out")
        return ""
    return code


def _images(reader: _RowReader) -> tuple[str, ...]:
    urls = []
    for url in _IMAGE_SEPARATORS.split(reader.text("images")):
        if not url:
            continue
        if _WEB_ADDRESS.match(url):
            urls.append(url)
        else:
            reader.warnings.append(f"image '{url[:80]}' is not an http(s) address; left out")
    return tuple(urls)


def _categories(reader: _RowReader) -> tuple[tuple[str, ...], ...]:
    """'Shoes > Running | Sale' -> (("Shoes", "Running"), ("Sale",)); '/' also separates
    levels when there is no '>'."""
    paths = []
    for entry in reader.text("categories").split("|"):
        separator = ">" if ">" in entry else "/"
        path = tuple(part.strip() for part in entry.split(separator) if part.strip())
        if path and path not in paths:
            paths.append(path)
    return tuple(paths)


def _row(reader: _RowReader) -> CatalogRow:
    sku = reader.text("sku")
    if not sku:
        raise _Skip("no SKU")
    if reader.record.get(""):
        raise _Skip("more cells than columns (a delimiter inside an unquoted value?)")
    values: dict[str, Any] = {}
    for name, parse in (("price", parse_money), ("quantity", parse_quantity)):
        if reader.present(name):
            try:
                values[name] = parse(reader.text(name))
            except ValueError as exc:
                raise _Skip(str(exc)) from None
    title = reader.text("title")
    if len(title) > MAX_TITLE:
        reader.warnings.append(f"title is {len(title):,} characters (at most {MAX_TITLE}); "
                               "left out")
        title = ""
    description: str | None = reader.text("description") if reader.present(
        "description") else None
    if description is not None and len(description) > MAX_DESCRIPTION:
        reader.warnings.append(f"description is {len(description):,} characters (at most "
                               f"{MAX_DESCRIPTION:,}); left out")
        description = None
    options = tuple((name, (reader.record.get(header) or "").strip())
                    for name, header in reader.mapping.options.items()
                    if (reader.record.get(header) or "").strip())
    return CatalogRow(
        row=reader.row, sku=sku, parent_sku=reader.text("parent_sku"), gtin=_gtin(reader),
        mpn=reader.text("mpn"), title=title, description=description,
        weight=_measure(reader, "weight"), length=_measure(reader, "length"),
        width=_measure(reader, "width"), height=_measure(reader, "height"),
        categories=_categories(reader), images=_images(reader), options=options, **values)


def validate(records: Iterable[Mapping[str, str]], mapping: ColumnMapping, *,
             first_row: int = 2, stop_share: float = DEFAULT_STOP_SHARE) -> CatalogImport:
    """Every record checked; duplicate SKUs (compared as scanners do) skip all their rows."""
    rows: list[CatalogRow] = []
    issues: list[RowIssue] = []
    total = 0
    for number, record in enumerate(records, start=first_row):
        if not record:
            continue  # a blank line: no row at all
        total += 1
        reader = _RowReader(number, record, mapping)
        try:
            row = _row(reader)
        except _Skip as exc:
            issues.append(RowIssue(number, str(exc), True, reader.text("sku")))
            continue
        issues.extend(RowIssue(number, w, False, row.sku) for w in reader.warnings)
        rows.append(row)
    by_key: dict[str, list[int]] = {}
    for row in rows:
        by_key.setdefault(row.key, []).append(row.row)
    repeated = {k: v for k, v in by_key.items() if len(v) > 1}
    if repeated:
        kept = []
        for row in rows:
            numbers = repeated.get(row.key)
            if numbers is None:
                kept.append(row)
                continue
            issues.append(RowIssue(row.row, f"SKU '{row.sku}' is on rows "
                                   f"{', '.join(map(str, numbers))}; none of them is imported",
                                   True, row.sku))
        rows = kept
    issues.sort(key=lambda i: i.row)
    return CatalogImport(rows, issues, total, stop_share)


def validate_text(catalog: CatalogText, mapping: ColumnMapping, *,
                  stop_share: float = DEFAULT_STOP_SHARE) -> CatalogImport:
    """Validate a decoded file; a mapping without a SKU column, or naming headers the file
    lacks, is the file's error (CatalogFileError), not each row's."""
    from app.domain.catalog_file import CatalogFileError

    if "sku" not in mapping.columns:
        raise CatalogFileError(
            f"No SKU column found among: {', '.join(catalog.headers[:12])}"
            f"{' ...' if len(catalog.headers) > 12 else ''}. Map the SKU column (or check the "
            "delimiter: the file was read with "
            f"{'tab' if catalog.delimiter == chr(9) else repr(catalog.delimiter)}).")
    missing = mapping.missing_headers(catalog.headers)
    if missing:
        raise CatalogFileError(f"The file has no column named {', '.join(missing)} (the saved "
                               "mapping of this source). Map the columns again.")
    return validate(catalog.records(), mapping, stop_share=stop_share)
