"""Factories for awkward shipments, and PDF inspection helpers."""
from __future__ import annotations

import io
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader

from app.domain.orders import Address
from app.slips import SlipLine, SlipShipment, Storefront
from tests.support.tools import ZBAR_HINT, require_tool


@pytest.fixture(scope="session")
def images(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("slip-images")
    logo = Image.new("RGBA", (420, 140), (0, 0, 0, 0))
    ImageDraw.Draw(logo).ellipse((5, 5, 135, 135), fill=(200, 30, 30, 255))
    logo.save(folder / "logo.png")
    Image.new("RGB", (1200, 900), (40, 160, 90)).save(folder / "thumb.jpg")
    (folder / "broken.png").write_bytes(b"not an image")
    return {"logo": folder / "logo.png", "thumb": folder / "thumb.jpg",
            "broken": folder / "broken.png", "missing": folder / "nope.png"}


def make_shipment(logo: Path | None = None, **changes) -> SlipShipment:
    store = Storefront("Acme Outdoor Supply", logo,
                       ("1200 Industrial Way", "Springfield, IL 62701"),
                       "+1 555 0100", "orders@acme.example")
    ship_to = Address("shipping", first_name="Jane", last_name="Doe", address_line_1="1 Main St",
                      city="Portland", state_code="OR", postal_code="97201", country="US")
    bill_to = Address("billing", first_name="John", last_name="Payer", company="Payer Inc",
                      address_line_1="9 Bill Rd", city="Salem", state_code="OR")
    values = dict(
        storefront=store, order_number="AC-100123", order_barcode="AC-100123",
        shipment_barcode="SPD-7F3A2C-15",
        lines=[SlipLine("TENT-2P", "Two-person tent", 2, unit_price=Decimal("149.99"),
                        bin_location="A-10", options_text="Color: Green"),
               SlipLine("MUG-1", "Enamel mug", 1, unit_price=Decimal("12.50"))],
        order_date=date(2024, 3, 5), ship_date=date(2024, 3, 6), shipping_method="UPS Ground",
        ship_to=ship_to, bill_to=bill_to, customer_email="jane@example.com",
        customer_phone="+1 555 0199")
    values.update(changes)
    return SlipShipment(**values)


def pages_text(pdf: bytes | Path) -> list[str]:
    data = pdf.read_bytes() if isinstance(pdf, Path) else pdf
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def page_bodies(texts: list[str]) -> list[str]:
    """Each page's text after its header and footer (footer: "Page n of N", then one line)."""
    pages = len(texts)
    return [text.split(f"Page {n} of {pages}", 1)[1].split("\n", 2)[2]
            for n, text in enumerate(texts, 1)]


def flat(text: str) -> str:
    """Extracted text with line breaks and runs of spaces made single spaces."""
    return " ".join(text.split())


def zbar_tools() -> None:
    require_tool("pdftoppm", "zbarimg", hint=ZBAR_HINT)


def decode_barcodes(pdf: Path, page: int, workdir: Path, dpi: int = 203) -> list[str]:
    """Code 128 values zbarimg reads on one page rendered at `dpi`, sorted."""
    prefix = workdir / f"{pdf.stem}-{page}-{dpi}"
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", "-f", str(page), "-l",
                    str(page), "-singlefile", str(pdf), str(prefix)], check=True,
                   capture_output=True)
    done = subprocess.run(["zbarimg", "-q", "--raw", "-Sdisable", "-Scode128.enable",
                           f"{prefix}.png"], capture_output=True, text=True)
    return sorted(done.stdout.split())
