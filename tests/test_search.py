"""Ranked search at the store (storage/search.py) over a seeded library of 50 municipal processes,
on SQLite and PostgreSQL: the known-answer set, the same top 3 on both backends, filters and
facets, keyset paging, sorting, snippets, the typo fallback, estimated totals and bad input."""

import pytest

from procex.exchange.server.storage import search
from procex.exchange.server.storage.search import SearchQuery, snippet_html
from procex.exchange.server.storage.search_text import QueryError, key_range, parse_query, terms
from procex.exchange.server.storage.store import Store
from tests import search_library
from tests.libserver import BACKENDS, make_db

_LIBRARIES = {}


@pytest.fixture(scope="module")
def libraries(tmp_path_factory):
    """backend -> seeded Store; the PostgreSQL one only where a server runs (always in CI)."""
    yield _LIBRARIES
    for store, cleanup in _LIBRARIES.values():
        store.close()
        cleanup()
    _LIBRARIES.clear()


@pytest.fixture(params=BACKENDS)
def library(request, libraries, tmp_path_factory):
    backend = request.param
    if backend not in libraries:
        db, cleanup = make_db(backend, tmp_path_factory.mktemp("search"))
        store = Store(db)
        search_library.seed_store(store)
        libraries[backend] = (store, cleanup)
    return libraries[backend][0]


def refs(page):
    return [f"{hit.publisher}/{hit.slug}" for hit in page.hits]


def top3(store, text):
    return refs(store.search_page(SearchQuery(text=text, limit=3)))


def test_known_answers_hit_at_least_90_percent(library):
    queries = search_library.known_answers()
    assert len(queries) >= 40
    misses = [
        (item["q"], top3(library, item["q"]))
        for item in queries
        if not set(item["top3"]) <= set(top3(library, item["q"]))
    ]
    hit_rate = 1 - len(misses) / len(queries)
    assert hit_rate >= 0.9, misses


def test_same_top3_on_sqlite_and_postgresql(libraries, library, request):
    if len(libraries) < 2:
        pytest.skip("needs both backends seeded (runs with the postgresql parameter)")
    sqlite, postgres = libraries["sqlite"][0], libraries["postgresql"][0]
    for item in search_library.known_answers():
        assert top3(sqlite, item["q"]) == top3(postgres, item["q"]), item["q"]
    for text in ("gewerbe", "Bescheid", "prüfen", "9905", ""):
        for sort in search.SORTS:
            query = SearchQuery(text=text, sort=sort, limit=50, facets=True)
            one, other = sqlite.search_page(query), postgres.search_page(query)
            assert refs(one) == refs(other), (text, sort)
            assert (one.total, one.facets) == (other.total, other.facets), (text, sort)


def test_ranking_tiers_and_boost(library):
    page = library.search_page(SearchQuery(text="gewerbe"))
    # The name tier comes first; within it the original three towns adopted leads.
    assert page.hits[0].ref == "trier/gewerbeanmeldung@1.0.0" and page.hits[0].adoptions == 3
    assert page.hits[0].tier == "name"
    tiers = [search.TIERS.index(hit.tier) for hit in page.hits]
    assert tiers == sorted(tiers)
    # The adapted copy says what it was derived from; the yanked version is not listed.
    copy = library.search_page(SearchQuery(text="Gewerbe Anmeldung", publisher="koblenz")).hits[0]
    assert copy.derived_from["ref"] == "trier/gewerbeanmeldung@1.0.0"
    assert "mainz/gewerbeanmeldung-alt" not in refs(library.search_page(SearchQuery(text="gewerbe", limit=100)))
    hit = page.hits[0]
    assert hit.validation == {"errors": 0, "warnings": 1}
    assert hit.region == {"ags": "07211000", "name": "Stadt Trier", "land": "07", "land_name": "Rheinland-Pfalz"}
    assert hit.keys == ["99050012104000"]


def test_key_lookup_exact_and_by_prefix(library):
    exact = library.search_page(SearchQuery(keys=("99050012104000",)))
    assert sorted(refs(exact)) == ["koblenz/gewerbe-anmeldung", "trier/gewerbeanmeldung"]
    prefix = library.search_page(SearchQuery(keys=("99050012",), limit=100))
    expected = {
        f"{item['publisher']}/{item['slug']}"
        for item in search_library.processes()
        if not item.get("yanked") and any(key.startswith("99050012") for key in item["keys"])
    }
    assert set(refs(prefix)) == expected and prefix.total == len(expected)
    # Words and keys combine: typed together or as a filter.
    assert refs(library.search_page(SearchQuery(text="9911500 abmelden"))) == ["koeln/wohnsitz-abmeldung"]
    assert key_range("9905") == ("99050000000000", "99060000000000")
    assert key_range("99") == ("99000000000000", "~")


def test_filters_and_facets_count_the_matches(library):
    listed = [item for item in search_library.processes() if not item.get("yanked")]
    ags = {member["slug"]: member["ags"] for member in search_library.members()}
    page = library.search_page(SearchQuery(limit=100, facets=True))
    assert page.total == len(listed) and not page.total_estimated and not page.facets_estimated
    lands = {entry["value"]: entry["count"] for entry in page.facets["land"]}
    expected = {}
    for item in listed:
        land = ags[item["publisher"]][:2]
        expected[land] = expected.get(land, 0) + 1
    assert lands == expected
    assert {entry["value"]: entry["label"] for entry in page.facets["land"]}["07"] == "Rheinland-Pfalz"
    statuses = {entry["value"]: entry["count"] for entry in page.facets["fim_status"]}
    assert statuses == {6: sum(i["status"] == 6 for i in listed), 2: sum(i["status"] == 2 for i in listed)}
    # Filters narrow the words' hits; facets follow the filters.
    rlp = library.search_page(SearchQuery(text="gewerbe", land="07", facets=True))
    assert set(refs(rlp)) == {
        "trier/gewerbeanmeldung",
        "koblenz/gewerbe-anmeldung",
        "trier/gewerbeabmeldung",
        "mainz/gewerbeummeldung",
        "bernkastel-kues/weinfest",  # its key's LeiKa name: Gaststättengewerbe Gestattung
    }
    assert [entry["value"] for entry in rlp.facets["land"]] == ["07"]
    assert refs(library.search_page(SearchQuery(text="gewerbe", status=2))) == ["koblenz/gewerbe-anmeldung"]
    assert refs(library.search_page(SearchQuery(text="Baugenehmigung", detaillierungsstufe=104))) == [
        "freiburg/baugenehmigung"
    ]
    assert refs(library.search_page(SearchQuery(detaillierungsstufe=101))) == []  # only in the yanked version
    family = library.search_page(SearchQuery(themenfeld="Familie & Kind", facets=True, limit=100))
    assert {"leipzig/elterngeld", "erfurt/kita-platz"} <= set(refs(family))
    assert family.facets["themenfeld"][0] == {
        "value": "Familie & Kind",
        "label": "Familie & Kind",
        "count": family.total,
    }
    assert refs(library.search_page(SearchQuery(text="Steuer", publisher="leipzig"))) == [
        "leipzig/hundesteuer-befreiung"
    ]


def test_keyset_paging_walks_every_hit_once(library):
    for sort in search.SORTS:
        whole = refs(library.search_page(SearchQuery(text="prüfen", sort=sort, limit=100)))
        assert len(whole) > 10
        walked, cursor = [], None
        while True:
            page = library.search_page(SearchQuery(text="prüfen", sort=sort, limit=3, cursor=cursor))
            walked += refs(page)
            assert page.total == len(whole)
            cursor = page.next_cursor
            if cursor is None:
                break
        assert walked == whole, sort
    with pytest.raises(QueryError, match="cursor"):
        library.search_page(SearchQuery(text="Hunde", cursor=page.next_cursor or "eyJ4IjoxfQ"))


def test_sorts(library):
    by_adoptions = library.search_page(SearchQuery(sort="adoptions", limit=100)).hits
    assert [hit.adoptions for hit in by_adoptions] == sorted((hit.adoptions for hit in by_adoptions), reverse=True)
    assert by_adoptions[0].ref == "koeln/wohnsitz-anmeldung@1.0.0"  # four towns adopted it
    by_name = [hit.name for hit in library.search_page(SearchQuery(sort="name", limit=5)).hits]
    assert by_name[:2] == ["Abfallgebühren festsetzen", "Abmeldung einer Wohnung"]
    newest = library.search_page(SearchQuery(sort="newest", limit=100)).hits
    assert [hit.updated_at for hit in newest] == sorted((hit.updated_at for hit in newest), reverse=True)


def test_snippet_marks_the_words_and_escapes(library):
    hit = library.search_page(SearchQuery(text="GewO", publisher="koeln")).hits[0]
    assert hit.snippet["field"] in ("description", "legal_basis")
    marked = [hit.snippet["text"][s:e] for s, e in hit.snippet["marks"]]
    assert marked and set(marked) == {"GewO"}
    hundesteuer = library.search_page(SearchQuery(text="Hunde Marke")).hits[0]
    assert [hundesteuer.snippet["text"][s:e] for s, e in hundesteuer.snippet["marks"]] == ["Hund", "Hundemarke"]
    assert (
        snippet_html({"text": "<b>Hund</b> & Katze", "marks": [[3, 7]]})
        == "&lt;b&gt;<mark>Hund</mark>&lt;/b&gt; &amp; Katze"
    )
    long = search.snippet(
        {"name": "x", "description": "Wort " * 80 + "Hundesteuer am Ende " + "Wort " * 80}, [], ("hund",), False
    )
    assert long["field"] == "description" and len(long["text"]) <= search.SNIPPET_CHARS + 4
    assert long["text"].startswith("… ") and [long["text"][s:e] for s, e in long["marks"]] == ["Hundesteuer"]


def test_typo_fallback_says_so(library):
    page = library.search_page(SearchQuery(text="Gewerbeanmeldnug"))
    assert refs(page)[0] == "trier/gewerbeanmeldung"
    assert page.fallback["kind"] == "typo" and page.fallback["corrected"] == {"Gewerbeanmeldnug": "gewerbeanmeldung"}
    assert library.search_page(SearchQuery(text="Gewerbeanmeldung")).fallback is None
    nothing = library.search_page(SearchQuery(text="Raumfahrtbehörde"))
    assert nothing.hits == [] and nothing.total == 0 and nothing.fallback is None


def test_fewer_words_when_no_process_holds_them_all(library):
    # No process holds "verloren": the search leaves it out and says so.
    page = library.search_page(SearchQuery(text="Ausweis verloren"))
    assert page.fallback == {
        "kind": "partial",
        "message": "nothing matched every word of 'Ausweis verloren'; showing hits for 'Ausweis'",
        "left_out": ["verloren"],
        "query": "Ausweis",
        "typed": True,
    }
    assert refs(page) == refs(library.search_page(SearchQuery(text="Ausweis")))
    assert refs(page)[0] == "mainz/personalausweis"
    # A word of asking is left out before a word of the service, whatever their order.
    assert library.search_page(SearchQuery(text="beantragen Elterngeld formular")).fallback["query"] == "Elterngeld"
    # Three words: leaving out one is tried before keeping one.
    three = library.search_page(SearchQuery(text="Gewerbe online anmelden"))
    assert three.fallback["query"] == "Gewerbe anmelden" and three.fallback["left_out"] == ["online"]
    # One word: its parts without the head of the compound; never the head alone.
    assert library.search_page(SearchQuery(text="Heiratsurkunde")).fallback["query"] == "eheschliess"
    nothing = library.search_page(SearchQuery(text="Raumfahrtbehörde"))
    assert nothing.hits == [] and nothing.fallback is None


def test_fallback_candidates_keep_more_than_a_letter_and_survive_long_corrections(monkeypatch):
    from procex.exchange.server.storage import search_fallback

    shown = [fallback.info["query"] for fallback in search_fallback.candidates("b Gewerbe verloren")]
    assert shown == ["b Gewerbe", "b verloren", "Gewerbe verloren", "Gewerbe", "verloren"]  # never "b" alone
    # Corrections that split into more words than a query may have are not tried (no QueryError).
    long = ["Hundesteuer", "Gewerbeanmeldung", "Fischereischein", "Reisepass", "Wohnsitz"]
    monkeypatch.setattr(search_fallback, "corrections", lambda text, vocabulary: {"words": long, "changes": {}})
    kinds = {fallback.info["kind"] for fallback in search_fallback.candidates("Hund verloren", lambda: [])}
    assert kinds == {"partial"}


def test_next_pages_of_a_fallback_continue_it(library):
    """The next page is asked with the same text and the cursor; it continues the fallback (the
    corrected or shortened words), not the text's own search, until every hit was shown once."""
    for text, instead in (("Ausweis verloren", "Ausweis"), ("Gewerbeanmeldnug", "gewerbeanmeldung ")):
        expected = refs(library.search_page(SearchQuery(text=instead, limit=50)))
        assert len(expected) >= 2, text  # more than one page of one
        seen, cursor = [], None
        while True:
            page = library.search_page(SearchQuery(text=text, limit=1, cursor=cursor, facets=cursor is None))
            assert page.fallback is not None and page.fallback["query"] == instead.strip()
            seen += refs(page)
            cursor = page.next_cursor
            if not cursor:
                break
        assert seen == expected, text
    first = library.search_page(SearchQuery(text="Ausweis verloren", limit=1))
    with pytest.raises(QueryError, match="cursor"):  # another text's cursor is refused
        library.search_page(SearchQuery(text="Reisepass verloren", limit=1, cursor=first.next_cursor))


@pytest.mark.parametrize("backend", BACKENDS)
def test_words_of_asking_match_but_do_not_decide_the_tier(backend, tmp_path):
    """Every process below holds "Antrag" in its tasks, so "Reisepass beantragen" matches all three;
    names say what the service is, not "beantragen": the one named Reisepass comes first, then the
    one with Reisepass in its name, then the one that mentions it in its description, although
    the adoptions order them the other way round."""
    db, cleanup = make_db(backend, tmp_path)
    store = Store(db)
    try:
        adopters = ["trier", "mainz", "koeln"]
        for slug in ["koblenz"] + adopters:
            store.add_member(slug, slug.capitalize(), "07111000")
            store.agree(slug, "dl-de/by-2-0")
        member = {"ags": "07111000", "name": "Stadt Koblenz"}
        for slug, name, description, adopted in (
            ("reisepass", "Reisepass", "Ausstellung eines Passes", 0),
            ("kinderreisepass", "Kinderreisepass Verlängerung", "Verlängerung", 2),
            ("meldebescheinigung", "Meldebescheinigung", "Für den Antrag auf einen Reisepass", 3),
        ):
            item = {"publisher": "koblenz", "slug": slug, "name": name, "keys": [], "description": description,
                    "keywords": [], "stufe": 102, "status": 6, "legal": []}  # fmt: skip
            model = search_library.model_for(name, ["Antrag prüfen"])
            manifest = search_library.manifest_of(item, member, model)
            assert store.publish(manifest, model, ["Antrag prüfen"])[0] == "created"
            for adopter in adopters[:adopted]:
                store.adopt("koblenz", slug, "1.0.0", adopter)
        page = store.search_page(SearchQuery(text="Reisepass beantragen"))
        assert [(hit.slug, hit.tier) for hit in page.hits] == [
            ("reisepass", "exact"),
            ("kinderreisepass", "name"),
            ("meldebescheinigung", "description"),
        ]
        assert page.total == 3 and page.fallback is None
        # Without a word of asking the tiers are the same; words of asking alone decide them.
        assert refs(store.search_page(SearchQuery(text="Reisepass"))) == refs(page)
        alone = store.search_page(SearchQuery(text="Antrag"))
        assert [hit.tier for hit in alone.hits] == ["description", "anywhere", "anywhere"]
    finally:
        store.close()
        cleanup()


def test_total_is_estimated_past_the_exact_limit(library, monkeypatch):
    monkeypatch.setattr(search, "EXACT_TOTAL", 10)
    page = library.search_page(SearchQuery(limit=5, facets=True))
    assert page.total == 50 and not page.total_estimated  # no words, no filter: the counter
    page = library.search_page(SearchQuery(text="prüfen", limit=5, facets=True))
    exact = len(refs(library.search_page(SearchQuery(text="prüfen", limit=100))))
    assert page.total_estimated and page.facets_estimated and page.total > 10
    assert abs(page.total - exact) <= exact  # an estimate, not a count
    assert sum(entry["count"] for entry in page.facets["land"]) == pytest.approx(
        page.total, abs=len(page.facets["land"])
    )


@pytest.mark.parametrize(
    "query, field",
    [
        (SearchQuery(text="Gewerbe\x00"), "q"),
        (SearchQuery(text="Gewerbe\ud800"), "q"),
        (SearchQuery(text="x" * 201), "q"),
        (SearchQuery(text=" ".join(f"wort{i}" for i in range(9))), "q"),
        (SearchQuery(keys=("99x",)), "leistungsschluessel"),
        (SearchQuery(land="17"), "land"),
        (SearchQuery(status=9), "status"),
        (SearchQuery(detaillierungsstufe=100), "detaillierungsstufe"),
        (SearchQuery(sort="random"), "sort"),
        (SearchQuery(limit=0), "per_page"),
        (SearchQuery(themenfeld="a\x00"), "themenfeld"),
        (SearchQuery(cursor="!!!"), "cursor"),
        (SearchQuery(offset=5000), "page"),
    ],
)
def test_bad_queries_are_refused_naming_the_field(library, query, field):
    with pytest.raises(QueryError, match=f"^{field}:"):
        library.search_page(query)


def test_weird_text_is_searched_not_interpreted(library):
    for text in (
        '"Gewerbe',
        "Gewerbe AND OR NOT",
        "Gewerbe*",
        "'; DROP TABLE processes; --",
        "NEAR(a b)",
        "§§§",
        "🐕 Hund",
        "-",
        ":*",
    ):
        page = library.search_page(SearchQuery(text=text))
        assert page.total >= 0
    assert "trier/hundesteuer" in refs(library.search_page(SearchQuery(text="🐕 Hund")))


def test_query_terms_are_german_aware():
    assert terms("Gewerbeanmeldungen") == terms("Gewerbe anmelden") == ["gewerb", "anmeld"]
    assert terms("Kfz-Zulassung") == terms("Kraftfahrzeugzulassung")
    assert terms("Hunde") == ["hund"] and "hund" in terms("Hundesteuer")
    parsed = parse_query("Gewerbe anm")
    assert parsed.words == ("gewerb", "anm") and parsed.prefix
    assert not parse_query("Gewerbe ").prefix
    assert parse_query("9905 Gewerbe").key_prefixes == ("9905",)


def test_listing_state_is_one_counter(tmp_path):
    store = Store(str(tmp_path / "lib.sqlite"))
    try:
        with store.snapshot() as conn:
            empty = store.index_state(conn)
        search_library.seed_store(store)
        with store.snapshot() as conn:
            etag, count = store.index_state(conn)
        assert count == 50 and etag != empty[0]
        store.adopt("koeln", "sperrmuell", "1.0.0", "trier")
        with store.snapshot() as conn:
            assert store.index_state(conn)[0] != etag
    finally:
        store.close()


def test_counts_kept_per_library_state_follow_every_change(tmp_path):
    """Totals and facets of a search past one page are kept (CountCache) for the library state
    they were counted in: repeated, they are the same; after a yank they count again."""
    store = Store(str(tmp_path / "lib.sqlite"))
    try:
        search_library.seed_store(store)
        query = SearchQuery(text="prüfen", limit=2, facets=True)
        first = store.search_page(query)
        assert first.total > 2 and first.next_cursor and not first.total_estimated
        again = store.search_page(query)
        assert (again.total, again.facets) == (first.total, first.facets)
        gone = first.hits[0]
        store.yank(gone.publisher, gone.slug, gone.version, "ersetzt", gone.publisher)
        after = store.search_page(query)
        assert after.total == first.total - 1
        assert sum(entry["count"] for entry in after.facets["publisher"]) == after.total
        assert store.search_page(SearchQuery(text="prüfen", limit=2)).total == after.total
    finally:
        store.close()
