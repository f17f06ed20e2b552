"""Tracking numbers checked against the carrier's format (pure).

    reduce_scanned(raw)       -> the tracking number inside a scanned label barcode
    detect_carrier(number)    -> "UPS" / "USPS" / "FedEx" / "DHL" / "Canada Post", or None
    check(carrier, number)    -> a warning for the packer, or None when it fits (or is unknown)

Check digits are verified wherever the format defines one (UPS mod 10, USPS/GS1 mod 10, FedEx
mod 11 and mod 10, DHL Express mod 7, UPU S10 mod 11): a number that merely has the right length
is not taken for a carrier's. A carrier we know no format for (the store's own shipping
providers, a local courier) is never checked. A mismatch is a warning, never a refusal: carriers
add formats, and the packer holding the label decides.
"""
from __future__ import annotations

import re

UPS, USPS, FEDEX, DHL, CANADA_POST = "UPS", "USPS", "FedEx", "DHL", "Canada Post"
KNOWN_CARRIERS = (UPS, FEDEX, USPS, DHL, CANADA_POST)

# Names a store or a packer uses for the carriers whose formats we know (casefolded).
_ALIASES = {
    "ups": UPS, "united parcel service": UPS,
    "usps": USPS, "us postal service": USPS, "u.s. postal service": USPS,
    "united states postal service": USPS,
    "fedex": FEDEX, "fed ex": FEDEX, "federal express": FEDEX,
    "dhl": DHL, "dhl express": DHL, "dhl ecommerce": DHL, "dhl e-commerce": DHL,
    "canada post": CANADA_POST, "postes canada": CANADA_POST, "canadapost": CANADA_POST,
}

EXAMPLES = {
    UPS: "1Z + 16 letters or digits",
    USPS: "20 or 22 digits (92…, 93…, 94…, 95…) or XX123456789US",
    FEDEX: "12, 15, 20 or 22 digits",
    DHL: "10 digits, or GM/LX/RX… for DHL eCommerce",
    CANADA_POST: "16 digits or XX123456789CA",
}


# --- check digits ---------------------------------------------------------------------------

def _value(char: str) -> int:
    """UPS's digit for a letter: A=2, B=3 ... (ASCII - 63) mod 10."""
    return int(char) if char.isdigit() else (ord(char) - 63) % 10


def _ups_ok(number: str) -> bool:
    body, check = number[2:-1], number[-1]
    total = sum(_value(c) * (2 if i % 2 else 1) for i, c in enumerate(body))
    return check.isdigit() and (10 - total % 10) % 10 == int(check)


def _gs1_ok(digits: str) -> bool:
    """GS1 mod 10: weights 3, 1, 3... from the digit left of the check digit."""
    total = sum(int(c) * (3 if i % 2 == 0 else 1) for i, c in enumerate(reversed(digits[:-1])))
    return (10 - total % 10) % 10 == int(digits[-1])


def _fedex12_ok(digits: str) -> bool:
    """FedEx Express: weights 3, 1, 7 from the left, sum mod 11 mod 10."""
    total = sum(int(c) * (3, 1, 7)[i % 3] for i, c in enumerate(digits[:11]))
    return total % 11 % 10 == int(digits[11])


def _dhl_ok(digits: str) -> bool:
    return int(digits[:-1]) % 7 == int(digits[-1])


def _s10_ok(number: str) -> bool:
    """UPU S10 (XX123456789CC): weights 8 6 4 2 3 5 9 7, 11 - sum mod 11 (10 -> 0, 11 -> 5)."""
    total = sum(int(c) * w for c, w in zip(number[2:10], (8, 6, 4, 2, 3, 5, 9, 7), strict=True))
    check = 11 - total % 11
    return {10: 0, 11: 5}.get(check, check) == int(number[10])


# --- formats per carrier ----------------------------------------------------------------------

_DIGITS = re.compile(r"^\d+$")
_UPS = re.compile(r"^1Z[A-Z0-9]{16}$")
_S10 = re.compile(r"^[A-Z]{2}\d{9}([A-Z]{2})$")
_DHL_ECOMMERCE = re.compile(r"^(GM|LX|RX|UV|CN|SG|TH|IN|HK|MY)\d{10,39}$")
_DHL_PIECE = re.compile(r"^J[A-Z]{2,3}\d{9,10}$")


def _usps(n: str) -> bool:
    if _S10.match(n):
        return n.endswith("US") and _s10_ok(n)
    if not _DIGITS.match(n):
        return False
    if len(n) == 20:  # older 20-digit numbers; some carry an implied "91" application id
        return _gs1_ok(n) or _gs1_ok("91" + n)
    return len(n) in (22, 26) and n[:2] in ("91", "92", "93", "94", "95") and _gs1_ok(n)


def _fedex(n: str) -> bool:
    if not _DIGITS.match(n):
        return False
    if len(n) == 12:
        return _fedex12_ok(n)
    if len(n) == 15:  # Ground
        return _gs1_ok(n)
    if len(n) == 20:  # SmartPost / Ground Economy: an implied "92" application id
        return _gs1_ok("92" + n)
    if len(n) == 22:  # Ground "96" barcode, or SmartPost's IMpb "92"
        return (n.startswith("96") and _gs1_ok(n[7:])) or (n.startswith("92") and _gs1_ok(n))
    return False


def _dhl(n: str) -> bool:
    if _DHL_ECOMMERCE.match(n) or _DHL_PIECE.match(n):
        return True
    return bool(_DIGITS.match(n)) and len(n) in (10, 11) and _dhl_ok(n)


def _canada_post(n: str) -> bool:
    if _S10.match(n):
        return n.endswith("CA") and _s10_ok(n)
    return bool(_DIGITS.match(n)) and len(n) == 16 and _gs1_ok(n)


_MATCHERS = {UPS: lambda n: bool(_UPS.match(n)) and _ups_ok(n), USPS: _usps, FEDEX: _fedex,
             DHL: _dhl, CANADA_POST: _canada_post}


# --- the API ----------------------------------------------------------------------------------

def clean(raw: str) -> str:
    """As typed or scanned: no spaces, no GS1 separators or symbology prefix, upper case."""
    text = raw.strip()
    if text.startswith("]") and len(text) > 3:  # AIM symbology identifier, e.g. "]C1"
        text = text[3:]
    return re.sub(r"[\s\x1d\x1e\x04]", "", text).upper()


def reduce_scanned(raw: str) -> str:
    """The tracking number inside a scanned label barcode: USPS's "420"+ZIP routing prefix
    and FedEx's 34-digit (or Ground "96" 22-digit) barcode are reduced; anything else is
    returned cleaned."""
    number = clean(raw)
    if not _DIGITS.match(number):
        return number
    if number.startswith("420"):
        for zip_length in (5, 9):
            rest = number[3 + zip_length:]
            if len(rest) in (20, 22, 26) and _usps(rest):
                return rest
    if len(number) == 34 and _fedex12_ok(number[-12:]):
        return number[-12:]
    if len(number) == 22 and number.startswith("96") and _gs1_ok(number[7:]):
        return number[7:]
    return number


def carrier_key(carrier: str) -> str | None:
    """The known carrier a name stands for ("UPS Ground" -> UPS), or None (no known format)."""
    name = " ".join(carrier.casefold().split())
    if not name:
        return None
    if name in _ALIASES:
        return _ALIASES[name]
    for alias, key in _ALIASES.items():  # "FedEx Ground", "USPS Priority Mail"
        if name.startswith(alias + " "):
            return key
    return None


def carriers_of(number: str) -> list[str]:
    """Every known carrier whose format (check digit included) the number fits."""
    number = reduce_scanned(number)
    return [carrier for carrier, fits in _MATCHERS.items() if number and fits(number)]


def detect_carrier(number: str) -> str | None:
    """The carrier of a tracking number when exactly one known format fits."""
    found = carriers_of(number)
    return found[0] if len(found) == 1 else None


def check(carrier: str, number: str) -> str | None:
    """A warning when `number` does not fit `carrier`'s formats; None when it fits, when the
    carrier has no known format, or when there is no number."""
    key = carrier_key(carrier)
    number = reduce_scanned(number)
    if key is None or not number or _MATCHERS[key](number):
        return None
    others = [c for c in carriers_of(number) if c != key]
    if others:
        return (f"{number} looks like a {' or '.join(others)} tracking number, "
                f"not {carrier.strip()}.")
    return (f"{number} is not a {key} tracking number as far as PackDesk knows "
            f"({EXAMPLES[key]}).")


def carrier_choices(store_carriers: list[str] | tuple[str, ...] | set[str]) -> list[str]:
    """The carriers a packer picks from: the known ones, then the store's own providers."""
    known = {c.casefold() for c in KNOWN_CARRIERS}
    extra = sorted({c.strip() for c in store_carriers if c.strip()
                    and c.strip().casefold() not in known}, key=str.casefold)
    return [*KNOWN_CARRIERS, *extra]
