from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.errors import ConfigurationError
from app.integrations.americommerce.address import StoreAddress, parse_store_address


@pytest.mark.parametrize("text, scheme, host, port", [
    ("mystore.americommerce.com", "https", "mystore.americommerce.com", None),
    ("  MyStore.AmeriCommerce.com  ", "https", "mystore.americommerce.com", None),
    ("https://mystore.com/store/admin/orders/viewOrder.aspx?orderid=5", "https", "mystore.com",
     None),
    ("https://mystore.com/Store/Admin", "https", "mystore.com", None),
    ("https://mystore.com/api/v1/orders?x=1", "https", "mystore.com", None),
    ("https://mystore.com/api/oauth?client_id=3", "https", "mystore.com", None),
    ("https://mystore.com/", "https", "mystore.com", None),
    ("https://mystore.com/?utm=1#top", "https", "mystore.com", None),
    ("shop.example.co.uk.", "https", "shop.example.co.uk", None),
    ("mystore.com:443", "https", "mystore.com", None),
    ("https://mystore.com:8443", "https", "mystore.com", 8443),
    ("127.0.0.1:8123", "http", "127.0.0.1", 8123),  # bare loopback = the sandbox: http
    ("http://127.0.0.1:8123/api/v1", "http", "127.0.0.1", 8123),
    ("http://127.5.0.1:8123", "http", "127.5.0.1", 8123),
    ("http://localhost:8123/", "http", "localhost", 8123),
    ("localhost:8123", "http", "localhost", 8123),
    ("https://localhost:8123", "https", "localhost", 8123),
    ("[::1]:8123", "http", "::1", 8123),
    ("http://[::1]:8123", "http", "::1", 8123),
    ("http://localhost:80", "http", "localhost", None),
    ("bücher.de", "https", "xn--bcher-kva.de", None),
    ("https://BÜCHER.de/store/admin", "https", "xn--bcher-kva.de", None),
])
def test_parses(text, scheme, host, port):
    assert parse_store_address(text) == StoreAddress(scheme, host, port)


def test_derived_urls():
    a = parse_store_address("https://mystore.com:8443/store/admin")
    assert a.origin == "https://mystore.com:8443"
    assert a.api_base == "https://mystore.com:8443/api/v1"
    assert a.oauth_base == "https://mystore.com:8443/api/oauth"
    assert a.display == "mystore.com:8443"
    assert a.admin_order_url(100123) == (
        "https://mystore.com:8443/store/admin/orders/viewOrder.aspx?orderid=100123")


def test_ipv6_and_idn_display():
    assert parse_store_address("http://[::1]:8123").origin == "http://[::1]:8123"
    assert parse_store_address("http://[::1]:8123").display == "[::1]:8123"
    assert parse_store_address("https://[::1]:8123").display == "https://[::1]:8123"
    idn = parse_store_address("bücher.de")
    assert idn.display == "bücher.de (xn--bcher-kva.de)" and idn.is_idn
    assert idn.typed_form == "bücher.de" and idn.origin == "https://xn--bcher-kva.de"


@pytest.mark.parametrize("typed", ["xn--80ak6aa92e.com", "аррӏе.com", "https://XN--80AK6AA92E.com/"])
def test_lookalike_domains_show_their_xn_form(typed):
    address = parse_store_address(typed)
    assert address.is_idn and address.host == "xn--80ak6aa92e.com"
    assert address.display == "аррӏе.com (xn--80ak6aa92e.com)"
    assert not parse_store_address("apple.com").is_idn
    assert not parse_store_address("127.0.0.1:8123").is_idn


@pytest.mark.parametrize("text, words", [
    ("", "Enter"),
    ("   ", "Enter"),
    ("my store.com", "spaces"),
    ("http://mystore.com", "https"),
    ("http://10.0.0.5:8123", "https"),
    ("user:pw@mystore.com", "password"),
    ("https://user@mystore.com", "password"),
    ("https://mystore.com/shop/foo", "page"),
    ("https://mystore.com/store/adminx", "page"),
    ("https://mystore.com/api/v2/orders", "page"),
    ("mystore.com:0", "port"),
    ("mystore.com:70000", "port"),
    ("mystore.com:abc", "port"),
    ("mystore.com:", "port"),
    ("ftp://mystore.com", "https"),
    ("mystore", "mystore.americommerce.com"),
    ("[::1", "not a store address"),
    ("https://:8123", "no domain"),
    ("-bad-.com", "not a valid domain"),
    ("a_b.com", "not a valid domain"),
])
def test_refuses_with_a_readable_message(text, words):
    with pytest.raises(ConfigurationError) as info:
        parse_store_address(text)
    assert words in str(info.value)


# Host names a store can have: a label starts with a letter (all-digit names read as IPv4) and
# has no "--" (at positions 3-4 IDNA reserves it, so "00--0" is rightly refused).
_label = st.from_regex(r"[a-z][a-z0-9]{0,5}(-[a-z0-9]{1,5})?", fullmatch=True)
_domain = st.lists(_label, min_size=2, max_size=4).map(".".join)
_port = st.one_of(st.none(), st.integers(1, 65535))


@st.composite
def addresses(draw) -> StoreAddress:
    if draw(st.booleans()):
        host = draw(st.sampled_from(["localhost", "127.0.0.1", "::1", "127.1.2.3"]))
        scheme = draw(st.sampled_from(["http", "https"]))
    else:
        host, scheme = draw(_domain), "https"
    port = draw(_port)
    text = f"[{host}]" if ":" in host else host
    text = f"{scheme}://{text}" + (f":{port}" if port else "")
    return parse_store_address(text)


@given(addresses())
def test_display_and_origin_round_trip(a):
    assert parse_store_address(a.typed_form) == a
    assert parse_store_address(a.origin) == a
    assert parse_store_address(a.api_base + "/orders?page=2") == a
    assert parse_store_address(a.origin + "/store/admin/") == a


@given(_domain,
       st.text(st.characters(codec="ascii", categories=("L", "N")), min_size=1, max_size=8),
       st.one_of(st.none(),
                 st.text(st.characters(codec="ascii", categories=("L", "N")), max_size=8)),
       st.sampled_from(["", "https://", "http://"]))
def test_any_user_info_is_refused(domain, user, password, scheme):
    userinfo = user if password is None else f"{user}:{password}"
    with pytest.raises(ConfigurationError):
        parse_store_address(f"{scheme}{userinfo}@{domain}")


@given(_domain, _port)
def test_plain_http_to_a_real_host_is_refused(domain, port):
    with pytest.raises(ConfigurationError, match="https"):
        parse_store_address(f"http://{domain}" + (f":{port}" if port else ""))


@given(_domain, st.from_regex(r"/[a-z]{1,8}(/[a-z]{0,8})?", fullmatch=True))
def test_other_paths_are_refused(domain, path):
    if path.rstrip("/") in {"/store", "/api"}:
        path = "/x" + path
    with pytest.raises(ConfigurationError):
        parse_store_address(f"https://{domain}{path}")
