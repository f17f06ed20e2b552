"""Fixtures for the AmeriCommerce client tests: a fake clock, a store address, a client."""
from __future__ import annotations

import random

import httpx
import pytest
import respx

from app.integrations.americommerce.address import parse_store_address
from app.integrations.americommerce.client import AmeriCommerceClient, make_http_client
from app.integrations.americommerce.throttle import Throttle
from tests.unit.americommerce.ac_fakes import API, TOKEN, FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def address():
    return parse_store_address("mystore.example.com")


@pytest.fixture
def mock():
    with respx.mock(base_url=API, assert_all_called=False) as router:
        yield router


@pytest.fixture
def make_client(address, clock):
    clients: list[httpx.Client] = []

    def factory(**kw) -> AmeriCommerceClient:
        http = make_http_client(address)
        clients.append(http)
        kw.setdefault("throttle", Throttle(clock=clock, sleep=clock.sleep))
        return AmeriCommerceClient(http, address, lambda: TOKEN, clock=clock, sleep=clock.sleep,
                                   rng=random.Random(7), **kw)

    yield factory
    for http in clients:
        http.close()


@pytest.fixture
def client(make_client) -> AmeriCommerceClient:
    return make_client()
