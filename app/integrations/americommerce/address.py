"""The store address a user types, reduced to scheme + host + port.

Users type `mystore.americommerce.com`, a custom domain, or paste any URL they have open
(an admin page, an API call). We keep only the origin, because every API path is built from it,
and refuse what would send the token somewhere unexpected: user-info, plain http to a real host,
or a path that is not the store's admin or API (a shop page hints at a wrong address).
"""
from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import idna

from app.errors import ConfigurationError

_DEFAULT_PORTS = {"https": 443, "http": 80}
_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_LABEL_RE = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
# Paths a user may paste: the admin console and the API (OAuth included). Compared lower-case
# because the store's admin (ASP.NET) is case-insensitive.
_ALLOWED_PATH_ROOTS = ("/store/admin", "/api/v1", "/api/oauth")
_HINT = "Type the store's domain, for example mystore.americommerce.com."


@dataclass(frozen=True)
class StoreAddress:
    """Where a store's API lives. `host` is lower-case ASCII (IDN as punycode), without brackets."""

    scheme: str
    host: str
    port: int | None = None  # None = the scheme's default port

    @property
    def is_loopback(self) -> bool:
        return is_loopback_host(self.host)

    @property
    def _netloc(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port is None else f"{host}:{self.port}"

    @property
    def origin(self) -> str:
        return f"{self.scheme}://{self._netloc}"

    @property
    def api_base(self) -> str:
        return f"{self.origin}/api/v1"

    @property
    def oauth_base(self) -> str:
        return f"{self.origin}/api/oauth"

    @property
    def is_idn(self) -> bool:
        """An internationalized domain (typed in Unicode or as xn-- punycode): its letters may
        imitate another domain's (Cyrillic "аррӏе.com"), so the token waits for a confirmation."""
        return any(label.startswith("xn--") for label in self.host.split("."))

    @property
    def typed_form(self) -> str:
        """The address as a person types it: the Unicode domain, and the scheme only when it is
        not the one a bare domain gets (https, or http for a test store on loopback)."""
        host = _unicode_host(self.host)
        host = f"[{host}]" if ":" in host else host
        text = host if self.port is None else f"{host}:{self.port}"
        implied = "http" if self.is_loopback else "https"
        return text if self.scheme == implied else f"{self.scheme}://{text}"

    @property
    def display(self) -> str:
        """What to show people: the typed form, with the xn-- form beside an international
        domain so a lookalike cannot pass for the domain it imitates."""
        return f"{self.typed_form} ({self.host})" if self.is_idn else self.typed_form

    def admin_order_url(self, order_id: int | str) -> str:
        order = quote(str(order_id), safe="")
        return f"{self.origin}/store/admin/orders/viewOrder.aspx?orderid={order}"

    def __str__(self) -> str:
        return self.display


def parse_store_address(text: str) -> StoreAddress:
    """Parse what a user typed or pasted as the store; raise ConfigurationError if unusable."""
    raw = (text or "").strip()
    if not raw:
        raise ConfigurationError("Enter the store's address.", hint=_HINT)
    if any(ch.isspace() for ch in raw):
        raise ConfigurationError(f"The store address {raw!r} contains spaces.", hint=_HINT)
    try:
        parts = urlsplit(raw if _SCHEME_RE.match(raw) else f"https://{raw}")
    except ValueError:  # e.g. an unclosed "[" of an IPv6 address
        raise ConfigurationError(f"{raw!r} is not a store address.", hint=_HINT) from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise ConfigurationError(f"The store address must start with https:// (got {scheme}://).",
                                 hint=_HINT)
    if "@" in parts.netloc:
        # user:pw@host would put a password in settings and logs; stores never need it.
        raise ConfigurationError("The store address must not contain a user name or password.",
                                 hint=_HINT)
    host = _normalize_host(parts.netloc, parts.hostname)
    if not _SCHEME_RE.match(raw) and is_loopback_host(host):
        # A bare loopback address is a test store on this computer (the sandbox): plain http.
        scheme = "http"
    port = _parse_port(parts.netloc, host)
    _check_path(parts.path)
    if scheme == "http" and not is_loopback_host(host):
        raise ConfigurationError(
            f"The store {_unicode_host(host)} must be reached with https://, not http://: "
            "the access token would travel unencrypted.",
            hint="Use https:// (plain http is only allowed for a test store on this computer).")
    if port == _DEFAULT_PORTS[scheme]:
        port = None
    return StoreAddress(scheme=scheme, host=host, port=port)


def is_loopback_host(host: str) -> bool:
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _normalize_host(netloc: str, hostname: str | None) -> str:
    if not hostname:
        raise ConfigurationError("The store address has no domain name.", hint=_HINT)
    if netloc.startswith("["):  # bracketed IPv6
        try:
            return ipaddress.IPv6Address(hostname).compressed
        except ValueError:
            raise ConfigurationError(f"{hostname!r} is not a valid IPv6 address.",
                                     hint=_HINT) from None
    try:
        return str(ipaddress.IPv4Address(hostname))
    except ValueError:
        pass
    return _ascii_domain(hostname.rstrip("."))


def _ascii_domain(name: str) -> str:
    try:
        ascii_name = idna.encode(name, uts46=True).decode("ascii").lower()
    except (idna.IDNAError, UnicodeError):
        raise ConfigurationError(f"{name!r} is not a valid domain name.", hint=_HINT) from None
    labels = ascii_name.split(".")
    if len(ascii_name) > 253 or not all(_LABEL_RE.match(label) for label in labels):
        raise ConfigurationError(f"{name!r} is not a valid domain name.", hint=_HINT)
    if len(labels) == 1 and ascii_name != "localhost":
        raise ConfigurationError(
            f"{name!r} is not a full domain name.",
            hint=f"Did you mean {ascii_name}.americommerce.com?")
    return ascii_name


def _parse_port(netloc: str, host: str) -> int | None:
    # urlsplit's .port accepts "+1" and " 1"; read the digits after the host ourselves.
    after_host = netloc.rsplit("]", 1)[-1] if netloc.startswith("[") else netloc
    if ":" not in after_host:
        return None
    digits = after_host.rsplit(":", 1)[1]
    if not digits.isascii() or not digits.isdigit() or not 0 < int(digits) < 65536:
        raise ConfigurationError(f"The port {digits!r} in the store address is not valid.",
                                 hint="A port is a number from 1 to 65535, e.g. localhost:8123.")
    return int(digits)


def _check_path(path: str) -> None:
    lowered = path.lower().rstrip("/")
    if not lowered:
        return
    for root in _ALLOWED_PATH_ROOTS:
        if lowered == root or lowered.startswith(root + "/"):
            return
    raise ConfigurationError(
        f"The address points to a page ({path}) rather than the store itself.",
        hint="Enter just the store's domain, e.g. mystore.com, or paste a link from the store's "
             "admin console.")


def _unicode_host(host: str) -> str:
    if not any(label.startswith("xn--") for label in host.split(".")):
        return host
    try:
        return idna.decode(host)
    except (idna.IDNAError, UnicodeError):
        return host
