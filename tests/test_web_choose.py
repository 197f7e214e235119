"""The pages that help members choose a process, in headless Chromium and over HTTP.

conftest.py's web_library (Trier's Gewerbeanmeldung 1.0.0, a yanked 1.0.1 and 1.1.0;
Koblenz's adaptation, derived from Trier 1.0.0 and adopting it; Mayen without the sharing
agreement), served with an operator contact. Search results show adoptions, the check result, the
origin and the region; a publisher's page who it is and what it shares; the process page the line
that adopts it and, for a withdrawn version, the way to the current one; Mayen sees how much the
library holds and whom to ask. Every page fits a 390 px phone screen without sideways scrolling and
has no serious or critical axe-core finding; the favicon is an SVG from the site itself.
"""

import re

import pytest
import requests
from lxml import etree

from tests.browser import axe_violations, follow
from tests.libserver import LibraryServer, fill_web_library, make_db, signed_in

OPERATOR = "Zweckverband eGov Rheinland-Pfalz, prozesse@egov-rlp.example"


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    """conftest.py's web_library, served with an operator contact and Trier's contact mailbox."""
    tmp = tmp_path_factory.mktemp("choose")
    db, cleanup = make_db("sqlite", tmp)
    lib = LibraryServer(db, log_dir=tmp, operator_contact=OPERATOR).start()
    lib.members = fill_web_library(lib, db, trier_contact="prozesse@trier.example")
    yield lib
    lib.stop()
    cleanup()


def _page(session, url):
    response = session.get(url, allow_redirects=False)
    assert response.status_code == 200, (url, response.status_code, response.text[:500])
    return etree.HTML(response.text)


def _text(element):
    return re.sub(r"\s+", " ", "".join(element.itertext())).strip()


def test_search_results_show_adoptions_check_origin_and_region(library):
    session = signed_in(library, library.members["trier"])
    html = _page(session, f"{library.url}/?q=Gewerbe")
    results = {_text(li.find(".//h3")): li for li in html.iterfind(".//li[@class='result']")}
    koblenz = next(
        li
        for li in html.iterfind(".//li[@class='result']")
        if li.find(".//h3/a").get("href") == "/p/koblenz/gewerbeanmeldung"
    )
    trier = next(
        li
        for li in html.iterfind(".//li[@class='result']")
        if li.find(".//h3/a").get("href") == "/p/trier/gewerbeanmeldung"
    )
    assert results  # every result is a list item with its name as heading
    assert "1 Übernahme" in _text(trier) and "noch nicht übernommen" in _text(koblenz)
    assert "Stadt Koblenz" in _text(koblenz.find(".//p[@class='meta']"))
    origin = koblenz.find(".//span[@class='fact derived']/a")
    assert origin.get("href") == "/p/trier/gewerbeanmeldung/1.0.0" and _text(origin) == "trier/gewerbeanmeldung@1.0.0"
    assert "abgeleitet von" in _text(koblenz)
    for item in (trier, koblenz):  # the check result the library counted at publish
        assert re.search(r"geprüft: (keine Fehler|\d+ Fehler, \d+ Warnungen)", _text(item)), _text(item)
    assert trier.find(".//p[@class='meta']/a").get("href") == "/p/trier"


def test_publisher_page_says_who_it_is_and_what_it_shares(library):
    session = signed_in(library, library.members["koblenz"])
    html = _page(session, f"{library.url}/p/trier")
    assert _text(html.find(".//h1")) == "Stadt Trier"
    terms = [_text(dt) for dt in html.iterfind(".//dl/dt")]
    facts = dict(zip(terms, (_text(dd) for dd in html.iterfind(".//dl/dd")), strict=True))
    assert facts["Kürzel"] == "trier" and facts["Gebiet"] == "AGS 07211000" and facts["Land"] == "Rheinland-Pfalz"
    assert facts["Kontakt"] == "prozesse@trier.example"
    assert (
        facts["Vereinbarung zum Teilen"].startswith("zugestimmt am ")
        and "dl-de/by-2-0" in facts["Vereinbarung zum Teilen"]
    )
    assert facts["Geteilte Prozesse"] == "1" and facts["Übernahmen durch andere Kommunen"] == "1"
    names = [_text(a) for a in html.iterfind(".//ol[@class='results']//h3/a")]
    assert names == ["Gewerbeanmeldung"]
    # The publisher's address no longer redirects to a search, and a bad one is a 404 page.
    assert session.get(f"{library.url}/p/nobody", allow_redirects=False).status_code == 404
    assert session.get(f"{library.url}/p/Trier!", allow_redirects=False).status_code == 404


def test_process_page_shows_the_line_that_adopts_it_and_the_way_from_a_yanked_version(library):
    session = signed_in(library, library.members["koblenz"])
    html = _page(session, f"{library.url}/p/trier/gewerbeanmeldung")
    assert _text(html.find(".//section[@id='adopt']//pre")) == "procex import trier/gewerbeanmeldung@1.1.0"
    yanked = _page(session, f"{library.url}/p/trier/gewerbeanmeldung/1.0.1")
    link = yanked.find(".//a[@id='to-current']")
    assert link.get("href") == "/p/trier/gewerbeanmeldung/1.1.0" and "1.1.0" in _text(link)
    assert _text(yanked.find(".//section[@id='adopt']//pre")) == "procex import trier/gewerbeanmeldung@1.1.0"
    assert "zurückgezogen" in _text(yanked.find(".//section[@id='adopt']"))
    older = _page(session, f"{library.url}/p/trier/gewerbeanmeldung/1.0.0")
    assert _text(older.find(".//section[@id='adopt']//pre")) == "procex import trier/gewerbeanmeldung@1.0.0"


def test_member_without_agreement_sees_the_library_size_and_whom_to_ask(library):
    session = signed_in(library, library.members["mayen"])
    start = _page(session, f"{library.url}/")
    notice = start.find(".//div[@id='outsider']")
    # Listed: Trier's and Koblenz's Gewerbeanmeldung and Mayen's own; agreed members: Trier, Koblenz.
    assert "Die Bibliothek enthält 3 Prozesse von 2 Mitgliedern" in _text(notice)
    mail = notice.find(".//a")
    assert mail.get("href") == "mailto:prozesse@egov-rlp.example"
    assert "Zweckverband eGov Rheinland-Pfalz" in _text(notice)
    refused = session.get(f"{library.url}/p/trier", allow_redirects=False)
    assert refused.status_code == 403
    page = etree.HTML(refused.text)
    assert "3 Prozesse" in _text(page.find(".//div[@id='outsider']"))
    assert _page(session, f"{library.url}/p/mayen").find(".//h1").text == "Stadt Mayen"  # its own page


def test_favicon_is_an_svg_of_the_site(library):
    response = requests.get(f"{library.url}/favicon.svg")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("image/svg+xml")
    assert etree.fromstring(response.content).tag == "{http://www.w3.org/2000/svg}svg"
    assert requests.get(f"{library.url}/favicon.ico", allow_redirects=False).headers["location"] == "/favicon.svg"
    html = etree.HTML(requests.get(f"{library.url}/signin").text)
    assert html.find(".//link[@rel='icon']").get("href") == "/favicon.svg"


# --- in the browser: 390 px and axe-core ---------------------------------------------------------

PAGES = [
    "/",
    "/?q=Gewerbe",
    "/p/trier",
    "/p/trier/gewerbeanmeldung",
    "/p/trier/gewerbeanmeldung/1.0.1",
    "/p/koblenz/gewerbeanmeldung/1.0.0/compare?origin=1",
    "/p/trier/gewerbeanmeldung/1.0.0/compare?to=1.1.0",
]


def _sign_in(driver, lib, member):
    driver.delete_all_cookies()
    driver.get(f"{lib.url}/signin")
    driver.find_element("id", "token").send_keys(member.token)
    follow(driver, driver.find_element("css selector", "form.stack button[type=submit]"))


# The page's width against the screen's, and the first elements that stick out (outside the boxes
# that scroll on purpose: wide tables, diagrams).
WIDE_ELEMENTS = """
const d = document.documentElement;
const wide = [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > d.clientWidth + 1 && !e.closest('.table-scroll, .canvas'))
  .map(e => e.tagName + '.' + e.className).slice(0, 5);
return [d.scrollWidth, d.clientWidth, wide];
"""
# The compare pages belong to the diagram work (their two drawings share SVG title ids for now):
# they are held to the 390 px width here, and to axe-core in their own tests.
AXE_EXEMPT = ("/compare",)


def test_pages_fit_a_390_px_phone_and_pass_axe(library, browser):
    driver = browser
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": 390, "height": 844, "deviceScaleFactor": 3, "mobile": True}
    )
    try:
        for member, pages in (("koblenz", PAGES), ("mayen", ["/", "/p/trier"])):
            _sign_in(driver, library, library.members[member])
            for path in pages:
                driver.get(library.url + path)
                assert driver.execute_script("return window.innerWidth") == 390
                overflow = driver.execute_script(WIDE_ELEMENTS)
                assert overflow[0] <= overflow[1], (member, path, overflow)
                if not any(part in path for part in AXE_EXEMPT):
                    assert axe_violations(driver, ("serious", "critical")) == [], (member, path)
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
