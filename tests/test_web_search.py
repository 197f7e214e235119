"""The search page in headless Chromium, on the seeded library of tests/search_library.py (50 listed
processes of 10 members in 6 Länder; tests/fixtures/search): filters narrow to known answers, sort
changes the order as it says, the facet counts are the library's, the snippet marks the searched
word, "Weitere Treffer" pages by cursor without duplicates or gaps, the typo fallback says so,
every page fits a 390 px phone and axe-core finds nothing serious. Past 1,000 hits the total is an
estimate and the page says "etwa" (over HTTP, on a generated library of 1,500 processes).
"""

import importlib.util
import re
from collections import Counter
from urllib.parse import urljoin

import pytest
import requests
from lxml import etree
from selenium.webdriver.support.ui import Select

from procex.exchange.server.storage.store import Store
from tests import search_library
from tests.browser import axe_violations, chromium, follow
from tests.conftest import REPO
from tests.libserver import LibraryServer, make_db

LISTED = [item for item in search_library.processes() if not item.get("yanked")]
# Known answers, counted by hand from tests/fixtures/search/library.json and members.json.
LAND_COUNTS = {
    "Rheinland-Pfalz": 18,  # trier 8, mainz 5 (without the yanked one), koblenz 3, bernkastel-kues 2
    "Nordrhein-Westfalen": 12,  # koeln 7, muenster 5
    "Hessen": 6,
    "Baden-Württemberg": 5,
    "Sachsen": 5,
    "Thüringen": 4,
}
STATUS_COUNTS = {"fachlich freigegeben (gold)": 47, "in Bearbeitung": 3}
STUFE_COUNTS = {"Stufe 102": 28, "Stufe 103": 18, "Stufe 104": 4}
GEWERBE_IN_RLP = {
    "trier/gewerbeanmeldung",
    "koblenz/gewerbe-anmeldung",
    "trier/gewerbeabmeldung",
    "mainz/gewerbeummeldung",
    "bernkastel-kues/weinfest",  # the LeiKa name of its key: Gaststättengewerbe
}


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("search-page")
    db, cleanup = make_db("sqlite", tmp)
    store = Store(db)
    try:
        assert search_library.seed_store(store) == len(LISTED) == 50
        token, _ = store.create_token("koeln", "browser")
    finally:
        store.close()
    lib = LibraryServer(db, log_dir=tmp).start()
    lib.token = token
    yield lib
    lib.stop()
    cleanup()


@pytest.fixture(scope="module")
def driver(library):
    browser = chromium()
    browser.get(f"{library.url}/signin")
    browser.find_element("id", "token").send_keys(library.token)
    follow(browser, browser.find_element("css selector", "form.stack button[type=submit]"))
    yield browser
    browser.quit()


def _refs(driver):
    """The hits of the page shown, as publisher/slug, in order."""
    return [a.get_attribute("href").split("/p/", 1)[1] for a in driver.find_elements("css selector", "ol.results h3 a")]


def _heading(driver):
    return driver.find_element("id", "results-heading").text


def _facets(driver, name):
    """{label: count} of one facet group, read from the page."""
    found = {}
    for li in driver.find_elements("css selector", f"#facet-{name} li[data-value]"):
        count = li.find_element("css selector", ".count").get_attribute("textContent")
        label = li.find_element("css selector", "a, strong").get_attribute("textContent")
        label = label.replace(count, "")
        found[re.sub(r"\s+", " ", label).strip()] = int(re.match(r"\s*([\d.]+)", count).group(1).replace(".", ""))
    return found


def _api_search(library, text):
    """The API's answer for ``text``, every hit on one page."""
    response = requests.get(
        f"{library.api}/processes",
        params={"q": text, "per_page": 100},
        headers={"Authorization": f"Bearer {library.token}"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return response.json()


def _search(driver, url):
    driver.get(url)
    assert driver.execute_script("return document.readyState") == "complete"


def test_facet_counts_are_the_librarys(library, driver):
    _search(driver, f"{library.url}/")
    assert _heading(driver) == "Alle Prozesse der Bibliothek (50)"
    assert _facets(driver, "land") == LAND_COUNTS
    assert _facets(driver, "status") == STATUS_COUNTS
    assert _facets(driver, "detaillierungsstufe") == STUFE_COUNTS
    publishers = _facets(driver, "publisher")
    names = {m["slug"]: m["name"] for m in search_library.members()}
    assert publishers == {names[slug]: n for slug, n in Counter(item["publisher"] for item in LISTED).items()}
    # screen readers hear the count as "18 Treffer", not a bare number
    rlp = driver.find_element("css selector", "#facet-land li[data-value='07'] a")
    assert re.sub(r"\s+", " ", rlp.get_attribute("textContent")).strip() == "Rheinland-Pfalz 18 Treffer"
    assert rlp.get_attribute("href").endswith("/?land=07")


def test_filters_combine_with_words_and_narrow_to_known_answers(library, driver):
    _search(driver, f"{library.url}/")
    driver.find_element("id", "q").send_keys("Gewerbe")
    driver.find_element("css selector", "details.filters > summary").click()
    Select(driver.find_element("id", "land")).select_by_visible_text("Rheinland-Pfalz")
    follow(driver, driver.find_element("css selector", "form.search button[type=submit]"))
    assert set(_refs(driver)) == GEWERBE_IN_RLP and _heading(driver) == "5 Treffer"
    assert _facets(driver, "land") == {"Rheinland-Pfalz": 5}
    assert driver.find_element("css selector", "#facet-land li.chosen").get_attribute("aria-current") == "true"
    assert _facets(driver, "publisher") == {
        "Stadt Trier": 2,
        "Stadt Koblenz": 1,
        "Landeshauptstadt Mainz": 1,
        "Stadt Bernkastel-Kues": 1,
    }
    # the publisher filter offers the publishers of the hits (not every member of a national library)
    assert [o.text for o in Select(driver.find_element("id", "publisher")).options] == [
        "alle Mitglieder",
        "Landeshauptstadt Mainz",
        "Stadt Bernkastel-Kues",
        "Stadt Koblenz",
        "Stadt Trier",
    ]
    # a facet value narrows further: the one process in Bearbeitung among them
    follow(driver, driver.find_element("css selector", "#facet-status li[data-value='2'] a"))
    assert _refs(driver) == ["koblenz/gewerbe-anmeldung"] and "land=07" in driver.current_url
    assert "in Bearbeitung" in driver.find_element("css selector", "li.result .status").text
    # lifting the Land filter keeps the words and the status
    follow(driver, driver.find_element("css selector", "#facet-land li.clear a"))
    assert "land=" not in driver.current_url and _refs(driver) == ["koblenz/gewerbe-anmeldung"]
    # Leistungsschlüssel by its beginning (Meldewesen 99115…) and exactly; the yanked copy never shows
    _search(driver, f"{library.url}/?leistungsschluessel=99115")
    assert set(_refs(driver)) == {
        "koeln/wohnsitz-anmeldung",
        "muenster/wohnsitz-anmelden",
        "koeln/wohnsitz-abmeldung",
        "erfurt/meldebestaetigung",
        "leipzig/melderegisterauskunft",
    }
    _search(driver, f"{library.url}/?leistungsschluessel=99050012104000")
    assert set(_refs(driver)) == {"trier/gewerbeanmeldung", "koblenz/gewerbe-anmeldung"}
    _search(driver, f"{library.url}/?detaillierungsstufe=104")
    assert set(_refs(driver)) == {
        "freiburg/baugenehmigung",
        "leipzig/wohngeld",
        "leipzig/elterngeld",
        "kassel/einbuergerung",
    }
    # a Themenfeld facet's count is the number of hits its link gives
    _search(driver, f"{library.url}/")
    themen = _facets(driver, "themenfeld")
    assert sum(themen.values()) >= 50  # every seeded key has a Themenfeld in LeiKa (a process may have two)
    smallest = min(themen, key=themen.get)
    entry = next(
        li
        for li in driver.find_elements("css selector", "#facet-themenfeld li[data-value]")
        if li.get_attribute("data-value") == smallest
    )
    follow(driver, entry.find_element("css selector", "a"))
    assert len(_refs(driver)) == themen[smallest] <= 20


def test_sort_changes_the_order(library, driver):
    _search(driver, f"{library.url}/?q=Gewerbe")
    relevance = _refs(driver)
    # "Gewerbe" in the name, most adopted first (3 and 1 adoptions)
    assert relevance[:2] == ["trier/gewerbeanmeldung", "trier/gewerbeabmeldung"]
    Select(driver.find_element("id", "sort")).select_by_value("name")
    follow(driver, driver.find_element("css selector", "form.search button[type=submit]"))
    names = [a.text for a in driver.find_elements("css selector", "ol.results h3 a")]
    assert sorted(_refs(driver)) == sorted(relevance) and _refs(driver) != relevance
    assert names == sorted(names, key=lambda n: n.casefold().replace("ä", "ae").replace("ü", "ue"))
    assert (
        names[0] == "Gaststättenerlaubnis" and driver.find_element("id", "sorted-by").text == "sortiert nach Name (A–Z)"
    )
    _search(driver, f"{library.url}/?sort=adoptions")
    adoptions = [
        int(m.group(1)) if (m := re.match(r"(\d+) Übernahme", span.text)) else 0
        for span in driver.find_elements("css selector", "li.result .fact.adoptions")
    ]
    assert adoptions[:3] == [4, 3, 3] and adoptions == sorted(adoptions, reverse=True)
    assert _refs(driver)[0] == "koeln/wohnsitz-anmeldung"
    assert set(_refs(driver)[1:3]) == {"mainz/kfz-zulassung", "trier/gewerbeanmeldung"}
    _search(driver, f"{library.url}/?sort=newest")
    assert _refs(driver)[0] == "koeln/reisegewerbekarte"  # the last one seeded


def test_snippet_marks_the_searched_word(library, driver):
    _search(driver, f"{library.url}/?q=GewO")
    first = driver.find_element("css selector", "ol.results li.result")
    assert _refs(driver)[0] == "trier/gewerbeanmeldung"
    snippet = first.find_element("css selector", "p.snippet")
    assert [m.text for m in snippet.find_elements("css selector", "mark")] == ["GewO"]
    assert snippet.find_element("css selector", ".found-in").text == "Gefunden in Beschreibung:"
    assert "nach § 14 GewO beim Ordnungsamt" in snippet.text
    # words found in the name are marked in the name itself
    _search(driver, f"{library.url}/?q=Hundesteuer")
    marks = driver.find_elements("css selector", "ol.results li.result h3 mark")
    assert [m.text for m in marks] == ["Hundesteuer", "Hundesteuer"]
    # results show what helps choosing: adoptions, check result, origin and region with its Land
    _search(driver, f"{library.url}/?q=Gewerbe+anmelden")
    items = driver.find_elements("css selector", "ol.results li.result")
    assert items[0].find_element("css selector", ".fact.adoptions").text == "3 Übernahmen"
    assert items[0].find_element("css selector", ".fact.validation").text == "geprüft: 0 Fehler, 1 Warnungen"
    assert items[0].find_element("css selector", ".region").text == "Stadt Trier, Rheinland-Pfalz"
    origin = items[1].find_element("css selector", ".fact.derived a")
    assert origin.text == "trier/gewerbeanmeldung@1.0.0"


def test_more_results_pages_by_cursor_without_duplicates_or_gaps(library, driver):
    whole = _api_search(library, "prüfen")
    assert whole["total"] > 20 and whole["next_cursor"] is None
    expected = [f"{item['publisher']}/{item['slug']}" for item in whole["items"]]
    _search(driver, f"{library.url}/?q=prüfen")
    seen, pages = _refs(driver), 1
    assert _heading(driver) == f"Treffer 1–20 von {whole['total']}"
    while driver.find_elements("id", "more-results"):
        link = driver.find_element("id", "more-results")
        assert link.text == f"Weitere Treffer ab Nr. {len(seen) + 1}" and "cursor=" in link.get_attribute("href")
        follow(driver, link)
        pages += 1
        first = len(seen) + 1
        assert driver.find_element("css selector", "ol.results").get_attribute("start") == str(first)
        shown = _refs(driver)
        assert _heading(driver) == f"Treffer {first}–{first + len(shown) - 1} von {whole['total']}"
        seen += shown
    assert pages == 2 and seen == expected  # same hits, same order, none twice, none left out
    follow(driver, driver.find_element("id", "to-first"))
    assert _refs(driver) == expected[:20]


def test_typo_fallback_says_so(library, driver):
    _search(driver, f"{library.url}/?q=Hundesteur")
    notice = driver.find_element("id", "fallback")
    assert notice.get_attribute("role") == "status"
    assert "Keine genauen Treffer für „Hundesteur“. Angezeigt werden ähnliche Namen." in notice.text
    assert notice.find_element("css selector", "a").text == "Meinten Sie „hundesteuer“?"
    assert _refs(driver)[0] == "trier/hundesteuer"


def test_fewer_words_fallback_says_so_and_pages_on(library, driver):
    _search(driver, f"{library.url}/?q=Ausweis+verloren")
    notice = driver.find_element("id", "fallback")
    assert (
        "Kein Prozess enthält alle Wörter von „Ausweis verloren“. Angezeigt werden Treffer für „Ausweis“."
        in notice.text
    )
    assert notice.find_element("css selector", "a").text == "Nur nach „Ausweis“ suchen"
    assert _refs(driver)[0] == "mainz/personalausweis"
    # More hits than a page: "Weitere Treffer" keeps the text and continues the shortened search.
    _search(driver, f"{library.url}/?q=pr%C3%BCfen+verloren")
    expected = [f"{item['publisher']}/{item['slug']}" for item in _api_search(library, "prüfen")["items"]]
    assert 20 < len(expected) <= 40
    seen = _refs(driver)
    follow(driver, driver.find_element("id", "more-results"))
    assert driver.find_element("name", "q").get_attribute("value") == "prüfen verloren"
    assert "Angezeigt werden Treffer für „prüfen“" in driver.find_element("id", "fallback").text
    seen += _refs(driver)
    assert seen == expected


def test_bad_values_name_the_parameter_and_keep_the_form(library, driver):
    for query, sentence in (
        ("land=99", "Der Parameter „land“ hat den ungültigen Wert „99“"),
        ("sort=best", "Der Parameter „sort“ hat den ungültigen Wert „best“"),
        ("status=9", "Der Parameter „status“ hat den ungültigen Wert „9“"),
        ("leistungsschluessel=9", "Ein Leistungsschlüssel hat 14 Ziffern"),
        ("q=Gewerbe&cursor=abc", "Der Link „Weitere Treffer“ gehört zu einer anderen Suche"),
        ("q=Gewerbe%00", "„q“ lässt sich so nicht suchen: es enthält ein NUL-Zeichen."),
        (
            "q=Antrag+Bescheid+Gebühr+Akte+Zahlung+Termin+Register+Widerspruch+Stellungnahme",
            "Die Suche nimmt höchstens 8 verschiedene Wörter; lassen Sie einige weg.",
        ),
    ):
        response = requests.get(f"{library.url}/?{query}", headers={"Authorization": f"Bearer {library.token}"})
        assert response.status_code == 400, (query, response.status_code)
        page = etree.HTML(response.text)
        alert = "".join(page.find(".//div[@role='alert']").itertext())
        assert sentence in re.sub(r"\s+", " ", alert), (query, alert)
        assert page.find(".//form[@role='search']//input[@id='q']") is not None
    # a page number past the last page says which pages there are, however deep it asks
    for number in (4, 60):
        response = requests.get(f"{library.url}/?page={number}", headers={"Authorization": f"Bearer {library.token}"})
        assert response.status_code == 404
        alert = re.sub(r"\s+", " ", "".join(etree.HTML(response.text).find(".//div[@role='alert']").itertext()))
        assert f"Seite {number} gibt es nicht: alle 50 Treffer stehen auf den Seiten 1 bis 3." in alert


def test_the_page_needs_no_javascript_and_keeps_the_content_security_policy(library):
    response = requests.get(
        f"{library.url}/", params={"q": "Gewerbe", "land": "07"}, headers={"Authorization": f"Bearer {library.token}"}
    )
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src 'self';" in policy and "unsafe-eval" not in policy
    page = etree.HTML(response.text)
    assert page.find(".//script") is None and page.find(".//style") is None
    assert not [e.tag for e in page.iter() if isinstance(e.tag, str) and any(a.startswith("on") for a in e.attrib)]
    assert not [e.tag for e in page.iter() if isinstance(e.tag, str) and "style" in e.attrib]
    form = page.find(".//form[@role='search']")
    assert form.get("method") == "get" and form.get("action") == "/"
    # every facet value and the paging are plain links
    assert all(a.get("href").startswith("/?") for a in page.iterfind(".//aside[@id='facets']//a"))


# The page's width against the phone's, and the first elements that stick out (outside the boxes
# that scroll on purpose: wide tables, diagrams).
WIDTH = """
const d = document.documentElement;
const wide = [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > d.clientWidth + 1 && !e.closest('.table-scroll, .canvas'))
  .map(e => e.tagName + '.' + e.className).slice(0, 5);
return [document.scrollingElement.scrollWidth, wide];
"""
PHONE_PAGES = [
    "/",
    "/?q=Gewerbe&land=07&sort=name",
    "/?q=Hundesteur",
    "/?q=pr%C3%BCfen%20verloren",  # fewer words, with a next page that continues them
    "/?q=prüfen",
    "/p/trier/gewerbeanmeldung",
    "/p/bernkastel-kues/weinfest",
    "/p/koblenz/gewerbe-anmeldung",
    "/p/trier",
    "/p/koblenz/gewerbe-anmeldung/1.0.0/compare?origin=1",
    "/p/trier/gibtesnicht",
    "/?land=99",
]


def test_every_page_fits_a_390_px_phone_with_facets_and_filters_open(library, driver):
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}
    )
    try:
        for path in PHONE_PAGES:
            _search(driver, library.url + path)
            assert driver.execute_script("return window.innerWidth") == 390
            # everything that folds is opened: filters, facets, the diagram's element list, findings
            driver.execute_script("document.querySelectorAll('details').forEach(d => d.open = true)")
            width, wide = driver.execute_script(WIDTH)
            assert width <= 390, (path, width, wide)
            if path.startswith("/?q="):
                assert axe_violations(driver, ("serious", "critical")) == [], path
        _search(driver, library.url + "/?q=Gewerbe")
        assert len(driver.find_elements("css selector", "aside.facets details[open] li")) >= 10
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_search_page_passes_axe(library, driver):
    for path in ("/?q=Gewerbe&land=07", "/?q=Hundesteur", "/?q=prüfen&sort=name"):
        _search(driver, library.url + path)
        driver.execute_script("document.querySelectorAll('details').forEach(d => d.open = true)")
        assert axe_violations(driver, ("serious", "critical")) == [], path
    # landmarks: the search form, the results region, the facets beside them
    assert driver.find_element("css selector", "form[role=search]").get_attribute("aria-label") == "Prozesse suchen"
    assert driver.find_element("css selector", "section#results").get_attribute("aria-labelledby") == "results-heading"
    assert driver.find_element("css selector", "aside#facets h2").text == "Treffer eingrenzen"
    for control in driver.find_elements("css selector", "form.search input:not([type=hidden]), form.search select"):
        label = driver.find_elements("css selector", f"label[for='{control.get_attribute('id')}']")
        assert label and label[0].text, control.get_attribute("name")


# --- the same page on PostgreSQL ------------------------------------------------------------------

SAME_ON_BOTH = [
    "/",
    "/?q=Gewerbe&land=07",
    "/?q=Gewerbe+anmelden",
    "/?q=prüfen",
    "/?q=prüfen&sort=name",
    "/?sort=adoptions",
    "/?leistungsschluessel=9911",
    "/?q=GewO&status=6",
    "/?q=Hundesteur",
    "/?detaillierungsstufe=103&sort=name",
]


def _facts(session, url):
    """What a reader sees of a search page: heading, hits in order, their snippets' marks, the facets
    with their counts, the fallback notice, and the next page's hits (the cursor itself differs)."""
    response = session.get(url, timeout=60)
    assert response.status_code == 200, (url, response.status_code)
    page = etree.HTML(response.text)

    def text(element):
        return re.sub(r"\s+", " ", "".join(element.itertext())).strip() if element is not None else None

    facts = {
        "heading": text(page.find(".//h2[@id='results-heading']")),
        "hits": [a.get("href") for a in page.iterfind(".//ol[@class='results']//h3/a")],
        "marks": [text(m) for m in page.iterfind(".//ol[@class='results']//mark")],
        "facets": {
            group.get("id"): [
                (li.get("data-value"), text(li.find(".//span[@class='count']"))) for li in group.iter("li")
            ]
            for group in page.iterfind(".//aside//details")
        },
        "fallback": text(page.find(".//div[@id='fallback']")),
    }
    more = page.find(".//a[@id='more-results']")
    facts["next"] = _facts(session, urljoin(url, more.get("href"))) if more is not None else None
    return facts


def test_the_page_shows_the_same_on_sqlite_and_postgresql(library, tmp_path):
    db, cleanup = make_db("postgresql", tmp_path)
    try:
        store = Store(db)
        try:
            search_library.seed_store(store)
            token, _ = store.create_token("koeln", "postgresql")
        finally:
            store.close()
        with LibraryServer(db, log_dir=tmp_path) as postgres:
            sqlite_session, postgres_session = requests.Session(), requests.Session()
            sqlite_session.headers["Authorization"] = f"Bearer {library.token}"
            postgres_session.headers["Authorization"] = f"Bearer {token}"
            for path in SAME_ON_BOTH:
                on_sqlite = _facts(sqlite_session, library.url + path)
                assert on_sqlite["hits"], path
                assert _facts(postgres_session, postgres.url + path) == on_sqlite, path
    finally:
        cleanup()


# --- past 1,000 hits: the total is an estimate, and the page says so --------------------------------


def _generated_library(path, count):
    spec = importlib.util.spec_from_file_location("bench_library", REPO / "bench" / "library.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.generate_sqlite(path, count)


def test_an_estimated_total_says_about(tmp_path):
    db = tmp_path / "generated.sqlite"
    _generated_library(db, 1500)
    store = Store(str(db))
    try:
        slug = store.list_members()[0]["slug"]
        token, _ = store.create_token(slug, "estimate")
    finally:
        store.close()
    with LibraryServer(db, log_dir=tmp_path) as lib:
        headers = {"Authorization": f"Bearer {token}"}
        api = requests.get(f"{lib.api}/processes", params={"q": "prüfen"}, headers=headers, timeout=60).json()
        assert api["total_estimated"] is True and api["total"] > 1000
        response = requests.get(f"{lib.url}/", params={"q": "prüfen"}, headers=headers, timeout=60)
        page = etree.HTML(response.text)
        heading = re.sub(r"\s+", " ", "".join(page.find(".//h2[@id='results-heading']").itertext())).strip()
        assert heading == f"Treffer 1–20 von etwa {api['total']:,}".replace(",", ".")
        assert "Die Gesamtzahl ist geschätzt" in "".join(page.find(".//p[@id='total-note']").itertext())
        assert "Anzahlen geschätzt" in response.text  # the facets count the same sample
        assert api["facets"] is None and api["facets_estimated"] is False  # the API counts only on request
