"""GET /api/v1/processes over HTTP on a seeded library (tests/search_library.py), on SQLite and
PostgreSQL: ranked hits with what people choose by, filters, facets, sort, cursor paging, and a
422 naming the parameter for everything that cannot be searched (never a 500)."""

import json
from functools import partial

import pytest

from procex.exchange.server.storage.store import Store
from procex.exchange.workspace.folder import Workspace
from tests import search_library


@pytest.fixture(scope="module")
def seeded(servers):
    server = servers("reciprocal")
    store = Store(server.db)
    try:
        if not store.list_members():
            search_library.seed_store(store)
        token, _ = store.create_token("koeln", "test")
    finally:
        store.close()
    return server, {"Authorization": f"Bearer {token}"}


def get(seeded, **params):
    server, headers = seeded
    return server.session.get(f"{server.api}/processes", params=params, headers=headers, timeout=30)


def test_ranked_hits_carry_what_people_choose_by(seeded):
    body = get(seeded, q="Gewerbe anmelden").json()
    first = body["items"][0]
    assert [item["ref"] for item in body["items"][:2]] == [
        "trier/gewerbeanmeldung@1.0.0",
        "koblenz/gewerbe-anmeldung@1.0.0",
    ]
    assert first["adoptions"] == 3 and first["validation"] == {"errors": 0, "warnings": 1}
    assert first["region"]["land"] == "07" and first["region"]["land_name"] == "Rheinland-Pfalz"
    assert first["tier"] == "exact" and first["latest"] == first["version"] == "1.0.0"
    assert body["items"][1]["derived_from"]["ref"] == "trier/gewerbeanmeldung@1.0.0"
    text = first["snippet"]["text"]
    assert [text[s:e] for s, e in first["snippet"]["marks"]] == ["Gewerbeanmeldung"]
    assert body["total"] == 2 and body["total_estimated"] is False and body["next_cursor"] is None


def test_filters_facets_sort_and_cursor(seeded):
    body = get(seeded, q="gewerbe", land="07", facets="true").json()
    assert {item["region"]["land"] for item in body["items"]} == {"07"}
    assert body["facets"]["land"] == [{"value": "07", "label": "Rheinland-Pfalz", "count": body["total"]}]
    by_key = get(seeded, leistungsschluessel="9911500").json()
    assert {item["slug"] for item in by_key["items"]} == {
        "wohnsitz-anmeldung",
        "wohnsitz-anmelden",
        "wohnsitz-abmeldung",
        "meldebestaetigung",
        "melderegisterauskunft",
    }
    names = [item["name"] for item in get(seeded, sort="name", per_page=3).json()["items"]]
    assert names == sorted(names, key=str.casefold)
    seen, cursor = [], None
    while True:
        page = get(seeded, q="prüfen", per_page=4, **({"cursor": cursor} if cursor else {})).json()
        seen += [item["ref"] for item in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == get(seeded, q="prüfen", per_page=100).json()["total"]
    typo = get(seeded, q="Hundesteur").json()
    assert typo["fallback"]["kind"] == "typo" and typo["items"][0]["slug"] == "hundesteuer"


@pytest.mark.parametrize(
    "params, field",
    [
        ({"q": "Gewerbe\x00"}, "q"),
        ({"q": "x" * 300}, "q"),
        ({"q": "x" * 600}, "q"),
        ({"q": "a b c d e f g h i j k l m n o p"}, "q"),
        ({"cursor": "bm90IGEgY3Vyc29y"}, "cursor"),
        ({"page": "200", "per_page": "100"}, "page"),
        ({"sort": "random"}, "sort"),
        ({"land": "17"}, "land"),
        ({"status": "0"}, "status"),
        ({"leistungsschluessel": "99 05"}, "leistungsschluessel"),
        ({"themenfeld": "Bauen\x00"}, "themenfeld"),
    ],
)
def test_what_cannot_be_searched_is_a_422_naming_the_parameter(seeded, params, field):
    response = get(seeded, **params)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_request" and field in error["message"]


def test_odd_bytes_are_never_a_500(seeded):
    server, headers = seeded
    for raw in ("%ED%A0%80", "%FF%FE", "%F0%9F%90%95+Hund", "%22%27%3B--", "NEAR%28a%29", "%2A%3A%2A"):
        response = server.session.get(f"{server.api}/processes?q={raw}", headers=headers, timeout=30)
        assert response.status_code in (200, 422), (raw, response.text)


def test_procex_search_shows_what_people_choose_by(seeded, tmp_path, run_cli):
    server, headers = seeded
    Workspace.init(tmp_path, "Stadt Köln", "05315000", server.url)
    token = headers["Authorization"].split()[1]
    search = partial(run_cli, "search", cwd=tmp_path, env={"PROCEX_TOKEN": token}, check=True)

    found = search("Gewerbe anmelden", "--land", "07")
    lines = found.stdout.splitlines()
    assert lines[0] == "trier/gewerbeanmeldung@1.0.0  Gewerbeanmeldung"
    assert (
        lines[1]
        == "  Stadt Trier (Rheinland-Pfalz) · 3 Übernahme(n) · Prüfung: 0 Fehler, 1 Warnung(en) · 99050012104000"
    )
    assert "abgeleitet von trier/gewerbeanmeldung@1.0.0" in found.stdout
    assert found.stderr.strip() == "2 Prozess(e) gefunden"
    described = search("GewO", "--publisher", "koeln", "--lang", "en")
    assert "§ 35 GewO" in described.stdout and "2 process(es) found" in described.stderr
    first = search("--sort", "name", "--limit", "2")
    assert "procex search … --cursor " in first.stderr
    cursor = first.stderr.rsplit("--cursor ", 1)[1].strip()
    after = search("--sort", "name", "--limit", "2", "--cursor", cursor)
    names = [
        line.split("  ", 1)[1]
        for line in first.stdout.splitlines() + after.stdout.splitlines()
        if not line.startswith(" ")
    ]
    assert names == sorted(names, key=str.casefold) and len(set(names)) == 4
    as_json = json.loads(search("9905", "--stufe", "103", "--json").stdout)
    assert {item["detaillierungsstufe"] for item in as_json["items"]} == {103}
    typo = search("Hundesteur")
    assert "nichts gefunden für „Hundesteur“" in typo.stderr and "trier/hundesteuer@1.0.0" in typo.stdout
