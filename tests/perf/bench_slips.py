"""Benchmark: 1,000 single-page packing slips (real template: embedded fonts, both barcodes, a
logo) into one PDF, then a decode check of 3 random pages at 203 dpi.

    python tests/perf/bench_slips.py [--slips 1000] [--size letter|a4|4x6] [--out FILE]

Prints JSON figures. Target: <= 5 s for 1,000 slips on a 2-core machine.
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run as a script from anywhere

from app.domain.orders import Address
from app.slips import PageSize, SlipLine, SlipOptions, SlipShipment, Storefront, render_slips


def make_logo(path: Path) -> Path:
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (480, 160), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.ellipse((8, 8, 152, 152), fill=(190, 30, 40, 255))
    draw.rectangle((172, 50, 470, 110), fill=(20, 40, 140, 255))
    img.save(path)
    return path


def make_shipments(count: int, logo: Path, seed: int = 7) -> list[SlipShipment]:
    rnd = random.Random(seed)
    store = Storefront("Acme Outdoor Supply", logo,
                       ("1200 Industrial Way, Suite 4", "Springfield, IL 62701"),
                       "+1 555 0100", "orders@acme.example")
    out = []
    for i in range(count):
        order_id = 100000 + i
        lines = [SlipLine(sku=f"SKU-{rnd.randint(100, 999)}-{k}", name=f"Product {k} of order {i}",
                          quantity=rnd.randint(1, 3), options_text="Color: Blue, Size: M",
                          bin_location=f"{rnd.choice('ABCD')}-{rnd.randint(1, 30)}",
                          unit_price=Decimal("19.99"))
                 for k in range(rnd.randint(1, 4))]
        ship_to = Address("shipping", first_name="Jane", last_name=f"Doe {i}",
                          address_line_1=f"{i} Main Street", city="Portland", state_code="OR",
                          postal_code="97201", country="United States")
        out.append(SlipShipment(
            storefront=store, order_number=f"AC-{order_id}", order_barcode=f"AC-{order_id}",
            shipment_barcode=f"SPD-7F3A2C-{i + 1}", lines=lines, order_date=date(2024, 3, 5),
            ship_date=date(2024, 3, 6), shipping_method="UPS Ground", ship_to=ship_to,
            bill_to=ship_to, customer_email="jane@example.com", customer_notes="Leave at door."))
    return out


def decode_page(pdf: Path, page: int, workdir: Path) -> list[str]:
    """Barcodes zbarimg reads on one page rendered at 203 dpi (a thermal printer's grid)."""
    prefix = workdir / f"p{page}"
    subprocess.run(["pdftoppm", "-r", "203", "-gray", "-png", "-f", str(page), "-l", str(page),
                    "-singlefile", str(pdf), str(prefix)], check=True, capture_output=True)
    done = subprocess.run(["zbarimg", "-q", "--raw", "-Sdisable", "-Scode128.enable",
                           str(prefix) + ".png"], capture_output=True, text=True)
    return sorted(done.stdout.split())


def run(slips: int = 1000, size: str = "letter", out: Path | None = None,
        decode_pages: int = 3) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shipments = make_shipments(slips, make_logo(work / "logo.png"))
        pdf = out or work / "slips.pdf"
        start, cpu_start = time.perf_counter(), time.process_time()
        pages = render_slips(shipments, SlipOptions(page_size=PageSize(size)), pdf)
        seconds = time.perf_counter() - start
        cpu = time.process_time() - cpu_start  # less sensitive than wall time to a busy machine
        result = {"slips": slips, "page_size": size, "seconds": round(seconds, 3),
                  "cpu_seconds": round(cpu, 3),
                  "pages": pages, "pages_ok": pages == slips,
                  "slips_per_second": round(slips / seconds, 1),
                  "file_bytes": pdf.stat().st_size}
        tools = shutil.which("pdftoppm") and shutil.which("zbarimg")
        if not tools:
            result["decode"] = "skipped: pdftoppm/zbarimg not installed"
            return result
        checked = []
        for page in sorted(random.Random(slips).sample(range(1, pages + 1),
                                                       min(decode_pages, pages))):
            s = shipments[page - 1]
            expected = sorted([s.order_barcode, s.shipment_barcode])
            got = decode_page(pdf, page, work)
            checked.append({"page": page, "expected": expected, "decoded": got,
                            "ok": got == expected})
        result["decode"] = checked
        result["decode_ok"] = all(c["ok"] for c in checked)
        return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slips", type=int, default=1000)
    parser.add_argument("--size", default="letter", choices=[p.value for p in PageSize])
    parser.add_argument("--out", type=Path, default=None, help="keep the PDF here")
    args = parser.parse_args()
    result = run(args.slips, args.size, args.out)
    print(json.dumps(result, indent=2))
    return 0 if result["pages_ok"] and result.get("decode_ok", True) else 1


if __name__ == "__main__":
    sys.exit(main())
