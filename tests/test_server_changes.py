"""GET /api/v1/changes: the changes feed, against a real server on SQLite and PostgreSQL.

A mirror takes the listing (GET /index, X-Procex-Serial), then publishes, yanks and adoptions
happen; the feed since that serial names each changed process once with its current line (or as
removed), oldest change first, and applying it to the old listing gives exactly the listing the
library serves now. Paging, a serial beyond the library's, gzip, and the access rules.
"""

import gzip
import json

from tests import libserver
from tests.libserver import tiny_model

servers = libserver.servers  # the fixture: a running library per backend


def listing(lib, member):
    response = lib.get("/index", member)
    assert response.status_code == 200, response.text
    items = [json.loads(line) for line in response.text.splitlines()][:-1]
    return {(i["publisher"], i["slug"]): i for i in items}, int(response.headers["X-Procex-Serial"])


def apply(copy, page):
    for line in page["processes"]:
        copy[(line["publisher"], line["slug"])] = {k: v for k, v in line.items() if k != "serial"}
    for gone in page["removed"]:
        copy.pop((gone["publisher"], gone["slug"]), None)


def test_feed_since_a_listing_brings_a_copy_up_to_date(servers):
    lib = servers("reciprocal")
    trier, mainz = lib.member(prefix="a"), lib.member(prefix="b")
    assert lib.publish(trier, "gewerbeanmeldung", "1.0.0")[0].status_code == 201
    assert lib.publish(mainz, "abfall", "1.0.0", name="Abfallgebühren")[0].status_code == 201
    copy, serial = listing(lib, mainz)
    assert serial >= 2

    model = tiny_model(task="Gewerbe prüfen")
    assert lib.publish(trier, "gewerbeanmeldung", "1.1.0", model=model)[0].status_code == 201
    assert lib.publish(mainz, "hundesteuer", "1.0.0", name="Hundesteuer")[0].status_code == 201
    yank = lib.post(f"/processes/{mainz.slug}/hundesteuer/1.0.0/yank", mainz, json={"reason": "Fehler"})
    assert yank.status_code == 200
    yank = lib.post(f"/processes/{mainz.slug}/abfall/1.0.0/yank", mainz, json={"reason": "alt"})
    assert yank.status_code == 200
    assert lib.post(f"/processes/{trier.slug}/gewerbeanmeldung/1.1.0/adoptions", mainz).status_code == 201
    assert lib.post(f"/processes/{trier.slug}/gewerbeanmeldung/1.1.0/adoptions", mainz).status_code == 200

    response = lib.get(f"/changes?since={serial}", mainz)
    assert response.status_code == 200, response.text
    page = response.json()
    ours = (trier.slug, mainz.slug)
    changed = [(p["publisher"], p["slug"]) for p in page["processes"] if p["publisher"] in ours]
    removed = [(r["publisher"], r["slug"]) for r in page["removed"] if r["publisher"] in ours]
    # Each changed process once, by its last change: hundesteuer and abfall left, gewerbe adopted last.
    assert changed == [(trier.slug, "gewerbeanmeldung")]
    assert removed == [(mainz.slug, "hundesteuer"), (mainz.slug, "abfall")]
    serials = sorted([p["serial"] for p in page["processes"]] + [r["serial"] for r in page["removed"]])
    assert serials[0] > serial and len(set(serials)) == len(serials)
    assert page["serial"] == serials[-1] == page["latest"] and page["more"] is False
    line = next(p for p in page["processes"] if p["publisher"] == trier.slug)
    assert line["latest"] == "1.1.0" and line["adoptions"] == 1
    apply(copy, page)
    now, latest = listing(lib, mainz)
    assert copy == now and latest == page["serial"]

    empty = lib.get(f"/changes?since={latest}", mainz).json()
    assert empty["processes"] == [] and empty["removed"] == [] and empty["serial"] == latest


def test_pages_follow_each_other_and_a_serial_ahead_is_refused(servers):
    lib = servers("reciprocal")
    bonn = lib.member(prefix="c")
    _, start = listing(lib, bonn)
    for number in range(5):
        assert lib.publish(bonn, f"prozess-{number}", "1.0.0", name=f"Prozess {number}")[0].status_code == 201
    seen, since = [], start
    while True:
        page = lib.get(f"/changes?since={since}&limit=2", bonn).json()
        assert len(page["processes"]) + len(page["removed"]) <= 2
        seen += [p["slug"] for p in page["processes"] if p["publisher"] == bonn.slug]
        since = page["serial"]
        if not page["more"]:
            break
    assert seen == [f"prozess-{n}" for n in range(5)]
    ahead = lib.get(f"/changes?since={since + 1000}", bonn)
    assert ahead.status_code == 409 and ahead.json()["error"]["code"] == "serial_ahead"
    assert "GET /api/v1/index" in ahead.json()["error"]["message"]
    assert lib.get("/changes?since=-1", bonn).status_code == 422
    assert lib.get("/changes?limit=0", bonn).status_code == 422


def test_feed_is_gzipped_on_request_and_keeps_the_index_access_rules(servers):
    lib = servers("reciprocal")
    member, outsider = lib.member(prefix="d"), lib.member(agreed=False, prefix="e")
    for number in range(12):
        assert lib.publish(member, f"gross-{number}", "1.0.0", name=f"Großer Prozess {number}")[0].status_code == 201
    response = lib.get("/changes?since=0", member, headers={"Accept-Encoding": "gzip"}, stream=True)
    raw = response.raw.read(decode_content=False)
    assert response.headers["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(raw))["processes"]
    assert lib.get("/changes").status_code == 401
    refused = lib.get("/changes", outsider)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "agreement_required"
