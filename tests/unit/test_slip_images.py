"""The slips' picture fetcher: parallel downloads on the executor it is given (the composition
root's), each picture asked for once, a broken one left off and not asked for again."""
from __future__ import annotations

import threading
from io import BytesIO

import httpx
from PIL import Image

from app.services.images import ImageFetcher, image_cache_path, image_pool


def _png() -> bytes:
    out = BytesIO()
    Image.new("RGB", (4, 4), (10, 20, 30)).save(out, format="PNG")
    return out.getvalue()


def _store(calls: list[tuple[str, str]]) -> httpx.Client:
    picture = _png()

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append((request.url.path, threading.current_thread().name))
        if "broken" in request.url.path:
            return httpx.Response(500)
        return httpx.Response(200, content=picture, headers={"content-type": "image/png"})

    return httpx.Client(transport=httpx.MockTransport(handler))


def test_prefetch_runs_on_the_given_pool_and_asks_for_each_picture_once(tmp_path):
    calls: list[tuple[str, str]] = []
    urls = [f"https://cdn.example/{name}.png" for name in ("a", "b", "c", "broken")]
    with _store(calls) as http, image_pool() as pool:
        fetcher = ImageFetcher(tmp_path, http, pool)
        fetcher.prefetch([*urls, urls[0], ""])
        assert sorted(path for path, _ in calls) == ["/a.png", "/b.png", "/broken.png", "/c.png"]
        assert all(thread.startswith("pd-slip-images") for _, thread in calls)
        for url in urls[:3]:  # from the cache folder now, no request
            assert fetcher.get(url) == image_cache_path(tmp_path, url)
        assert fetcher.get(urls[3]) is None  # broken: left off the slip, not asked again
        fetcher.prefetch(urls)
        assert len(calls) == 4


def test_without_a_pool_each_picture_is_fetched_when_a_slip_line_asks(tmp_path):
    calls: list[tuple[str, str]] = []
    with _store(calls) as http:
        fetcher = ImageFetcher(tmp_path, http)
        fetcher.prefetch(["https://cdn.example/a.png", "https://cdn.example/b.png"])
        assert calls == []
        assert fetcher.get("https://cdn.example/a.png") is not None
        assert [path for path, _ in calls] == ["/a.png"]


def test_a_closed_pool_prefetches_nothing_and_the_slip_still_gets_its_pictures(tmp_path):
    calls: list[tuple[str, str]] = []
    pool = image_pool()
    pool.shutdown()  # the app is closing while a slip is still being built
    with _store(calls) as http:
        fetcher = ImageFetcher(tmp_path, http, pool)
        fetcher.prefetch(["https://cdn.example/a.png", "https://cdn.example/b.png"])
        assert calls == []
        assert fetcher.get("https://cdn.example/b.png") is not None
