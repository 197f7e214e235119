"""Error answers of the web pages over HTTP against a real `procex serve` (conftest.py's web_library).

A page asked with a bad query value, a wrong address or a wrong method answers with the site's HTML
page in the reader's language (German by default, English with ?lang=en) that names the parameter
and what it may be, never with the API's English JSON; the API under /api/v1 keeps its JSON errors.
The compare page without a version to compare with offers the versions; the comparison with the
original names both sides.
"""

import re
from html import unescape

import pytest
import requests

from tests.libserver import signed_in


def _main(html):
    """The page's <main> element (without the site's header and its language link)."""
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def _text(html):
    """The visible text of a page's <main>, tags removed, entities resolved, spaces collapsed."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", _main(html)))).strip()


def _title(html):
    return unescape(re.search(r"<title>(.*?)</title>", html, re.S).group(1))


def _h1(html):
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", re.search(r"<h1>(.*?)</h1>", html, re.S).group(1))))


def _assert_page(response, status, lang="de"):
    """An HTML page of the site (not JSON), in ``lang``, with the site's security headers."""
    assert response.status_code == status, (response.url, response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith("text/html"), response.headers["content-type"]
    assert f'<html lang="{lang}">' in response.text
    assert "default-src 'none'" in response.headers["content-security-policy"]
    # no inline script; the compare page loads its diagram viewer as a file from the site
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", response.text, re.S)
    assert all(attributes == ' src="/static/diff-viewer.js" defer' and not body for attributes, body in scripts)
    assert not response.text.lstrip().startswith("{")


@pytest.fixture(scope="module")
def trier(web_library):
    return signed_in(web_library, web_library.members["trier"])


# (address, status, German sentence, English sentence)
BAD_QUERY_VALUES = [
    (
        "/?page=abc",
        400,
        "Der Parameter „page“ hat den ungültigen Wert „abc“; erlaubt ist eine ganze Zahl von 1 bis 100000",
        "The parameter 'page' has the invalid value 'abc'; it must be a whole number from 1 to 100000",
    ),
    (
        "/?page=0",
        400,
        "Der Parameter „page“ hat den ungültigen Wert „0“",
        "The parameter 'page' has the invalid value '0'",
    ),
    (
        "/p/trier/gewerbeanmeldung/1.1.0?diagram=x",
        400,
        "Der Parameter „diagram“ hat den ungültigen Wert „x“; erlaubt ist eine ganze Zahl ab 0",
        "The parameter 'diagram' has the invalid value 'x'; it must be a whole number from 0",
    ),
    (
        "/p/trier/gewerbeanmeldung?diagram=-1",
        400,
        "Der Parameter „diagram“ hat den ungültigen Wert „-1“",
        "The parameter 'diagram' has the invalid value '-1'",
    ),
    # the example model has one diagram: 7 is a number, but not one of its diagrams
    (
        "/p/trier/gewerbeanmeldung/1.1.0?diagram=7",
        400,
        "Der Parameter „diagram“ hat den ungültigen Wert „7“; erlaubt ist nur 0, denn das Modell hat ein Diagramm.",
        "The parameter 'diagram' has the invalid value '7'; it must be 0, as the model has one diagram.",
    ),
    (
        "/p/trier/gewerbeanmeldung/1.1.0/diagram.svg?diagram=9",
        400,
        "Der Parameter „diagram“ hat den ungültigen Wert „9“; erlaubt ist nur 0",
        "The parameter 'diagram' has the invalid value '9'; it must be 0",
    ),
    (
        "/p/koblenz/gewerbeanmeldung/1.0.0/compare?origin=true",
        400,
        "Der Parameter „origin“ hat den ungültigen Wert „true“; erlaubt ist 1 (mit dem Original vergleichen",
        "The parameter 'origin' has the invalid value 'true'; it must be 1 (compare with the original",
    ),
    (
        "/p/trier/gewerbeanmeldung/1.0.0/compare?to=abc",
        400,
        "Der Parameter „to“ hat den ungültigen Wert „abc“; erlaubt ist eine Versionsnummer dieses Prozesses",
        "The parameter 'to' has the invalid value 'abc'; it must be a version number of this process",
    ),
]


@pytest.mark.parametrize("address, status, german, english", BAD_QUERY_VALUES)
def test_bad_query_values_get_the_html_page_naming_the_parameter(
    web_library,
    trier,
    address,
    status,
    german,
    english,
):
    response = trier.get(web_library.url + address, cookies={"procex_lang": "de"})
    _assert_page(response, status, "de")
    assert german in _text(response.text)
    joiner = "&" if "?" in address else "?"
    response = trier.get(web_library.url + address + joiner + "lang=en")
    _assert_page(response, status, "en")
    assert english in _text(response.text)
    trier.get(web_library.url + "/?lang=de")  # back to German for the next case


def test_api_keeps_its_json_errors(web_library):
    trier = web_library.members["trier"]
    for path, status, code in (
        ("/processes?page=abc", 422, "invalid_request"),
        ("/processes/trier/gewerbeanmeldung/x.y", 422, "invalid_request"),
        ("/processes/trier/nope", 404, "not_found"),
        ("/nope", 404, "not_found"),
    ):
        response = web_library.get(path, trier)
        assert response.status_code == status, path
        assert response.headers["content-type"] == "application/json"
        assert response.json()["error"]["code"] == code
    response = requests.delete(f"{web_library.api}/me", headers=trier.headers)
    assert response.status_code == 405 and response.json()["error"]["code"] == "method_not_allowed"
    assert requests.get(f"{web_library.url}/openapi.json").headers["content-type"] == "application/json"


def test_access_comes_before_the_parameters(web_library):
    # without a session: the sign-in form first, whatever the query says (the API answers 401)
    response = requests.get(f"{web_library.url}/p/trier/gewerbeanmeldung/1.1.0?diagram=x", allow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/signin?next=")
    # a member without the agreement: the agreement message, not the parameter's
    mayen = signed_in(web_library, web_library.members["mayen"])
    response = mayen.get(f"{web_library.url}/p/trier/gewerbeanmeldung/1.1.0/compare?origin=x")
    _assert_page(response, 403)
    assert "Zustimmung zur Vereinbarung fehlt" in response.text and "origin" not in _text(response.text)


def test_unknown_pages_and_wrong_methods_are_html(web_library, trier):
    for path in ("/nope", "/p/trier/gewerbeanmeldung/1.1.0/foo", "/static/nope.css"):
        response = trier.get(web_library.url + path)
        _assert_page(response, 404)
        assert f"Diese Seite gibt es nicht: {path}." in _text(response.text)
    response = trier.get(f"{web_library.url}/nope?lang=en")
    _assert_page(response, 404, "en")
    assert "There is no page /nope." in _text(response.text)
    trier.get(f"{web_library.url}/?lang=de")
    response = trier.get(f"{web_library.url}/signout")
    _assert_page(response, 405)
    assert response.headers["allow"] == "POST"
    assert "Die Seite /signout lässt sich nicht mit GET aufrufen." in _text(response.text)
    # the header still shows who is signed in
    assert "Angemeldet als" in response.text and "Stadt Trier" in response.text


def test_wrong_names_and_versions_in_the_address(web_library, trier):
    cases = [
        (
            "/p/trier/gewerbeanmeldung/9.9.9",
            "trier/gewerbeanmeldung hat keine Version 9.9.9. "
            "trier/gewerbeanmeldung hat die Versionen 1.0.0, 1.0.1, 1.1.0.",
        ),
        (
            "/p/trier/gewerbeanmeldung/x.y/model",
            "„x.y“ ist keine Versionsnummer: Versionen haben die Form 1.2.0. trier/gewerbeanmeldung hat die Versionen",
        ),
        ("/p/Trier/gewerbeanmeldung", "„Trier/gewerbeanmeldung“ ist keine gültige Adresse eines Prozesses"),
        ("/p/trier/nope/1.0.0", "Diese Bibliothek hat trier/nope nicht."),
    ]
    for path, sentence in cases:
        response = trier.get(web_library.url + path)
        _assert_page(response, 404)
        assert sentence in _text(response.text), (path, _text(response.text))
    page = trier.get(f"{web_library.url}/p/trier/gewerbeanmeldung/9.9.9").text
    assert 'href="/p/trier/gewerbeanmeldung#versions"' in page
    # "latest" means what it means in the API: the latest unyanked version
    for path, target in (
        ("/p/trier/gewerbeanmeldung/latest", "/p/trier/gewerbeanmeldung/1.1.0"),
        ("/p/trier/gewerbeanmeldung/latest/model", "/p/trier/gewerbeanmeldung/1.1.0/model"),
        ("/p/trier/gewerbeanmeldung/latest/compare?to=1.0.0", "/p/trier/gewerbeanmeldung/1.1.0/compare?to=1.0.0"),
    ):
        response = trier.get(web_library.url + path, allow_redirects=False)
        assert response.status_code == 307 and response.headers["location"] == target
    # a publisher's address is its page (who it is, what it shares), linking to the search of its processes
    response = trier.get(f"{web_library.url}/p/koblenz", allow_redirects=False)
    assert response.status_code == 200 and 'href="/?publisher=koblenz"' in response.text


def test_search_values_that_find_nothing_say_why(web_library, trier):
    response = trier.get(f"{web_library.url}/", params={"page": "5"})
    _assert_page(response, 404)
    text = _text(response.text)
    assert "Seite 5 gibt es nicht: alle 3 Treffer stehen auf Seite 1." in text  # Trier, Koblenz, Mayen
    assert "Keine Prozesse gefunden" not in text
    assert 'href="/">Zur Seite 1</a>' in response.text
    response = trier.get(f"{web_library.url}/", params={"q": "Gewerbe", "page": "2"})
    assert 'href="/?q=Gewerbe">Zur Seite 1</a>' in response.text
    response = trier.get(f"{web_library.url}/", params={"q": "gibtesnicht", "page": "2"})
    _assert_page(response, 404)
    assert "Seite 2 gibt es nicht: die Suche hat keine Treffer." in _text(response.text)
    response = trier.get(f"{web_library.url}/", params={"publisher": "unbekannt"})
    _assert_page(response, 400)
    assert "Die Bibliothek hat kein Mitglied mit dem Kürzel „unbekannt“." in _text(response.text)
    # the search form stays, with what was asked
    assert 'id="q"' in response.text


def test_compare_without_a_version_asks_for_one(web_library, trier):
    response = trier.get(f"{web_library.url}/p/trier/gewerbeanmeldung/1.1.0/compare")
    _assert_page(response, 200)
    text = _text(response.text)
    assert _h1(response.text) == "Version zum Vergleich wählen"
    assert "Wählen Sie die Version, mit der trier/gewerbeanmeldung@1.1.0 verglichen werden soll:" in text
    assert "@?" not in text and "nicht." not in text
    links = re.findall(r'<a href="(/p/[^"]+/compare\?[^"]+)">([^<]+)</a>', _main(response.text))
    # the other versions, newest first, each link with the older version first; the yanked one marked
    assert links == [
        ("/p/trier/gewerbeanmeldung/1.0.1/compare?to=1.1.0", "1.0.1 mit 1.1.0 vergleichen"),
        ("/p/trier/gewerbeanmeldung/1.0.0/compare?to=1.1.0", "1.0.0 mit 1.1.0 vergleichen"),
    ]
    assert re.search(r"1\.0\.1 mit 1\.1\.0 vergleichen</a> <span class=\"badge yanked\">zurückgezogen", response.text)
    # from the oldest version the links go forward
    links = re.findall(
        r'href="(/p/[^"]+/compare\?[^"]+)"',
        _main(trier.get(f"{web_library.url}/p/trier/gewerbeanmeldung/1.0.0/compare").text),
    )
    assert links == [
        "/p/trier/gewerbeanmeldung/1.0.0/compare?to=1.1.0",
        "/p/trier/gewerbeanmeldung/1.0.0/compare?to=1.0.1",
    ]
    # an adaptation with one version: nothing to compare among its versions, but its original
    response = trier.get(f"{web_library.url}/p/koblenz/gewerbeanmeldung/1.0.0/compare?lang=en")
    _assert_page(response, 200, "en")
    text = _text(response.text)
    assert "koblenz/gewerbeanmeldung has only this one version" in text
    assert "compare koblenz/gewerbeanmeldung@1.0.0 with the original trier/gewerbeanmeldung@1.0.0" in text
    assert 'href="/p/koblenz/gewerbeanmeldung/1.0.0/compare?origin=1"' in response.text
    trier.get(f"{web_library.url}/?lang=de")
    # the report file without a version: the same choice (a page, not a download)
    response = trier.get(f"{web_library.url}/p/trier/gewerbeanmeldung/1.1.0/compare/report.html")
    _assert_page(response, 200)
    assert "content-disposition" not in response.headers and "1.0.0 mit 1.1.0 vergleichen" in response.text


@pytest.mark.parametrize(
    "query, status, sentence",
    [
        ("to=9.9.9", 404, "trier/gewerbeanmeldung hat keine Version 9.9.9."),
        ("to=1.1.0", 400, "„to=1.1.0“ ist diese Version selbst"),
        ("origin=1", 404, "trier/gewerbeanmeldung@1.1.0 ist von keinem anderen Prozess abgeleitet."),
        ("origin=1&to=1.0.0", 400, "Die Parameter „to“ und „origin“ schließen sich aus"),
    ],
)
def test_compare_with_a_wrong_version_says_so_and_offers_the_right_ones(
    web_library,
    trier,
    query,
    status,
    sentence,
):
    response = trier.get(f"{web_library.url}/p/trier/gewerbeanmeldung/1.1.0/compare?{query}")
    _assert_page(response, status)
    text = _text(response.text)
    assert sentence in text
    assert "1.0.0 mit 1.1.0 vergleichen" in text  # the choice follows the sentence


def test_origin_compare_names_both_sides(web_library, trier):
    response = trier.get(f"{web_library.url}/p/koblenz/gewerbeanmeldung/1.0.0/compare?origin=1")
    _assert_page(response, 200)
    heading = "Anpassung koblenz/gewerbeanmeldung@1.0.0 gegenüber dem Original trier/gewerbeanmeldung@1.0.0"
    assert _h1(response.text) == heading
    assert _title(response.text) == f"{heading} – Prozessbibliothek"
    text = _text(response.text)
    assert "vorher (Original): Stadt Trier · trier/gewerbeanmeldung@1.0.0" in text
    assert "nachher (Anpassung): Stadt Koblenz · koblenz/gewerbeanmeldung@1.0.0" in text
    assert "2 inhaltliche Änderungen:" in text  # the pool and the lane renamed
    report = trier.get(f"{web_library.url}/p/koblenz/gewerbeanmeldung/1.0.0/compare/report.html?origin=1")
    assert (
        "vergleich-trier-gewerbeanmeldung-1.0.0-koblenz-gewerbeanmeldung-1.0.0.html"
        in report.headers["content-disposition"]
    )
    response = trier.get(f"{web_library.url}/p/koblenz/gewerbeanmeldung/1.0.0/compare?origin=1&lang=en")
    assert _h1(response.text) == (
        "Adaptation koblenz/gewerbeanmeldung@1.0.0 compared with the original trier/gewerbeanmeldung@1.0.0"
    )
    trier.get(f"{web_library.url}/?lang=de")
    # two versions of one process: both sides named in full too
    response = trier.get(f"{web_library.url}/p/trier/gewerbeanmeldung/1.0.0/compare?to=1.1.0")
    assert _h1(response.text) == "Vergleich trier/gewerbeanmeldung@1.0.0 → trier/gewerbeanmeldung@1.1.0"
    response = trier.get(f"{web_library.url}/p/trier/gewerbeanmeldung/1.0.0/compare?to=1.0.1")
    assert "1 inhaltliche Änderung:" in _text(response.text)  # one word changed in the start event
    # a query parameter cannot turn the page into the report download
    response = trier.get(f"{web_library.url}/p/trier/gewerbeanmeldung/1.0.0/compare?to=1.1.0&report=1")
    assert "content-disposition" not in response.headers and "<h1>" in response.text


def test_unreadable_sign_in_form(web_library):
    fields = {f"field{i}": "x" for i in range(10)}
    response = requests.post(
        f"{web_library.url}/signin", data=fields, headers={"Origin": web_library.url}, allow_redirects=False
    )
    _assert_page(response, 400)
    assert "Das Formular konnte nicht gelesen werden." in _text(response.text)


def test_unexpected_error_on_a_page_is_html_and_in_the_api_json(tmp_path, monkeypatch):
    """In-process: a failure inside a page is the site's 500 page; inside the API its JSON 500.
    FastAPI's own validation of a typed query value on a page route is a page too."""
    from fastapi.testclient import TestClient

    from procex.exchange.server.api.app import create_app
    from procex.exchange.server.settings import Settings

    app = create_app(Settings(db=str(tmp_path / "web_library.sqlite"), policy="public"))

    @app.get("/typed")
    def typed(page: int = 1):  # a page route that lets FastAPI check its parameter
        return {"page": page}

    def broken(*_args, **_kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(app.state.store, "search", broken)
    monkeypatch.setattr(app.state.store, "search_page", broken)
    client = TestClient(app, raise_server_exceptions=False)
    response = client.get("/?q=x")
    _assert_page(response, 500)
    assert "Auf dem Server ist ein Fehler aufgetreten." in _text(response.text)
    assert "database went away" not in response.text
    response = client.get("/api/v1/processes?q=x")
    assert response.status_code == 500 and response.json()["error"]["code"] == "internal"
    response = client.get("/typed?page=abc&lang=en")
    _assert_page(response, 400, "en")
    assert "The parameter 'page' has the invalid value 'abc'; it must be a whole number from 1 to 100000" in _text(
        response.text
    )
