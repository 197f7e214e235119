"""Server-side suggest gives the candidates the client's ranking gives, on both backends.

A library of 10,000 generated processes (tests/suggest_library.py) behind a real `procex serve`:
the Koblenz catalogue's waiting entries are ranked twice (5 and 20 candidates each), once by the client over the whole
listing (GET /api/v1/index into catalogue/suggest.LibraryIndex, the reference) and once by the
server (POST /api/v1/suggest), both as Koblenz, whose own processes neither may propose. Every
entry's candidates (reference, tier, score, adoptions, check result), total and count per tier
must be the same. Then the index follows publishing, yanking and adopting, and bad requests get
clear refusals.
"""

import json
from collections import defaultdict

import pytest

from procex.bpmn.text import label_tokens
from procex.exchange.catalogue import entries as catalogue
from procex.exchange.catalogue.suggest import LibraryIndex, name_stems, suggest, waiting_entries
from procex.exchange.server.storage import suggest_index
from procex.exchange.server.storage.store import Store, suggest_group_stems, suggest_groups, suggest_key_groups
from tests import libserver
from tests.conftest import REPO
from tests.libserver import LibraryServer, Member, make_db
from tests.suggest_library import seed

KOBLENZ = REPO / "exchange" / "examples" / "koblenz" / "catalogue.csv"
SIZE = 10_000


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def library(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(f"suggest-{request.param}")
    db, cleanup = make_db(request.param, tmp)
    publishers = seed(db, SIZE)
    assert "koblenz" in publishers  # so that leaving out one's own processes is tested
    store = Store(db)
    token, _ = store.create_token("koblenz", "test")
    store.close()
    lib = LibraryServer(db, log_dir=tmp).start()
    lib.koblenz = Member("koblenz", token)
    yield lib
    lib.stop()
    cleanup()


def _listing(lib, member):
    response = lib.get("/index", member)
    assert response.status_code == 200
    return [json.loads(line) for line in response.text.splitlines()][:-1]


def _server(lib, member, entries, limit=5):
    answers = []
    for start in range(0, len(entries), 100):
        body = {
            "entries": [
                {"leistungsschluessel": e.leistungsschluessel, "title": e.title} for e in entries[start : start + 100]
            ],
            "limit": limit,
        }
        response = lib.post("/suggest", member, json=body)
        assert response.status_code == 200, response.text
        answers += response.json()["entries"]
    return answers


def _comparable(candidate):
    return (
        candidate["ref"],
        candidate["match"],
        candidate["score"],
        candidate["adoptions"],
        json.dumps(candidate["validation"]),
    )


@pytest.mark.parametrize("limit", [5, 20])
def test_server_ranks_as_the_client_does(library, limit):
    # 20 (the most a request may ask) reaches past the first buckets: more heads, more ties.
    entries = waiting_entries(catalogue.read_catalogue(KOBLENZ))
    assert len(entries) >= 100
    items = _listing(library, library.koblenz)
    assert len(items) == SIZE
    reference = suggest(entries, LibraryIndex(items, own_publisher="koblenz"), limit=limit)
    answers = _server(library, library.koblenz, entries, limit)
    assert len(answers) == len(reference.suggestions)
    covered = 0
    for expected, answer in zip(reference.suggestions, answers, strict=True):
        where = (expected.entry.leistungsschluessel, expected.entry.title)
        assert answer["total"] == expected.total, where
        assert answer["by_match"] == expected.as_json()["by_match"], where
        assert [_comparable(c) for c in answer["candidates"]] == [
            _comparable(c.as_json()) for c in expected.candidates
        ], where
        assert all(c["publisher"] != "koblenz" for c in answer["candidates"])
        covered += bool(answer["candidates"])
    assert covered > len(entries) // 2  # the comparison is not over empty answers


servers = libserver.servers  # the fixture: a small running library per backend

GEWERBE = {"leistungsschluessel": "99050012104000", "title": "Gewerbeanmeldung"}


def _refs(lib, member, entry=GEWERBE):
    response = lib.post("/suggest", member, json={"entries": [entry]})
    assert response.status_code == 200, response.text
    answer = response.json()["entries"][0]
    return [(c["ref"], c["match"], c["adoptions"]) for c in answer["candidates"]], answer["total"]


def _group_stems(lib):
    """suggest_group_stems as publishing left it and as rebuilding it from the index makes it, and
    suggest_key_groups and suggest_groups as publishing left them (each the same as rebuilt)."""
    store = Store(lib.db)
    try:
        read = lambda conn: [  # noqa: E731
            sorted(tuple(r) for r in conn.execute(table.select()))
            for table in (suggest_group_stems, suggest_key_groups, suggest_groups)
        ]
        with store.read() as conn:
            kept = read(conn)
        with store.write() as conn:
            suggest_index.fill_group_stems(conn)
            suggest_index.fill_key_groups(conn)
            suggest_index.fill_groups(conn)
            rebuilt = read(conn)
    finally:
        store.close()
    assert kept[1:] == rebuilt[1:]
    # Each group's size is the same in its row and in its rows per key.
    assert {(nid, keys, n) for _, nid, keys, n in kept[1]} <= set(kept[2])
    return kept[0], rebuilt[0], kept[1]


def test_the_index_follows_publishing_yanking_and_adopting(servers):
    lib = servers("reciprocal")
    trier, mainz, koblenz = lib.member(prefix="t"), lib.member(prefix="m"), lib.member(prefix="k")
    assert lib.publish(trier, "gewerbeanmeldung", "1.0.0")[0].status_code == 201
    assert lib.publish(koblenz, "gewerbeanmeldung", "1.0.0")[0].status_code == 201  # its own: never proposed
    mine = lambda refs: [r for r in refs if r[0].split("/")[0] in (trier.slug, mainz.slug, koblenz.slug)]  # noqa: E731
    assert mine(_refs(lib, koblenz)[0]) == [(f"{trier.slug}/gewerbeanmeldung@1.0.0", "exact", 0)]
    assert lib.publish(trier, "gewerbeanmeldung", "1.1.0", name="Gewerbe anmelden")[0].status_code == 201
    assert lib.post(f"/processes/{trier.slug}/gewerbeanmeldung/1.0.0/adoptions", mainz).status_code == 201
    assert mine(_refs(lib, koblenz)[0]) == [(f"{trier.slug}/gewerbeanmeldung@1.1.0", "exact", 1)]
    # A name only the caller carries is no candidate; by name alone the other one is found.
    by_name = {"leistungsschluessel": "", "title": "Gewerbe anmelden"}
    assert mine(_refs(lib, koblenz, by_name)[0]) == [(f"{trier.slug}/gewerbeanmeldung@1.1.0", "similar", 1)]
    # The group stems followed: both names' groups hold their model's labels' stems (not the name's
    # nor the keywords', which the names have), each counted once.
    kept, rebuilt, key_groups = _group_stems(lib)
    assert kept == rebuilt
    assert sorted((key, keys, count) for key, _, keys, count in key_groups) == [("99050012104000",) * 2 + (1,)] * 2
    labels = ("Antrag eingegangen", "Antrag prüfen", "Bescheid versandt")  # tiny_model's
    tasks = sorted({s for label in labels for s in label_tokens(label)} - set(name_stems("Gewerbe anmelden", {})))
    assert tasks and all(stem != "gewerb" for stem, *_ in kept)
    by_group = defaultdict(set)
    for stem, name_id, keys, count in kept:
        assert keys == "99050012104000" and count == 1
        by_group[name_id].add(stem)
    assert sorted(sorted(stems) for stems in by_group.values()) == [tasks, tasks]
    for version in ("1.1.0", "1.0.0"):
        response = lib.post(f"/processes/{trier.slug}/gewerbeanmeldung/{version}/yank", trier, json={"reason": "alt"})
        assert response.status_code == 200
    assert mine(_refs(lib, koblenz)[0]) == []  # every version withdrawn: no longer listed
    assert mine(_refs(lib, mainz)[0]) == [(f"{koblenz.slug}/gewerbeanmeldung@1.0.0", "exact", 0)]
    kept, rebuilt, key_groups = _group_stems(lib)
    assert kept == rebuilt and len({name_id for _, name_id, _, _ in kept}) == 1  # Koblenz's alone
    assert [(key, count) for key, _, _, count in key_groups] == [("99050012104000", 1)]


def test_bad_suggest_requests_are_refused_clearly(servers):
    lib = servers("reciprocal")
    member, outsider = lib.member(prefix="s"), lib.member(agreed=False, prefix="o")
    assert lib.post("/suggest", json={"entries": [GEWERBE]}).status_code == 401
    refused = lib.post("/suggest", outsider, json={"entries": [GEWERBE]})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "agreement_required"
    for body, where in (
        ({"entries": []}, "body.entries"),
        ({"entries": [{"leistungsschluessel": "9905", "title": "x"}]}, "body.entries.0.leistungsschluessel"),
        ({"entries": [GEWERBE] * 201}, "body.entries"),
        ({"entries": [GEWERBE], "limit": 0}, "body.limit"),
    ):
        response = lib.post("/suggest", member, json=body)
        assert response.status_code in (413, 422), (where, response.text)
        if response.status_code == 422:
            assert response.json()["error"]["details"][0]["location"] == where
    too_big = {"entries": [{"leistungsschluessel": "", "title": "x" * 300}] * 200}
    assert lib.post("/suggest", member, json=too_big).status_code == 413
    assert (
        lib.post("/suggest", member, data="nicht json", headers={"Content-Type": "application/json"}).status_code == 422
    )
    assert lib.post("/suggest", member, data="x", headers={"Content-Type": "text/plain"}).status_code == 415
