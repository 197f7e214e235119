"""Compare pages are kept by the pair of model sha256s and computed a bounded number at a time: the
second request for a comparison is answered from the cache, and a request that finds every diff
slot taken gets a 503 page with Retry-After instead of waiting on."""

import re
from html import unescape

import pytest

from procex.exchange.server.web.compare_cost import Busy, CompareCost
from procex.exchange.server.web.warmup import COMPARE_MODULES
from tests.libserver import LibraryServer, tiny_model

COMPARE = "/p/{slug}/gewerbeanmeldung/1.0.0/compare?to=1.1.0"
REPORT = "/p/{slug}/gewerbeanmeldung/1.0.0/compare/report.html?to=1.1.0"


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """A public library (SQLite) with two versions of one process, the task renamed in the second."""
    db = tmp_path_factory.mktemp("compare-cost") / "library.sqlite"
    with LibraryServer(db, policy="public") as lib:
        trier = lib.member(prefix="trier")
        assert lib.publish(trier, version="1.0.0")[0].status_code == 201
        assert lib.publish(trier, version="1.1.0", model=tiny_model(task="Antrag sichten"))[0].status_code == 201
        yield lib, trier.slug, db


def _text(html):
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_the_second_request_for_a_comparison_is_answered_from_the_cache(published):
    lib, slug, _ = published
    for path in (COMPARE, REPORT):
        first = lib.session.get(lib.url + path.format(slug=slug), timeout=60)
        again = lib.session.get(lib.url + path.format(slug=slug), timeout=60)
        assert first.status_code == again.status_code == 200
        assert re.fullmatch(r"diff;dur=\d+, diff-cpu;dur=\d+", first.headers["Server-Timing"]), first.headers
        assert again.headers["Server-Timing"] == 'diff;desc="cached"'
        assert "Antrag sichten" in again.text and "Antrag prüfen" in again.text
    # another language is another page: computed once, then kept too
    english = lib.session.get(lib.url + COMPARE.format(slug=slug) + "&lang=en", timeout=60)
    assert english.status_code == 200 and english.headers["Server-Timing"].startswith("diff;dur=")
    assert "renamed" in _text(english.text).lower()


def test_every_slot_taken_answers_503_with_retry_after_as_a_page(published):
    from fastapi.testclient import TestClient

    from procex.exchange.server.api.app import create_app
    from procex.exchange.server.settings import Settings

    _, slug, db = published
    app = create_app(Settings(db=str(db), policy="public", compare_slots=1, compare_wait=0))
    cost = app.state.compare_cost
    client = TestClient(app)
    give_back = cost.hold_every_slot()  # as if another comparison were being computed
    try:
        busy = client.get(COMPARE.format(slug=slug))
        assert busy.status_code == 503
        assert busy.headers["Retry-After"] == "1"  # the wait, at least 1 s
        assert busy.headers["content-type"].startswith("text/html")
        assert "Vergleich gerade nicht möglich" in _text(busy.text)
        assert "in 1 Sekunden neu" in _text(busy.text)
        english = client.get(REPORT.format(slug=slug) + "&lang=en")
        assert english.status_code == 503 and "Comparison not possible right now" in _text(english.text)
        assert cost.stats.refused == 2 and cost.stats.computed == 0
        # other pages still answer while the slots are taken
        assert client.get(f"/p/{slug}/gewerbeanmeldung").status_code == 200
    finally:
        give_back()
    computed = client.get(COMPARE.format(slug=slug))
    assert computed.status_code == 200 and "Antrag sichten" in computed.text
    give_back = cost.hold_every_slot()
    try:  # kept: answered although every slot is taken again
        kept = client.get(COMPARE.format(slug=slug))
        assert kept.status_code == 200 and kept.headers["Server-Timing"] == 'diff;desc="cached"'
    finally:
        give_back()
    assert (cost.stats.computed, cost.stats.hits, cost.stats.refused) == (1, 1, 2)


def test_the_cache_is_bounded_in_entries_and_bytes():
    cost = CompareCost(slots=1, wait=0, max_entries=3, max_bytes=100)
    for key in "abcd":
        cost.get_or_compute(key, lambda key=key: key * 10, len)
    assert cost.cached("a") is None and cost.cached("d") == "d" * 10  # the oldest went first
    cost.keep("big", "x" * 101, 101)  # larger than the whole budget: not kept
    assert cost.cached("big") is None
    cost.keep("e", "e" * 95, 95)  # pushes the others out by bytes (b, c, d: 10 each)
    assert [cost.cached(k) is not None for k in "bcde"] == [False, False, False, True]


def test_a_request_waiting_for_a_slot_finds_what_the_slot_holder_computed():
    cost = CompareCost(slots=1, wait=0)
    give_back = cost.hold_every_slot()
    with pytest.raises(Busy) as busy:
        cost.get_or_compute("k", lambda: "v", len)
    assert busy.value.retry_after == 1
    cost.keep("k", "v", 1)  # what the holder computed meanwhile
    assert cost.get_or_compute("k", lambda: pytest.fail("computed twice"), len) == ("v", None)
    give_back()


def test_a_kept_compare_page_is_sent_gzipped_as_stored_and_revalidates_with_its_etag(published):
    import gzip

    import requests

    lib, slug, _ = published
    url = lib.url + COMPARE.format(slug=slug) + "&lang=de"
    zipped = requests.get(url, headers={"Accept-Encoding": "gzip"}, timeout=60, stream=True)
    raw = zipped.raw.read(decode_content=False)  # the bytes as sent
    plain = requests.get(url, headers={"Accept-Encoding": "identity"}, timeout=60)
    assert zipped.status_code == plain.status_code == 200
    assert zipped.headers["Content-Encoding"] == "gzip" and "Content-Encoding" not in plain.headers
    assert gzip.decompress(raw) == plain.content  # one page, two encodings
    assert "Antrag sichten" in plain.text
    assert "Accept-Encoding" in zipped.headers["Vary"] and "Cookie" in zipped.headers["Vary"]
    # each encoding its own strong ETag; a browser's revalidation gets 304 without the page
    assert zipped.headers["ETag"] != plain.headers["ETag"]
    assert zipped.headers["ETag"].endswith('-gzip"')
    again = requests.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["ETag"]}, timeout=60)
    assert again.status_code == 304 and again.content == b""
    assert again.headers["Content-Security-Policy"]  # the site's headers on every answer
    stale = requests.get(url, headers={"Accept-Encoding": "identity", "If-None-Match": '"other"'}, timeout=60)
    assert stale.status_code == 200 and stale.content == plain.content


_WARM_UP_CHECK = """
import json, sys
from fastapi.testclient import TestClient
from procex.bpmn.render import labels
from procex.exchange.server.api.app import create_app
from procex.exchange.server.settings import Settings
from procex.exchange.server.web.warmup import COMPARE_MODULES

def loaded():
    return {"modules": [name for name in COMPARE_MODULES if name in sys.modules], "pyphen": bool(labels._HYPHENATOR)}

app = create_app(Settings(db=sys.argv[1], policy="public"))
before = loaded()
with TestClient(app) as client:  # runs the app's lifespan, as a uvicorn worker does
    after = loaded()
    assert client.get("/").status_code == 200
print(json.dumps([before, after]))
"""


def test_a_worker_loads_what_the_first_compare_needs_when_it_starts(tmp_path):
    """Not when the app is built (the CLI builds it for `procex serve` too), but when it starts serving."""
    import json
    import subprocess
    import sys

    run = subprocess.run(
        [sys.executable, "-c", _WARM_UP_CHECK, str(tmp_path / "library.sqlite")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    before, after = json.loads(run.stdout.strip().splitlines()[-1])
    assert "scipy.optimize" not in before["modules"] and not before["pyphen"]
    assert after == {"modules": list(COMPARE_MODULES), "pyphen": True}
