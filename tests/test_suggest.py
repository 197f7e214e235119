"""procex suggest (exchange/suggest.py): a catalogue and a library whose right answers are known."""

import json

import pytest

from procex.exchange.catalogue.entries import CatalogueEntry as E
from procex.exchange.catalogue.suggest import (
    LibraryIndex,
    coverage_sentence,
    fill_adoptions,
    format_text,
    suggest,
    waiting_entries,
)
from procex.exchange.workspace.lock import Lock


def item(publisher, slug, version, name, keys=(), adoptions=None, keywords=(), validation=None):
    """A library search item as the server's _search_item gives it (version under "latest");
    without ``validation`` as a library older than the validation summary lists it."""
    data = {
        "publisher": publisher,
        "slug": slug,
        "latest": version,
        "ref": f"{publisher}/{slug}@{version}",
        "name": name,
        "leistungsschluessel": list(keys),
        "keywords": list(keywords),
        "description": "",
    }
    if adoptions is not None:
        data["adoptions"] = adoptions
    if validation is not None:
        data["validation"] = validation
    return data


CATALOGUE = [
    E("99050012104000", "Gewerbeanmeldung", "planned", "Ordnungsamt"),
    E("99102013104000", "Hundesteuer Anmeldung", "in_progress", "Steueramt"),
    E("", "Wohnsitz ummelden", "planned", "Bürgeramt"),
    E("99050012070000", "Gewerbeabmeldung", "online", "Ordnungsamt"),  # online: not waiting
    E(
        "99050012071000", "Gewerbeummeldung", "planned", "Ordnungsamt", "processes/gewerbe-ummeldung.bpmn"
    ),  # has a process file
    E("99102017002000", "Zweitwohnungsteuer", "planned", "Steueramt"),  # served per procex.lock
    E("99042001012000", "Fischereischein", "planned", "Ordnungsamt"),  # nothing in the library
]
LOCK = Lock.from_json(
    {"processes": {"zweitwohnungsteuer": {"upstream": None, "entry": "99102017002000", "sha256": "0" * 64}}}
)

LIBRARY = [
    item("trier", "gewerbeanmeldung", "1.1.0", "Gewerbeanmeldung", ["99050012104000"], 3),
    item("mainz", "gewerbe-anmeldung", "2.0.0", "Gewerbe-Anmeldung", ["99050012104000"], 5),
    item("koblenz", "gewerbeanmeldung", "1.0.0", "Gewerbeanmeldung", ["99050012104000"], 9),  # our own
    item("speyer", "gewerbeanmeldung-online", "0.3.0", "Gewerbeanmeldung online", [], 0),
    item("bonn", "gewerbe-lf", "1.0.0", "Gewerbeanmeldung Land- und Forstwirtschaft", ["99050012104001"], 1),
    item("bonn", "gewerbeabmeldung", "1.0.0", "Gewerbeabmeldung", ["99050012070000"], 2),
    item(
        "trier",
        "hundesteuer-anmeldung",
        "1.0.0",
        "Hundesteuer Anmeldung",
        ["99102013104000"],
        0,
        validation={"errors": 0, "warnings": 2},
    ),
    item(
        "worms",
        "hundesteuer-abmeldung",
        "1.2.0",
        "Abmeldung eines Hundes",
        ["99102013070000"],
        1,
        keywords=["Hundesteuer"],
    ),
    item("mainz", "zweitwohnungsteuer", "1.0.0", "Zweitwohnungsteuer Anmeldung", ["99102017104000"], 4),
    item("trier", "wohnsitz-ummeldung", "1.0.0", "Ummeldung des Wohnsitzes", [], 2),
    item("mainz", "baumfaellung", "1.0.0", "Baumfällgenehmigung", ["99093003001000"], 7),
]


@pytest.fixture(scope="module")
def result():
    return suggest(CATALOGUE, LibraryIndex(LIBRARY, own_publisher="koblenz"), LOCK, limit=10)


def ranking(suggestion):
    return [(c.ref, c.tier) for c in suggestion.candidates]


def test_waiting_entries_leave_out_online_and_served_ones():
    titles = [e.title for e in waiting_entries(CATALOGUE, LOCK)]
    assert titles == ["Gewerbeanmeldung", "Hundesteuer Anmeldung", "Wohnsitz ummelden", "Fischereischein"]
    assert [e.title for e in waiting_entries(CATALOGUE, LOCK, ("in_progress",))] == ["Hundesteuer Anmeldung"]


def test_ranking_by_key_then_object_then_similarity(result):
    gewerbe, hund, wohnsitz, fischerei = result.suggestions
    # Same key first (more adoptions first among equal names), our own process never appears;
    # then the same object and action with another detail, then another action, then a name alone.
    assert ranking(gewerbe) == [
        ("mainz/gewerbe-anmeldung@2.0.0", "exact"),
        ("trier/gewerbeanmeldung@1.1.0", "exact"),
        ("bonn/gewerbe-lf@1.0.0", "action"),
        ("bonn/gewerbeabmeldung@1.0.0", "object"),
        ("speyer/gewerbeanmeldung-online@0.3.0", "similar"),
    ]
    # Same object found through the key although the name shares little ("Abmeldung eines Hundes");
    # another tax of the same LeiKa group only through its similar name; Baumfällung never.
    assert ranking(hund) == [
        ("trier/hundesteuer-anmeldung@1.0.0", "exact"),
        ("worms/hundesteuer-abmeldung@1.2.0", "object"),
        ("mainz/zweitwohnungsteuer@1.0.0", "group"),
    ]
    # No key: the name alone, German-aware ("Wohnsitz ummelden" ~ "Ummeldung des Wohnsitzes").
    assert ranking(wohnsitz) == [("trier/wohnsitz-ummeldung@1.0.0", "similar")]
    assert wohnsitz.candidates[0].score > 0.9
    assert fischerei.candidates == [] and fischerei.total == 0


def test_limit_keeps_counts(result):
    limited = suggest(CATALOGUE, LibraryIndex(LIBRARY, own_publisher="koblenz"), LOCK, limit=2)
    gewerbe = limited.suggestions[0]
    assert len(gewerbe.candidates) == 2 and gewerbe.total == 5
    assert gewerbe.by_tier == {"exact": 2, "action": 1, "object": 1, "similar": 1}
    assert limited.coverage == result.coverage


def test_coverage_figure(result):
    assert result.coverage == {"waiting": 4, "covered": 3, "exact": 2}
    assert coverage_sentence({"waiting": 148, "covered": 97, "exact": 61}) == (
        "für 97 von 148 wartenden Leistungen gibt es einen Prozess einer anderen Kommune (61 exakt)"
    )
    assert coverage_sentence({"waiting": 148, "covered": 97, "exact": 61}, "en") == (
        "for 97 of 148 waiting services a peer process exists (61 exact)"
    )
    lines = format_text(result)
    assert lines[-1] == "für 3 von 4 wartenden Leistungen gibt es einen Prozess einer anderen Kommune (2 exakt)"


def test_text_and_json_show_publisher_version_validation_adoptions(result):
    text = "\n".join(format_text(result))
    assert "1. trier/hundesteuer-anmeldung@1.0.0  Hundesteuer Anmeldung  [gleicher Leistungsschlüssel]" in text
    assert "0 Übernahmen · geprüft: keine Fehler, 2 Warnungen" in text
    assert "5 Übernahmen · von der Bibliothek angenommen" in text  # the listing has no summary for it
    assert "keine passenden Prozesse in der Bibliothek" in text
    english = "\n".join(format_text(result, "en"))
    assert "[same Leistungsschlüssel]" in english and "1 adoption · accepted by the library" in english
    assert "0 adoptions · checked: no errors, 2 warnings" in english
    data = json.loads(json.dumps(result.as_json()))
    first = data["entries"][0]["candidates"][0]
    assert first == {
        "ref": "mainz/gewerbe-anmeldung@2.0.0",
        "publisher": "mainz",
        "slug": "gewerbe-anmeldung",
        "version": "2.0.0",
        "name": "Gewerbe-Anmeldung",
        "leistungsschluessel": ["99050012104000"],
        "match": "exact",
        "score": 1.0,
        "adoptions": 5,
        "validation": "accepted",
    }
    assert data["coverage"] == {"waiting": 4, "covered": 3, "exact": 2}
    hund = data["entries"][1]["candidates"][0]
    assert (hund["ref"], hund["validation"]) == ("trier/hundesteuer-anmeldung@1.0.0", {"errors": 0, "warnings": 2})


def test_validation_state_in_words():
    from procex.exchange.catalogue.suggest import TEXTS, Candidate, _validation_text

    def words(validation, lang="de"):
        return _validation_text(
            Candidate({"publisher": "p", "slug": "s", "validation": validation}, "exact", 1.0).validation, TEXTS[lang]
        )

    assert words({"errors": 0, "warnings": 0}) == "geprüft: keine Fehler, keine Warnungen"
    assert words({"errors": 1, "warnings": 1}) == "geprüft: 1 Fehler, 1 Warnung"
    assert words({"errors": 3, "warnings": 12}) == "geprüft: 3 Fehler, 12 Warnungen"
    assert words({"errors": 1, "warnings": 0}, "en") == "checked: 1 error, no warnings"
    assert words({"errors": 0, "warnings": 2}, "en") == "checked: no errors, 2 warnings"
    # Nothing known (an older library, or null for a model it could not check), or nonsense: accepted.
    for unknown in (None, {}, {"errors": 0}, {"errors": -1, "warnings": 0}, {"errors": True, "warnings": 0}, "ok"):
        assert words(unknown) == "von der Bibliothek angenommen"


def test_adoptions_asked_per_shown_candidate_when_the_listing_lacks_them():
    bare = [{k: v for k, v in i.items() if k != "adoptions"} for i in LIBRARY]
    result = suggest(CATALOGUE, LibraryIndex(bare, own_publisher="koblenz"), LOCK, limit=1)
    asked = []

    def adoptions_of(publisher, slug):
        asked.append(f"{publisher}/{slug}")
        # two versions adopted by the same municipality count once
        return [
            {"version": "1.0.0", "adopter": {"slug": "bonn"}},
            {"version": "1.1.0", "adopter": {"slug": "bonn"}},
            {"version": "1.1.0", "adopter": {"slug": "worms"}},
        ]

    fill_adoptions(result, adoptions_of)
    assert sorted(asked) == ["mainz/gewerbe-anmeldung", "trier/hundesteuer-anmeldung", "trier/wohnsitz-ummeldung"]
    assert [s.candidates[0].adoptions for s in result.suggestions[:3]] == [2, 2, 2]


def test_name_stems_equal_label_tokens_on_the_leika_list():
    from procex.bpmn.text import label_tokens
    from procex.exchange.catalogue.leika import load_leika
    from procex.exchange.catalogue.suggest import name_stems

    cache = {}
    names = [s.name for s in load_leika().values()]
    names += [f"Antrag auf {n}" for n in names[:500]] + ["für", "der und die", "Gewerbe-Anmeldung (online)"]
    assert [n for n in names if name_stems(n, cache) != frozenset(label_tokens(n))] == []


def test_index_is_reused_and_scales():
    """Many municipalities publishing the same names: similarity is computed once per name."""

    library = []
    for n in range(20000):
        library.append(
            item(
                f"kommune-{n % 400}",
                f"p{n}",
                "1.0.0",
                ["Gewerbeanmeldung", "Hundesteuer Anmeldung", "Baumfällgenehmigung", "Ummeldung des Wohnsitzes"][n % 4],
                [["99050012104000"], ["99102013104000"], ["99093003001000"], []][n % 4],
                n % 7,
            )
        )
    index = LibraryIndex(library, own_publisher="koblenz")
    result = suggest(CATALOGUE * 20, index, LOCK, limit=5)
    assert result.coverage == {"waiting": 80, "covered": 60, "exact": 40}
    assert result.suggestions[0].total == 5000  # every Gewerbeanmeldung, nothing else


# --- against a real library server --------------------------------------------------------------


def test_cli_suggest_against_a_real_library(tmp_path, monkeypatch, run_cli):
    from procex.exchange.catalogue.entries import write_catalogue
    from procex.exchange.workspace.folder import Workspace
    from tests.libserver import LibraryServer, make_db, warned_model

    db, cleanup = make_db("sqlite", tmp_path)
    try:
        with LibraryServer(db) as server:
            trier, mainz, bonn, koblenz = (server.member(prefix=p) for p in ("trier", "mainz", "bonn", "koblenz"))
            published = [
                server.publish(trier, "gewerbeanmeldung", "1.0.0"),
                # The recommended rules find 2 warnings and no error in it (the others: no diagram, 1 error).
                server.publish(trier, "gewerbeanmeldung", "1.1.0", model=warned_model()),
                server.publish(
                    mainz, "gewerbeabmeldung", "1.0.0", name="Gewerbeabmeldung", leistungsschluessel=["99050012070000"]
                ),
                server.publish(
                    mainz,
                    "wohnsitz-ummeldung",
                    "2.0.0",
                    name="Ummeldung des Wohnsitzes",
                    leistungsschluessel=[],
                    keywords=["Meldewesen"],
                ),
                server.publish(koblenz, "gewerbeanmeldung", "1.0.0"),  # our own: never suggested
            ]
            assert [r.status_code for r, _, _ in published] == [201] * 5
            for member in (bonn, mainz):
                assert (
                    server.post(f"/processes/{trier.slug}/gewerbeanmeldung/1.0.0/adoptions", member).status_code == 201
                )
            assert server.post(f"/processes/{trier.slug}/gewerbeanmeldung/1.1.0/adoptions", bonn).status_code == 201

            Workspace.init(tmp_path / "ws", "Stadt Koblenz", "07111000", server.url, slug=koblenz.slug)
            write_catalogue(
                tmp_path / "ws/catalogue.csv",
                [
                    E("99050012104000", "Gewerbeanmeldung", "planned", "Ordnungsamt"),
                    E("", "Wohnsitz ummelden", "in_progress", "Bürgeramt"),
                    E("99042001012000", "Fischereischein", "planned", "Ordnungsamt"),
                    E("99115005104000", "Wohnsitz anmelden", "online", "Bürgeramt"),
                ],
            )
            monkeypatch.chdir(tmp_path / "ws")
            monkeypatch.setenv("PROCEX_TOKEN", koblenz.token)
            code, out, err = run_cli("suggest", "--json")
            assert code == 0, err
            data = json.loads(out)
            assert data["coverage"] == {"waiting": 3, "covered": 2, "exact": 1}
            gewerbe, wohnsitz, fischerei = data["entries"]
            assert [(c["ref"], c["match"], c["adoptions"]) for c in gewerbe["candidates"]] == [
                (f"{trier.slug}/gewerbeanmeldung@1.1.0", "exact", 2),  # bonn (twice) and mainz: 2 municipalities
                (f"{mainz.slug}/gewerbeabmeldung@1.0.0", "object", 0),
            ]
            # The validation summary the library counted at publish arrives with the listing.
            assert [c["validation"] for c in gewerbe["candidates"]] == [
                {"errors": 0, "warnings": 2},
                {"errors": 1, "warnings": 0},
            ]
            assert [(c["ref"], c["match"]) for c in wohnsitz["candidates"]] == [
                (f"{mainz.slug}/wohnsitz-ummeldung@2.0.0", "similar")
            ]
            assert fischerei["candidates"] == []

            code, out, err = run_cli("suggest")
            assert code == 0, err
            lines = out.splitlines()
            assert lines[1] == (
                f"    1. {trier.slug}/gewerbeanmeldung@1.1.0  Gewerbeanmeldung  "
                "[gleicher Leistungsschlüssel]  2 Übernahmen · geprüft: keine Fehler, 2 Warnungen"
            )
            assert lines[2].endswith("0 Übernahmen · geprüft: 1 Fehler, keine Warnungen")

            code, out, err = run_cli("suggest", "--status", "in_progress", "--lang", "en")
            assert code == 0, err
            assert out.splitlines()[-1] == "for 1 of 1 waiting services a peer process exists (0 exact)"
    finally:
        cleanup()


# --- the library listing: index endpoint, cache, fallback ---------------------------------------


def test_suggest_asks_the_library_and_downloads_nothing_of_it(tmp_path, monkeypatch, run_cli):
    """procex suggest sends the waiting entries (one POST /suggest) and reads no listing; the answer
    follows the library's changes at once, since nothing is cached in between."""
    from procex.exchange.catalogue.entries import write_catalogue
    from procex.exchange.catalogue.suggest import INDEX_CACHE, SUGGEST_CACHE
    from procex.exchange.workspace.folder import Workspace
    from tests.libserver import LibraryServer, make_db

    db, cleanup = make_db("sqlite", tmp_path)
    try:
        with LibraryServer(db, log_dir=tmp_path) as server:
            trier, koblenz = server.member(prefix="trier"), server.member(prefix="koblenz")
            assert server.publish(trier, "gewerbeanmeldung", "1.0.0")[0].status_code == 201
            ws = Workspace.init(tmp_path / "ws", "Stadt Koblenz", "07111000", server.url, slug=koblenz.slug)
            write_catalogue(
                tmp_path / "ws/catalogue.csv",
                [
                    E("99050012104000", "Gewerbeanmeldung", "planned", "Ordnungsamt"),
                    E("99102013104000", "Hundesteuer Anmeldung", "planned", "Steueramt"),
                ],
            )
            monkeypatch.chdir(tmp_path / "ws")
            monkeypatch.setenv("PROCEX_TOKEN", koblenz.token)

            def run():
                code, out, err = run_cli("suggest", "--json")
                assert code == 0, err
                return json.loads(out)

            def requests_logged():
                return [
                    line.split('"')[1]
                    for line in server.log().splitlines()
                    if "/api/v1/" in line and "/health" not in line and '"PUT ' not in line
                ]

            first = run()
            assert first["coverage"] == {"waiting": 2, "covered": 1, "exact": 1}
            assert first["library_processes"] == 1
            assert requests_logged() == ["POST /api/v1/suggest HTTP/1.1"]  # no listing, no adoption calls
            assert not ws.path(*INDEX_CACHE).exists()
            cache = json.loads(ws.path(*SUGGEST_CACHE).read_text("utf-8"))
            assert cache["library"] == server.url and cache["limit"] == 5 and len(cache["entries"]) == 2

            assert (
                server.publish(
                    trier, "hundesteuer", "1.0.0", name="Hundesteuer Anmeldung", leistungsschluessel=["99102013104000"]
                )[0].status_code
                == 201
            )
            assert run()["coverage"] == {"waiting": 2, "covered": 2, "exact": 2}
            assert requests_logged()[-1] == "POST /api/v1/suggest HTTP/1.1"
    finally:
        cleanup()


def test_suggest_offline_uses_the_last_answer(tmp_path, monkeypatch, run_cli):
    """A first suggest keeps the library's answer; with the library stopped, suggest answers from it
    and says so in one line on stderr. A refusal (401) is never answered from the cache, an entry
    the cache does not know makes the unreachable library the error it always was, and so does a
    missing cache."""
    from datetime import datetime, timezone

    from procex.exchange.catalogue.entries import write_catalogue
    from procex.exchange.catalogue.suggest import SUGGEST_CACHE
    from procex.exchange.workspace.folder import Workspace
    from tests.libserver import LibraryServer, make_db, warned_model

    def run(*args):
        return run_cli("suggest", *args)

    db, cleanup = make_db("sqlite", tmp_path)
    try:
        server = LibraryServer(db, log_dir=tmp_path).start()
        try:
            trier, koblenz = server.member(prefix="trier"), server.member(prefix="koblenz")
            assert server.publish(trier, "gewerbeanmeldung", "1.0.0", model=warned_model())[0].status_code == 201
            ws = Workspace.init(tmp_path / "ws", "Stadt Koblenz", "07111000", server.url, slug=koblenz.slug)
            write_catalogue(
                tmp_path / "ws/catalogue.csv", [E("99050012104000", "Gewerbeanmeldung", "planned", "Ordnungsamt")]
            )
            monkeypatch.chdir(tmp_path / "ws")
            monkeypatch.setenv("PROCEX_TOKEN", koblenz.token)
            asked = datetime.now(timezone.utc).replace(microsecond=0)
            code, online, err = run("--json")
            assert code == 0 and err == "", err
            cache = json.loads(ws.path(*SUGGEST_CACHE).read_text("utf-8"))
            fetched = datetime.fromisoformat(cache["fetched_at"].replace("Z", "+00:00"))
            assert asked <= fetched <= datetime.now(timezone.utc)  # the time of this answer, however slow

            monkeypatch.setenv("PROCEX_TOKEN", "pxl_not-a-token-of-this-library")
            code, out, err = run("--json")
            assert code == 1 and out == "" and "did not accept your token" in err  # no fallback
            monkeypatch.setenv("PROCEX_TOKEN", koblenz.token)
        finally:
            server.stop()

        code, offline, err = run("--json")
        assert code == 0, err
        assert json.loads(offline) == json.loads(online)
        assert json.loads(offline)["entries"][0]["candidates"][0]["validation"] == {"errors": 0, "warnings": 2}
        when = fetched.astimezone().strftime("%Y-%m-%d %H:%M")
        assert err.splitlines() == [
            f"note: the library at {server.url} cannot be reached; using its suggestions from "
            f"{when} {fetched.astimezone().strftime('%Z')} (1 process)"
        ]
        code, out, err = run()
        assert code == 0 and "geprüft: keine Fehler, 2 Warnungen" in out and len(err.splitlines()) == 1
        code, out, err = run("--limit", "6")  # the cache holds 5 per entry: not enough
        assert code == 1 and "cannot reach the library" in err

        write_catalogue(
            tmp_path / "ws/catalogue.csv",
            [
                E("99050012104000", "Gewerbeanmeldung", "planned", "Ordnungsamt"),
                E("99102013104000", "Hundesteuer", "planned", "Steueramt"),  # never asked
            ],
        )
        code, out, err = run()
        assert code == 1 and out == "" and f"cannot reach the library at {server.url}" in err

        ws.path(*SUGGEST_CACHE).unlink()
        code, out, err = run()
        assert code == 1 and out == ""
        assert f"cannot reach the library at {server.url} to ask the library for suggestions" in err
    finally:
        cleanup()


class _Older:
    """A client of a library older than POST /suggest: it answers 404 there and serves the listing."""

    base_url = "http://library.invalid"

    def __init__(self):
        self.listed = 0

    def suggest(self, entries, limit=5):
        from procex.exchange.library.client import LibraryError

        raise LibraryError("not found: no such resource", status=404, code="not_found")

    def index(self, progress=None, etag=None):
        self.listed += 1
        return LIBRARY, '"ix-1"'

    def adoptions(self, publisher, slug):
        return None


def test_an_older_library_is_ranked_here_over_its_listing(tmp_path):
    from procex.exchange.catalogue.entries import write_catalogue
    from procex.exchange.catalogue.suggest import LibraryIndex, suggest_for_workspace
    from procex.exchange.workspace.folder import Workspace

    ws = Workspace.init(tmp_path / "ws", "Stadt Koblenz", "07111000", "http://library.invalid", slug="koblenz")
    entries = [e for e in CATALOGUE if not e.process and e.leistungsschluessel != "99102017002000"]
    write_catalogue(tmp_path / "ws/catalogue.csv", entries)
    older = _Older()
    result = suggest_for_workspace(ws, client=older)
    assert older.listed == 1
    expected = suggest(entries, LibraryIndex(LIBRARY, own_publisher="koblenz"))
    assert expected.suggestions and any(s.candidates for s in expected.suggestions)
    assert [s.as_json() for s in result.suggestions] == [s.as_json() for s in expected.suggestions]


class _OlderLibrary:
    """A client of a library older than GET /index: it answers 404 there, and pages search."""

    base_url = "http://library.invalid"

    def __init__(self):
        self.paged = 0

    def index(self, progress=None, etag=None):
        from procex.exchange.library.client import LibraryError

        raise LibraryError("not found: no such resource", status=404, code="not_found")

    def search_all(self, progress=None):
        self.paged += 1
        return LIBRARY


def test_listing_falls_back_to_search_on_an_older_library(tmp_path):
    from procex.exchange.catalogue.suggest import INDEX_CACHE, library_listing
    from procex.exchange.library.client import LibraryError
    from procex.exchange.workspace.folder import Workspace

    ws = Workspace.init(tmp_path / "ws", "Stadt Koblenz", "07111000", "http://library.invalid", slug="koblenz")
    older = _OlderLibrary()
    assert library_listing(ws, older) == LIBRARY and older.paged == 1
    assert not ws.path(*INDEX_CACHE).exists()

    class Refusing(_OlderLibrary):
        def index(self, progress=None, etag=None):
            raise LibraryError("your municipality has not accepted the sharing agreement", status=403)

    with pytest.raises(LibraryError, match="sharing agreement"):  # only a 404 means "older library"
        library_listing(ws, Refusing())
