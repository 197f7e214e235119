"""The library's web pages in headless Chromium against a real `procex serve`, and their access rules.

The library of the web_library fixture (conftest.py): Trier's Gewerbeanmeldung 1.0.0, 1.1.0 and a
yanked 1.0.1, Koblenz's adaptation (derived_from Trier 1.0.0, adopted), and Mayen, a member that
has not accepted the sharing agreement. The browser signs in, searches, opens the process and its diagram, and compares
versions; screenshots and a printed PDF go to test-artifacts/. Access rules are checked on every
page over HTTP and compared with the API's answers for the same caller.
"""

import base64
import re

import requests

from procex.exchange.server import admin
from tests.browser import ARTIFACTS, follow, page_chromium
from tests.env import REPO
from tests.libserver import LibraryServer, example, make_db, publish_package, signed_in

# --- browser ----------------------------------------------------------------------------------------


def _shot(driver, name):
    path = ARTIFACTS / f"web-{name}.png"
    driver.save_screenshot(str(path))
    assert path.stat().st_size > 5000
    return path


def _sign_in(driver, lib, member):
    driver.delete_all_cookies()
    driver.get(f"{lib.url}/")
    assert "/signin" in driver.current_url  # not signed in: sent to the sign-in form
    driver.find_element("id", "token").send_keys(member.token)
    follow(driver, driver.find_element("css selector", "form.stack button[type=submit]"))
    assert (
        driver.find_element("css selector", "header.site .who strong").text
        == {"trier": "Stadt Trier", "koblenz": "Stadt Koblenz", "mayen": "Stadt Mayen"}[member.slug]
    )


def test_sign_in_search_open_process_see_diagram(web_library, browser):
    driver = browser
    _sign_in(driver, web_library, web_library.members["koblenz"])
    _shot(driver, "start")
    # search by text
    driver.find_element("id", "q").send_keys("Gewerbe Vollständigkeit")
    follow(driver, driver.find_element("css selector", "form.search button[type=submit]"))
    results = driver.find_elements("css selector", "ol.results li.result h3 a")
    # Trier's, Koblenz's and Mayen's (Mayen may not read others' yet, but others read Mayen's)
    assert sorted(a.get_attribute("href").split("/p/")[1] for a in results) == [
        "koblenz/gewerbeanmeldung",
        "mayen/gewerbe-mayen",
        "trier/gewerbeanmeldung",
    ]
    # search by Leistungsschlüssel and publisher
    driver.get(f"{web_library.url}/?leistungsschluessel=99050012104000&publisher=trier")
    results = driver.find_elements("css selector", "ol.results li.result")
    assert len(results) == 1 and "Stadt Trier" in results[0].text and "1.1.0" in results[0].text
    _shot(driver, "search")
    follow(driver, results[0].find_element("css selector", "h3 a"))
    assert driver.current_url.endswith("/p/trier/gewerbeanmeldung")
    # the diagram: SVG groups for known tasks, with kind classes and tooltips
    task = driver.find_element("css selector", "figure.diagram svg g[data-element-id='Task_Anzeige_pruefen']")
    assert "bpmn-task" in task.get_attribute("class")
    assert task.find_element("css selector", "title").get_attribute("textContent").startswith("Benutzeraufgabe: ")
    assert driver.find_element("css selector", "svg g[data-element-id='Task_Vorgang_archivieren']")  # new in 1.1.0
    assert len(driver.find_elements("css selector", "svg g.bpmn-gateway")) >= 3
    assert task.size["width"] > 50  # actually drawn, not collapsed
    # text alternative lists the same task
    rows = driver.find_elements("css selector", "details.elements tbody tr")
    assert any(
        "Gewerbeanzeige auf Vollständigkeit und Plausibilität prüfen" in r.get_attribute("textContent") for r in rows
    )
    # manifest in readable form, versions with the yanked one marked, validation, adoptions, downloads
    details = driver.find_element("css selector", "dl.manifest").text
    assert "99050012104000 – Gewerbe Anmeldung" in details and "fachlich freigegeben (silber)" in details
    yanked = driver.find_element("css selector", "table.versions tr.yanked")
    assert "1.0.1" in yanked.text and "zurückgezogen" in yanked.text and "Tippfehler" in yanked.text
    assert "Gültig" in driver.find_element("id", "validation").text
    assert "Stadt Koblenz" in driver.find_element("id", "adoptions").text
    assert "koblenz/gewerbeanmeldung@1.0.0" in driver.find_element("id", "adoptions").text
    link = driver.find_element("css selector", "#downloads a[href$='/1.1.0/model']")
    model = requests.get(link.get_attribute("href"), cookies={c["name"]: c["value"] for c in driver.get_cookies()})
    assert model.status_code == 200 and b"Task_Vorgang_archivieren" in model.content
    _shot(driver, "process")
    driver.execute_script("document.getElementById('diagram').scrollIntoView()")
    _shot(driver, "process-diagram")


def test_compare_two_versions_shows_the_highlighted_change(web_library, browser):
    driver = browser
    _sign_in(driver, web_library, web_library.members["trier"])
    # without a version to compare with, the page asks for one and offers the others
    driver.get(f"{web_library.url}/p/trier/gewerbeanmeldung/1.1.0/compare")
    assert driver.find_element("tag name", "h1").text == "Version zum Vergleich wählen"
    _shot(driver, "compare-choose")
    follow(driver, driver.find_element("link text", "1.0.0 mit 1.1.0 vergleichen"))
    assert driver.current_url.endswith("/p/trier/gewerbeanmeldung/1.0.0/compare?to=1.1.0")
    driver.get(f"{web_library.url}/p/trier/gewerbeanmeldung")
    follow(driver, driver.find_element("css selector", "table.versions a[href$='/1.0.1/compare?to=1.1.0']"))
    # 1.0.1 -> 1.1.0: compare from the versions table (neighbours); now 1.0.0 -> 1.1.0 directly
    driver.get(f"{web_library.url}/p/trier/gewerbeanmeldung/1.0.0/compare?to=1.1.0")
    added = driver.find_element("css selector", "#diagram-new svg g[data-element-id='Task_Vorgang_archivieren']")
    assert "diff-added" in added.get_attribute("class")
    renamed = driver.find_element("css selector", "#diagram-new svg g[data-element-id='Task_Anzeige_pruefen']")
    assert "diff-changed" in renamed.get_attribute("class")
    old_task = driver.find_element("css selector", "#diagram-old svg g[data-element-id='Task_Anzeige_pruefen']")
    assert "diff-changed" in old_task.get_attribute("class")
    assert not driver.find_elements("css selector", "#diagram-old svg g[data-element-id='Task_Vorgang_archivieren']")
    # the halo of a highlighted element is visibly coloured (the embedded CSS applies)
    halo = added.find_element("css selector", ".halo")
    assert driver.execute_script("return getComputedStyle(arguments[0]).stroke", halo) == "rgb(26, 127, 55)"
    rows = {r.get_attribute("data-kind") for r in driver.find_elements("css selector", "table.changes tr.change")}
    assert {"added", "renamed", "changed", "rewired"} <= rows
    assert "Vorgang in der E-Akte ablegen" in driver.find_element("css selector", "table.changes").text
    driver.execute_script("document.getElementById('diagram-new').scrollIntoView()")
    _shot(driver, "compare")
    # the same comparison as the diff report's self-contained HTML file
    href = driver.find_element("css selector", "a[href*='/compare/report.html']").get_attribute("href")
    report = requests.get(href, cookies={c["name"]: c["value"] for c in driver.get_cookies()})
    assert report.status_code == 200 and "attachment" in report.headers["content-disposition"]
    assert 'data-element-id="Task_Vorgang_archivieren"' in report.text and "diff-added" in report.text
    assert (
        "<title>Vergleich: Gewerbeanmeldung, trier/gewerbeanmeldung@1.0.0 → trier/gewerbeanmeldung@1.1.0</title>"
        in report.text
    )


def test_compare_with_the_original_it_was_derived_from(web_library, browser):
    driver = browser
    _sign_in(driver, web_library, web_library.members["koblenz"])
    driver.get(f"{web_library.url}/p/koblenz/gewerbeanmeldung")
    follow(driver, driver.find_element("css selector", "a[href$='/compare?origin=1']"))
    # both sides named in full: Koblenz's adaptation and Trier's original
    assert driver.find_element("tag name", "h1").text == (
        "Anpassung koblenz/gewerbeanmeldung@1.0.0 gegenüber dem Original trier/gewerbeanmeldung@1.0.0"
    )
    assert (
        driver.find_element("id", "old-heading").text == "vorher (Original): Stadt Trier · trier/gewerbeanmeldung@1.0.0"
    )
    assert driver.find_element("id", "new-heading").text == (
        "nachher (Anpassung): Stadt Koblenz · koblenz/gewerbeanmeldung@1.0.0"
    )
    pool = driver.find_element("css selector", "#diagram-new svg g[data-element-id='Participant_Stadtverwaltung']")
    assert "diff-changed" in pool.get_attribute("class")
    lane = driver.find_element("css selector", "#diagram-old svg g[data-element-id='Lane_Gewerbe']")
    assert "diff-changed" in lane.get_attribute("class")
    assert "Stadt Koblenz" in driver.find_element("css selector", "table.changes").text
    _shot(driver, "compare-origin")


def test_non_participating_member_sees_the_agreement_message(web_library, browser):
    driver = browser
    _sign_in(driver, web_library, web_library.members["mayen"])
    notice = driver.find_element("css selector", ".notice").text
    assert "noch nicht zugestimmt" in notice
    titles = [a.text for a in driver.find_elements("css selector", "ol.results h3 a")]
    assert titles == ["Gewerbeanmeldung Mayen"]  # only its own
    for path in (
        "/p/trier/gewerbeanmeldung",
        "/p/trier/gewerbeanmeldung/1.0.0/compare?to=1.1.0",
        "/p/koblenz/gewerbeanmeldung/1.0.0/compare?origin=1",
    ):
        driver.get(web_library.url + path)
        assert driver.find_element("tag name", "h1").text == "Zustimmung zur Vereinbarung fehlt"
        assert "procex admin member agree mayen" in driver.find_element("css selector", ".notice").text
        assert not driver.find_elements("css selector", "svg")
    _shot(driver, "agreement")
    driver.get(f"{web_library.url}/p/mayen/gewerbe-mayen")
    assert driver.find_elements("css selector", "figure.diagram svg")  # its own process it sees


def test_browser_sign_out_ends_the_session_on_the_server(web_library, browser):
    """The browser's own forms pass the same-site check (Chromium sends Origin), and its sign-out
    button ends the session: a copy of the cookie taken before is no session afterwards."""
    driver = browser
    _sign_in(driver, web_library, web_library.members["trier"])
    copied = {c["name"]: c["value"] for c in driver.get_cookies() if c["name"] == "procex_session"}
    page = f"{web_library.url}/p/trier/gewerbeanmeldung"
    assert requests.get(page, cookies=copied, allow_redirects=False).status_code == 200
    follow(driver, driver.find_element("css selector", "header.site form button[type=submit]"))
    assert driver.find_element("css selector", "header.site a[href='/signin']")
    response = requests.get(page, cookies=copied, allow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/signin?next=")


def test_english_is_remembered_and_keyboard_works(web_library, browser):
    from selenium.webdriver.common.keys import Keys

    driver = browser
    _sign_in(driver, web_library, web_library.members["trier"])
    driver.get(f"{web_library.url}/p/trier/gewerbeanmeldung?lang=en")
    assert driver.find_element("tag name", "html").get_attribute("lang") == "en"
    assert driver.find_element("id", "diagram-heading").text == "Diagram"
    driver.get(f"{web_library.url}/")  # no parameter: the cookie keeps English
    assert driver.find_element("tag name", "h1").text == "Search processes"
    task = driver.execute_script(
        "return document.querySelector(\"svg g[data-element-id='Task_Anzeige_pruefen'] title\")"
    )
    assert task is None  # start page has no diagram
    driver.get(f"{web_library.url}/p/trier/gewerbeanmeldung")
    title = driver.find_element("css selector", "svg g[data-element-id='Task_Anzeige_pruefen'] title")
    assert title.get_attribute("textContent").startswith("User task: ")
    # keyboard: the first Tab reaches the skip link, which leads to the main content
    body = driver.find_element("tag name", "body")
    body.send_keys(Keys.TAB)
    active = driver.switch_to.active_element
    assert active.get_attribute("class") == "skip"
    active.send_keys(Keys.ENTER)
    assert driver.current_url.endswith("#main")
    # the diagram is focusable (it scrolls with the arrow keys) and labelled
    canvas = driver.find_element("css selector", "figure.diagram .canvas")
    assert canvas.get_attribute("tabindex") == "0" and canvas.get_attribute("aria-label")
    driver.get(f"{web_library.url}/?lang=de")


def test_printed_process_page(web_library, browser):
    driver = browser
    _sign_in(driver, web_library, web_library.members["trier"])
    driver.get(f"{web_library.url}/p/trier/gewerbeanmeldung")
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        header = driver.find_element("css selector", "header.site")
        assert header.value_of_css_property("display") == "none"
        svg = driver.find_element("css selector", "figure.diagram svg")
        main = driver.find_element("tag name", "main")
        assert svg.size["width"] <= main.size["width"] + 1  # the whole diagram fits the page width
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    pdf = base64.b64decode(driver.execute_cdp_cmd("Page.printToPDF", {"printBackground": True})["data"])
    assert pdf.startswith(b"%PDF")
    (ARTIFACTS / "web-process-print.pdf").write_bytes(pdf)


# --- access rules over HTTP ---------------------------------------------------------------------------

PAGES = [
    ("/p/trier/gewerbeanmeldung", "/processes/trier/gewerbeanmeldung"),
    ("/p/trier/gewerbeanmeldung/1.0.0", "/processes/trier/gewerbeanmeldung/1.0.0"),
    ("/p/trier/gewerbeanmeldung/1.0.0/model", "/processes/trier/gewerbeanmeldung/1.0.0/model"),
    ("/p/trier/gewerbeanmeldung/1.0.0/manifest.json", "/processes/trier/gewerbeanmeldung/1.0.0"),
    ("/p/trier/gewerbeanmeldung/1.0.0/diagram.svg", "/processes/trier/gewerbeanmeldung/1.0.0/model"),
    ("/p/trier/gewerbeanmeldung/1.0.0/compare?to=1.1.0", "/processes/trier/gewerbeanmeldung/1.1.0/model"),
    ("/p/koblenz/gewerbeanmeldung/1.0.0/compare?origin=1", "/processes/trier/gewerbeanmeldung/1.0.0/model"),
    ("/p/trier/gewerbeanmeldung/1.0.0/compare/report.html?to=1.1.0", "/processes/trier/gewerbeanmeldung/1.1.0/model"),
]


def test_access_rules_on_every_page_match_the_api(web_library):
    lib = web_library
    mayen, koblenz = lib.members["mayen"], lib.members["koblenz"]
    anonymous = requests.Session()
    for page, api in PAGES + [("/", "/processes")]:
        # no sign-in: sent to the sign-in form (the API answers 401)
        response = anonymous.get(lib.url + page, allow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/signin?next="), page
        assert lib.get(api).status_code == 401
    for member, expected in ((mayen, 403), (koblenz, 200)):
        session = signed_in(lib, member)
        for page, api in PAGES:
            response = session.get(lib.url + page, allow_redirects=False)
            assert lib.get(api, member).status_code == expected, api
            assert response.status_code == expected, (member.slug, page, response.status_code)
            if expected == 403:
                assert "Zustimmung zur Vereinbarung fehlt" in response.text
                assert "Task_Anzeige_pruefen" not in response.text and "<svg" not in response.text
    # Mayen's own process is readable by Mayen, as in the API
    session = signed_in(lib, mayen)
    assert session.get(f"{lib.url}/p/mayen/gewerbe-mayen").status_code == 200
    assert lib.get("/processes/mayen/gewerbe-mayen", mayen).status_code == 200
    # a non-participating member's search shows its own processes only, like the API's
    page = session.get(f"{lib.url}/?q=Gewerbe").text
    assert "/p/mayen/gewerbe-mayen" in page and "/p/trier/" not in page and "/p/koblenz/" not in page
    page = session.get(f"{lib.url}/?publisher=trier")
    assert page.status_code == 403 and "Zustimmung" in page.text
    assert lib.get("/processes?publisher=trier", mayen).status_code == 403


def test_session_cookie_is_signed_httponly_and_ends_with_the_token(web_library):
    lib = web_library
    member = lib.member(prefix="cookie")
    publish_package(lib, member, *example("trier"), slug="eigener-prozess")
    session = requests.Session()
    response = session.post(
        f"{lib.url}/signin",
        data={"token": member.token, "next": "/p/x"},
        headers={"Origin": lib.url},
        allow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/p/x"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax") and "procex_session=" in cookie
    assert member.token not in cookie
    assert session.get(f"{lib.url}/p/{member.slug}/eigener-prozess").status_code == 200
    # a tampered cookie is no session
    value = session.cookies.get("procex_session")
    forged = requests.Session()
    forged.cookies.set("procex_session", value[:-3] + ("AAA" if not value.endswith("AAA") else "BBB"))
    assert forged.get(f"{lib.url}/p/{member.slug}/eigener-prozess", allow_redirects=False).status_code == 303
    # an open redirect after sign-in is refused
    response = requests.post(
        f"{lib.url}/signin",
        data={"token": member.token, "next": "//evil.example/"},
        headers={"Origin": lib.url},
        allow_redirects=False,
    )
    assert response.headers["location"] == "/"
    # a wrong token: the form again, with a message, status 401
    response = requests.post(
        f"{lib.url}/signin", data={"token": "pxl_wrong"}, headers={"Origin": lib.url}, allow_redirects=False
    )
    assert response.status_code == 401 and "unbekannt oder wurde widerrufen" in response.text
    # revoking the token ends the session at once
    admin.token_revoke(lib.db, member.token[:12])
    assert session.get(f"{lib.url}/p/{member.slug}/eigener-prozess", allow_redirects=False).status_code == 303
    # signing out clears the cookie
    response = session.post(f"{lib.url}/signout", headers={"Origin": lib.url}, allow_redirects=False)
    assert response.status_code == 303 and "procex_session=" in response.headers["set-cookie"]


def test_pages_load_nothing_from_elsewhere_and_escape_text(web_library):
    lib = web_library
    session = signed_in(lib, lib.members["trier"])
    for path in ("/", "/p/trier/gewerbeanmeldung", "/p/trier/gewerbeanmeldung/1.0.0/compare?to=1.1.0", "/signin"):
        response = session.get(lib.url + path)
        assert response.status_code == 200
        policy = response.headers["content-security-policy"]
        assert "default-src 'none'" in policy and "script-src 'self';" in policy and "unsafe-eval" not in policy
        html = response.text
        # scripts only as files from this site (the compare page's viewer), never inline
        for attributes, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S):
            assert attributes == ' src="/static/diff-viewer.js" defer' and body == "", attributes
        for url in re.findall(r'(?:src|href)="([^"]+)"', html):
            assert url.startswith(("/", "#", "mailto:", "?")), url
    script = session.get(lib.url + "/static/diff-viewer.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    assert "<script" not in script.text and "data-diff-viewer" in script.text
    # a search word with markup comes back escaped
    response = session.get(lib.url + "/", params={"q": "<img src=x onerror=alert(1)>"})
    assert "<img src=x" not in response.text and "&lt;img src=x onerror=alert(1)&gt;" in response.text


def test_public_policy_needs_no_sign_in(tmp_path):
    db, cleanup = make_db("sqlite", tmp_path)
    try:
        with LibraryServer(db, policy="public", log_dir=tmp_path) as lib:
            trier = lib.member(prefix="pub")
            publish_package(lib, trier, *example("trier"))
            response = requests.get(f"{lib.url}/p/{trier.slug}/gewerbeanmeldung")
            assert response.status_code == 200 and "Task_Anzeige_pruefen" in response.text
            assert "Gewerbeanmeldung" in requests.get(f"{lib.url}/?q=gewerbe").text
            assert lib.get(f"/processes/{trier.slug}/gewerbeanmeldung").status_code == 200
    finally:
        cleanup()


def test_model_without_diagram_gets_the_note_and_the_element_list(web_library):
    from tests.libserver import manifest_for, tiny_model

    lib = web_library
    trier = lib.members["trier"]
    model = tiny_model(task="Antrag &lt;prüfen&gt; &amp; bescheiden")  # XML-escaped in the file
    assert lib.put_package(trier, manifest_for(trier.slug, "ohne-layout", "1.0.0", model), model).status_code == 201
    session = signed_in(lib, trier)
    page = session.get(f"{lib.url}/p/trier/ohne-layout")
    assert page.status_code == 200
    assert "Dieses Modell enthält kein Diagramm-Layout (BPMNDI)" in page.text
    assert "<svg" not in page.text
    assert "<td>Antrag &lt;prüfen&gt; &amp; bescheiden</td>" in page.text  # listed, escaped
    assert session.get(f"{lib.url}/p/trier/ohne-layout/1.0.0/diagram.svg").status_code == 404


# --- the compare page's diagram viewer (bpmn/diff_viewer.js, the same as in the HTML report) ----------


def test_compare_page_viewer_zooms_centres_and_is_accessible(web_library, browser):
    from tests import diff_viewer_checks as checks

    driver = browser
    _sign_in(driver, web_library, web_library.members["trier"])
    driver.get(f"{web_library.url}/p/trier/gewerbeanmeldung/1.0.0/compare?to=1.1.0")
    checks.no_duplicate_ids(driver)
    names = checks.diagrams_have_their_own_names(driver)
    assert (
        names[0][0] == "vorher: trier/gewerbeanmeldung@1.0.0" and names[1][0] == "nachher: trier/gewerbeanmeldung@1.1.0"
    )
    found = checks.default_view_shows_first_change(driver)
    assert {f["id"] for f in found} == {"Task_Vorgang_archivieren"}  # the first change drawn with a label
    _shot(driver, "compare-viewer-1366x900")
    renamed = driver.find_element("css selector", "table.changes tr[data-new-id='Task_Anzeige_pruefen']")
    old_id, new_id, offsets = checks.choosing_a_change_centres_it(driver, renamed)
    assert set(offsets) == {"old", "new"}
    checks.keyboard_zooms_and_pans(driver, old_id, new_id)
    checks.no_duplicate_ids(driver)
    assert checks.accessibility_violations(driver) == []
    # a pool renamed by an adaptation is marked on its band and outline, never over its whole area
    driver.get(f"{web_library.url}/p/koblenz/gewerbeanmeldung/1.0.0/compare?origin=1")
    fills = driver.execute_script("""
        const g = document.querySelector("#diagram-new svg g[data-element-id='Participant_Stadtverwaltung']");
        return [getComputedStyle(g.querySelector(':scope > .halo')).fill,
                getComputedStyle(g.querySelector(':scope > .band')).fill,
                getComputedStyle(g.querySelector(':scope > .outline')).stroke];""")
    assert fills == ["none", "rgb(255, 241, 194)", "rgb(154, 103, 0)"]
    checks.no_duplicate_ids(driver)
    assert checks.accessibility_violations(driver) == []
    _shot(driver, "compare-origin-viewer")


def test_compare_page_without_javascript_keeps_diagrams_and_table(web_library):
    driver = page_chromium(javascript=False)
    try:
        _sign_in(driver, web_library, web_library.members["trier"])
        driver.get(f"{web_library.url}/p/trier/gewerbeanmeldung/1.0.0/compare?to=1.1.0")
        state = driver.execute_script("""
            const svg = s => document.querySelector(s + ' svg.bpmn-diagram');
            return {live: !!document.querySelector('.dv-live, .dv-toolbar'),
                    widths: ['#diagram-old', '#diagram-new'].map(s => svg(s).getBoundingClientRect().width),
                    added: [...document.querySelectorAll('#diagram-new g.diff-added')].map(g => g.dataset.elementId),
                    rows: document.querySelectorAll('table.changes tr.change').length};""")
        assert not state["live"]  # the script did not run
        assert min(state["widths"]) > 600  # drawn, at a readable size (they scroll in their box)
        assert "Task_Vorgang_archivieren" in state["added"] and state["rows"] >= 4
        _shot(driver, "compare-no-javascript")
    finally:
        driver.quit()


def test_compare_page_on_a_phone(web_library):
    from tests import diff_viewer_checks as checks

    driver = page_chromium(390, 844)
    try:
        _sign_in(driver, web_library, web_library.members["trier"])
        driver.get(f"{web_library.url}/p/trier/gewerbeanmeldung/1.0.0/compare?to=1.1.0")
        assert driver.execute_script("return document.documentElement.scrollWidth") <= 390
        checks.default_view_shows_first_change(driver)
        driver.execute_script("document.querySelector('.dv-toolbar').scrollIntoView()")
        _shot(driver, "compare-viewer-390x844")
        # one diagram on a phone: a chosen change is centred in it, the removed ones drawn in
        renamed = driver.find_element("css selector", "table.changes tr[data-new-id='Task_Anzeige_pruefen']")
        driver.execute_script("arguments[0].scrollIntoView()", renamed)
        _, _, offsets = checks.choosing_a_change_centres_it(driver, renamed)
        assert set(offsets) == {"new"}
        # the list of changes scrolls in its box rather than breaking words between letters
        table = driver.execute_script("""
            const t = document.querySelector('table.changes'), b = t.querySelector('button.dv-show');
            return {buttonLines: b.getBoundingClientRect().height / parseFloat(getComputedStyle(b).fontSize),
                    narrowest: Math.min(...[...t.querySelectorAll('tbody tr:first-child td')].map(
                      td => td.getBoundingClientRect().width)),
                    scrolls: t.parentNode.scrollWidth > t.parentNode.clientWidth};""")
        assert table["buttonLines"] < 2.2 and table["narrowest"] >= 80 and table["scrolls"], table
        checks.no_duplicate_ids(driver)
        assert checks.accessibility_violations(driver) == []
    finally:
        driver.quit()


def test_compare_page_says_how_it_paired_and_lists_possible_counterparts(web_library):
    """Two versions of one process made apart (Hundesteuer from two municipalities, all ids
    different): the page names the pairing mode and lists possible counterparts apart."""
    from tests.libserver import manifest_for

    lib, trier = web_library, web_library.members["trier"]
    folder = REPO / "tests" / "fixtures" / "independent" / "hundesteuer"
    for version, name in (("1.0.0", "a.bpmn"), ("2.0.0", "b.bpmn")):
        model = (folder / name).read_bytes()
        response = lib.put_package(trier, manifest_for(trier.slug, "hundesteuer-zwei", version, model), model)
        assert response.status_code == 201, response.text
    session = signed_in(lib, trier)
    page = session.get(f"{lib.url}/p/trier/hundesteuer-zwei/1.0.0/compare?to=2.0.0").text
    assert '<p class="pairing">Paarung: unabhängig erstellte Modelle (' in page
    assert "Mögliche Entsprechungen (nicht als Änderung gezählt)" in page
    assert len(re.findall(r'<tr class="possible" data-old-id="[^"]+" data-new-id="[^"]+"', page)) >= 1
    versions = session.get(f"{lib.url}/p/trier/gewerbeanmeldung/1.0.0/compare?to=1.1.0").text
    assert '<p class="pairing">Paarung: Versionen eines Modells (' in versions and 'class="possible"' not in versions


def test_compare_page_of_models_with_two_diagrams_zooms_each(web_library, browser):
    """A process drawn on two diagrams: the compare page shows both pairs, each zoomable on its own
    with its own buttons, a change in the second centred there; ids stay unique."""
    from procex.bpmn import edit
    from procex.bpmn.model import Model
    from tests import diff_viewer_checks as checks
    from tests.libserver import manifest_for
    from tests.models import two_diagram_model

    lib, trier = web_library, web_library.members["trier"]
    old = Model.from_bytes(two_diagram_model().encode(), "zwei.bpmn")
    new = old.copy()
    edit.rename(new, "book", "Zahlung in der Finanzsoftware buchen")
    for version, model in (("1.0.0", old), ("1.1.0", new)):
        data = model.to_bytes()
        response = lib.put_package(trier, manifest_for(trier.slug, "zwei-diagramme", version, data), data)
        assert response.status_code == 201, response.text
    driver = browser
    _sign_in(driver, lib, trier)
    driver.get(f"{lib.url}/p/trier/zwei-diagramme/1.0.0/compare?to=1.1.0")
    panes = driver.execute_script("""
        return [...document.querySelectorAll('.dv-canvas')].map(c => [c.closest('.dv-side').dataset.side,
          c.dataset.dvPane, c.closest('figure').id, c.getAttribute('aria-label'), c.clientHeight,
          !!(c.previousElementSibling && c.previousElementSibling.matches('.dv-pane-toolbar'))]);""")
    assert [p[:3] for p in panes] == [
        ["old", "0", "diagram-old"],
        ["old", "1", "diagram-old-2"],
        ["new", "0", "diagram-new"],
        ["new", "1", "diagram-new-2"],
    ]
    assert panes[1][3].endswith("– Diagramm 2") and len({p[3] for p in panes}) == 4
    assert all(p[4] > 300 for p in panes) and [p[5] for p in panes] == [False, True, False, True]
    checks.no_duplicate_ids(driver)
    start = driver.execute_script(checks.PANE_OFFSETS, "book")
    assert {(s["side"], s["pane"]) for s in start} == {("old", "1"), ("new", "1")}
    assert all(s["inside"] and s["height"] >= 60 for s in start), start  # the change, readable
    driver.find_element("css selector", "#diagram-new-2 .dv-canvas").send_keys("+")
    zoomed = driver.execute_script(checks.PANE_OFFSETS, "book")
    for before, after in zip(start, zoomed, strict=True):
        assert abs(after["width"] / before["width"] - 1.25) < 0.02, (before, after)
    row = driver.find_element("css selector", "table.changes tr[data-new-id='book']")
    driver.execute_script("arguments[0].scrollIntoView()", row)
    row.find_element("css selector", "button.dv-show").click()
    shown = driver.execute_script(checks.PANE_OFFSETS, "book")
    assert len(shown) == 2 and all(abs(s["dx"]) <= 2 and abs(s["dy"]) <= 2 for s in shown), shown
    assert checks.accessibility_violations(driver) == []
