"""Verification policy: may a shipment ship with units nobody scanned or confirmed?

A station chooses one policy (kept per station by the packing service):

- "ask" (default): shipping with unverified units needs the packer's confirmation and a reason;
  who confirmed, why and when are recorded with the shipment.
- "require": every unit must be scanned (or confirmed by hand) before the shipment ships.

Pure rules: the service and the packing screen both call `check_ship` on the same counts.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from app.domain.orders import Line
from app.domain.packing import PackingError

REASON_MAX = 200  # kept in the scan log's value column


class VerificationPolicy(StrEnum):
    ASK = "ask"
    REQUIRE = "require"

    @classmethod
    def parse(cls, value: str | None) -> VerificationPolicy:
        """A stored value; anything unknown (an older or damaged setting) is the default."""
        try:
            return cls((value or "").strip().lower())
        except ValueError:
            return DEFAULT_POLICY


DEFAULT_POLICY = VerificationPolicy.ASK
POLICY_LABELS = {
    VerificationPolicy.ASK: "Ask, and record who confirmed and why",
    VerificationPolicy.REQUIRE: "Require every unit scanned",
}


@dataclass(frozen=True)
class UnverifiedLine:
    line_id: int
    label: str  # "SKU  name", as the packer sees it
    units: int  # units of the line in the shipment
    verified: int

    @property
    def missing(self) -> int:
        return self.units - self.verified

    def __str__(self) -> str:
        return f"{self.label}: {self.verified} of {self.units} verified"


def unverified_lines(units: Mapping[int, int], verified: Mapping[int, int],
                     lines: Mapping[int, Line]) -> list[UnverifiedLine]:
    """The shipment's lines with fewer units verified than it holds."""
    found = []
    for line_id, held in units.items():
        done = min(verified.get(line_id, 0), held)
        if done < held:
            line = lines.get(line_id)
            label = (f"{line.sku}  {line.name}" if line.sku else line.name) if line \
                else f"line {line_id}"
            found.append(UnverifiedLine(line_id, label, held, done))
    return found


def listing(missing: list[UnverifiedLine]) -> str:
    return "\n".join(f"• {m}" for m in missing)


class UnverifiedUnits(PackingError):
    """Units are not verified: the packer must confirm, with a reason, to ship anyway."""

    def __init__(self, number: int, missing: list[UnverifiedLine]) -> None:
        count = sum(m.missing for m in missing)
        super().__init__(f"Shipment {number} has {count} unit(s) not verified:\n"
                         f"{listing(missing)}",
                         hint="Scan them, or confirm with a reason to ship anyway.")
        self.number = number
        self.missing = missing


class VerificationRequired(UnverifiedUnits):
    """This station requires every unit scanned: no shipping until they are."""

    def __init__(self, number: int, missing: list[UnverifiedLine]) -> None:
        super().__init__(number, missing)
        self.hint = ("This station requires every unit scanned before shipping; scan them "
                     "(or ✓ Confirm one without a barcode).")


def clean_reason(reason: str | None) -> str:
    """One line of plain text, at most REASON_MAX characters."""
    return " ".join((reason or "").split())[:REASON_MAX]


def check_ship(policy: VerificationPolicy, number: int, missing: list[UnverifiedLine],
               reason: str | None) -> str:
    """May shipment `number` ship? Returns the reason to record ("" when all is verified);
    raises VerificationRequired or UnverifiedUnits (the caller asks, then tries again)."""
    if not missing:
        return ""
    if policy is VerificationPolicy.REQUIRE:
        raise VerificationRequired(number, missing)
    reason = clean_reason(reason)
    if not reason:
        raise UnverifiedUnits(number, missing)
    return reason
