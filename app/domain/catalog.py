"""Products as the packer needs them: bin, image, and every code a scanner may read."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class VariantInfo:
    variant_inventory_id: int
    sku: str = ""
    gtin: str = ""
    description: str = ""
    image_url: str = ""


@dataclass(frozen=True)
class ProductInfo:
    product_id: int
    sku: str = ""
    name: str = ""
    gtin: str = ""
    mpn: str = ""
    weight: float = 0.0
    weight_unit: str = ""
    bin: str = ""
    image_url: str = ""
    is_non_shipping: bool = False
    variants: tuple[VariantInfo, ...] = ()

    def codes(self) -> list[tuple[str, str, int | None]]:
        """(code, kind, variant_inventory_id) for every scannable code of this product."""
        codes: list[tuple[str, str, int | None]] = [
            (self.sku, "sku", None), (self.gtin, "gtin", None), (self.mpn, "mpn", None)]
        for variant in self.variants:
            codes += [(variant.sku, "sku", variant.variant_inventory_id),
                      (variant.gtin, "gtin", variant.variant_inventory_id)]
        return [(normalize_code(code), kind, vid) for code, kind, vid in codes
                if normalize_code(code)]


def normalize_code(code: str) -> str:
    """Scanners and stores disagree on case and stray spaces; codes compare without them."""
    if " " not in code and code.isprintable():
        return code.upper()  # no whitespace at all (the rest is not printable): the usual case
    return "".join(code.split()).upper()
