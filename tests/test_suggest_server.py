"""Server-side suggest gives the candidates the client's ranking gives, on both backends.

A library of 10,000 generated processes (tests/suggest_library.py) behind a real `procex serve`:
the Koblenz catalogue's waiting entries are ranked twice, once by the client over the whole
listing (GET /api/v1/index into catalogue/suggest.LibraryIndex, the reference) and once by the
server (POST /api/v1/suggest), both as Koblenz, whose own processes neither may propose. Every
entry's candidates (reference, tier, score, adoptions, check result), total and count per tier
must be the same. Then the index follows publishing, yanking and adopting, and bad requests get
clear refusals.
"""

import json

import pytest

from procex.exchange.catalogue import entries as catalogue
from procex.exchange.catalogue.suggest import LibraryIndex, suggest, waiting_entries
from procex.exchange.server.storage.store import Store
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
            "entries": [{"leistungsschluessel": e.leistungsschluessel, "title": e.title} for e in entries[start : start + 100]],
            "limit": limit,
        }
        response = lib.post("/suggest", member, json=body)
        assert response.status_code == 200, response.text
        answers += response.json()["entries"]
    return answers


def _comparable(candidate):
    return (candidate["ref"], candidate["match"], candidate["score"], candidate["adoptions"], json.dumps(candidate["validation"]))


def test_server_ranks_as_the_client_does(library):
    entries = waiting_entries(catalogue.read_catalogue(KOBLENZ))
    assert len(entries) >= 100
    items = _listing(library, library.koblenz)
    assert len(items) == SIZE
    reference = suggest(entries, LibraryIndex(items, own_publisher="koblenz"), limit=5)
    answers = _server(library, library.koblenz, entries)
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
