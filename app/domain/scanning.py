"""Scan-to-verify rules: what a scanned value is, and whether it is the right unit.

Pure: the caller brings the shipment's units and the codes each line answers to.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from app.domain import tracking
from app.domain.catalog import normalize_code

SHIPMENT_BARCODE_PREFIX = "S"  # slips print "S" + shipment_name
SHIPMENT_NAME_PREFIX = "PD-"
# Longest pause between two keys of one scan. Wedge scanners send 1-30 ms per key (slow ones,
# or a capital's Shift plus the key); people typing leave 80+ ms.
DEFAULT_MAX_GAP_MS = 50.0


class ScanResult(StrEnum):
    VERIFIED = "verified"
    MANUAL = "manual"  # confirmed by hand: an unscannable unit
    WRONG_ITEM = "wrong_item"
    OVER_SCAN = "over_scan"
    OPENED = "opened"  # a slip or tracking barcode opened a shipment
    UNKNOWN = "unknown"
    SHIPPED_UNVERIFIED = "shipped_unverified"  # shipped unscanned; the value is the reason


def code_key(code: str) -> str:
    """Compare codes the way scanners and stores disagree about them: case and spaces do not
    matter, and a UPC-A, EAN-13 and GTIN-14 of one item are the same number zero-padded."""
    normalized = normalize_code(code)
    if normalized.isdigit() and len(normalized) in (8, 12, 13, 14):
        return normalized.zfill(14)
    return normalized


def shipment_name_in(value: str) -> str | None:
    """The shipment name a slip's shipment barcode carries ("SPD-7F3A2C-15"), or a typed one."""
    text = value.strip().upper()
    if text.startswith(SHIPMENT_BARCODE_PREFIX + SHIPMENT_NAME_PREFIX):
        return text[len(SHIPMENT_BARCODE_PREFIX):]
    if text.startswith(SHIPMENT_NAME_PREFIX):
        return text
    return None


_ORDER_BARCODE = re.compile(r"[A-Z][A-Z0-9]*-[0-9]+")  # a slip's order barcode: "AC-100123"


def is_slip_barcode(value: str) -> bool:
    """A packing slip's barcode rather than a carrier label: a shipment barcode, or an order
    barcode (prefix + id) that no carrier's tracking format matches. A tracking field takes any
    code, so without this another order's slip scanned there became its tracking number."""
    if shipment_name_in(value) is not None:
        return True
    text = value.strip().upper()
    return bool(_ORDER_BARCODE.fullmatch(text)) and tracking.detect_carrier(text) is None


@dataclass(frozen=True)
class UnitCheck:
    result: ScanResult
    line_id: int | None = None
    verified: int = 0  # of that line, after this scan
    needed: int = 0  # of that line in the shipment


def check_unit(code: str, units: Mapping[int, int], verified: Mapping[int, int],
               line_codes: Mapping[int, Iterable[str]]) -> UnitCheck:
    """Is `code` one more unit this shipment still needs?

    `units`: line_id -> units in the shipment; `verified`: line_id -> units already confirmed;
    `line_codes`: line_id -> every code the line answers to (SKU, GTIN/UPC, MPN, variant codes).
    A code matching several lines verifies the first that still needs a unit.
    """
    key = code_key(code)
    matching = [line_id for line_id, codes in line_codes.items()
                if line_id in units and key in {code_key(c) for c in codes if c}]
    if not matching:
        return UnitCheck(ScanResult.WRONG_ITEM)
    for line_id in matching:
        if verified.get(line_id, 0) < units[line_id]:
            return UnitCheck(ScanResult.VERIFIED, line_id, verified.get(line_id, 0) + 1,
                             units[line_id])
    line_id = matching[0]
    return UnitCheck(ScanResult.OVER_SCAN, line_id, verified.get(line_id, 0), units[line_id])


def unit_shipment(value: str, active: int | None, movable: Sequence[int]) -> int | None:
    """With an order open, a scan is first a unit of its active shipment (of its first open
    one when the active one is not open): the shipment to check `value` against. None: the
    scan opens what it names instead (a slip's barcode, or no open shipment to check)."""
    if shipment_name_in(value) is not None:
        return None
    if active in movable:
        return active
    return movable[0] if movable else None


def all_verified(units: Mapping[int, int], verified: Mapping[int, int]) -> bool:
    return bool(units) and all(verified.get(i, 0) >= n for i, n in units.items())


class BurstDetector:
    """Tells a keyboard-wedge scanner from a person typing, by timing alone.

    Scanners "type" a whole code within a few milliseconds per key and end with Enter; people
    leave 50+ ms between keys. Feed every key with its time; `enter()` returns the scanned value
    when the keys since the last pause came as a burst, else None (the keys were typing).
    """

    def __init__(self, *, max_gap_ms: float = DEFAULT_MAX_GAP_MS, min_length: int = 3,
                 prefix: str = "", suffix: str = "") -> None:
        self.max_gap_ms = max_gap_ms
        self.min_length = min_length
        self.prefix = prefix
        self.suffix = suffix
        self._keys: list[str] = []
        self._last_ms: float | None = None

    def key(self, text: str, at_ms: float) -> bool:
        """Record a printable key. Returns True while the keys look like a scan in progress."""
        if self._last_ms is not None and at_ms - self._last_ms > self.max_gap_ms:
            self._keys = []  # a pause: whatever came before was typing
        self._keys.append(text)
        self._last_ms = at_ms
        return len(self._keys) >= 2

    def touch(self, at_ms: float) -> None:
        """A key that types nothing (Shift, AltGr) within a burst: scanners press Shift for
        every capital, so it keeps the burst going instead of ending it."""
        if self._keys and self._last_ms is not None \
                and at_ms - self._last_ms <= self.max_gap_ms:
            self._last_ms = at_ms

    def enter(self, at_ms: float) -> str | None:
        keys, last = self._keys, self._last_ms
        self.reset()
        if last is None or at_ms - last > self.max_gap_ms or len(keys) < self.min_length:
            return None
        value = "".join(keys)
        if self.prefix and value.startswith(self.prefix):
            value = value[len(self.prefix):]
        if self.suffix and value.endswith(self.suffix):
            value = value[:-len(self.suffix)]
        value = value.strip()
        return value or None

    def pending(self) -> str:
        """Keys held back so far (given back to the focused field if they were typing)."""
        return "".join(self._keys)

    def reset(self) -> None:
        self._keys = []
        self._last_ms = None


# --- keyboard layouts --------------------------------------------------------------------------
# A wedge scanner sends key positions, which the station reads with ITS layout. A scanner set to
# US on a French AZERTY station sends the digit row unshifted: "1047" arrives as "&à'è"; an AZERTY
# scanner on a US station shifts the digit row: "1047" arrives as "!)$&". Each table maps what
# the station received back to what the scanner meant.
_US_ON_AZERTY = str.maketrans({
    "&": "1", "é": "2", '"': "3", "'": "4", "(": "5", "-": "6", "è": "7", "_": "8", "ç": "9",
    "à": "0", ")": "-", "°": "_", "a": "q", "z": "w", "q": "a", "w": "z", "A": "Q", "Z": "W",
    "Q": "A", "W": "Z", ",": "m", "?": "M", "m": ";", ";": ",", ":": ".", "!": "/"})
_AZERTY_ON_US = str.maketrans({
    "!": "1", "@": "2", "#": "3", "$": "4", "%": "5", "^": "6", "&": "7", "*": "8", "(": "9",
    ")": "0", "6": "-", "-": ")", "a": "q", "z": "w", "q": "a", "w": "z", "A": "Q", "Z": "W",
    "Q": "A", "W": "Z", ";": "m", ":": "M", "m": ","})
# The digit row as each mismatch delivers it: the signature looked for ("-" and ")" are left
# out: codes have them)
_LAYOUT_SIGNATURES = (
    ("US (QWERTY)", "French (AZERTY)", frozenset("&é\"'(è_çà"), _US_ON_AZERTY),
    ("French (AZERTY)", "US (QWERTY)", frozenset("!@#$%^&*("), _AZERTY_ON_US),
)


@dataclass(frozen=True)
class LayoutMismatch:
    scanner_layout: str  # what the scanner seems set to
    station_layout: str  # what this station's keyboard seems set to
    received: str
    meant: str  # the value read back through the scanner's layout


def keyboard_layout_mismatch(value: str) -> LayoutMismatch | None:
    """A scanned value whose digits came through the wrong keyboard layout, or None.

    Barcodes are nearly all digits; a value with two or more digit-row symbols of one mismatch
    and fewer real digits than those symbols is that mismatch (codes never look like that)."""
    digits = sum(ch in "0123456789" for ch in value)
    for scanner, station, signature, table in _LAYOUT_SIGNATURES:
        symbols = sum(ch in signature for ch in value)
        if symbols >= 2 and symbols > digits:
            return LayoutMismatch(scanner, station, value, value.translate(table))
    return None
