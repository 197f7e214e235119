"""Web sessions over HTTP against real `procex serve` processes: signing out ends the session on the
server (a copied cookie is no session afterwards, on every worker and on another server sharing the
database), and form posts from another site are refused (login CSRF).

Two servers share one SQLite library (as several hosts share one PostgreSQL database); the first
runs two workers. Cookies are crafted with the library's signing key where a test needs a cookie
the server would not hand out (one of before the session table, one past the lifetime).
"""

import hashlib
import re
import secrets
import time
from html import unescape
from types import SimpleNamespace

import pytest
import requests
import sqlalchemy as sa

from procex.exchange.server import admin
from procex.exchange.server.storage.store import make_engine
from procex.exchange.server.web.session import SESSION_COOKIE, SESSION_SECONDS, session_secret, sign
from tests.libserver import LibraryServer, make_db, manifest_for, tiny_model

PROCESS = "/p/{slug}/antrag"


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("web-session")
    db, cleanup = make_db("sqlite", tmp)
    first = LibraryServer(db, workers=2, log_dir=tmp).start()
    second = LibraryServer(db, log_dir=tmp).start()
    try:
        yield SimpleNamespace(db=db, first=first, second=second)
    finally:
        first.stop()
        second.stop()
        cleanup()


@pytest.fixture()
def member(servers):
    """A new member (agreed) with one process of its own: its page answers 200 when signed in."""
    lib = servers.first
    member = lib.member(prefix="sess")
    model = tiny_model()
    response = lib.put_package(member, manifest_for(member.slug, "antrag", "1.0.0", model), model)
    assert response.status_code == 201, response.text
    return member


def _sign_in(lib, member, **headers):
    """A requests session (one browser) signed in through the form, as a browser posts it."""
    browser = requests.Session()
    response = browser.post(
        f"{lib.url}/signin",
        data={"token": member.token, "next": "/"},
        headers=headers or {"Origin": lib.url},
        allow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert browser.cookies.get(SESSION_COOKIE)
    return browser


def _with_cookie(value):
    """Another browser that holds a copy of a session cookie."""
    browser = requests.Session()
    browser.cookies.set(SESSION_COOKIE, value)
    return browser


def _page_status(lib, browser, member):
    response = browser.get(lib.url + PROCESS.format(slug=member.slug), allow_redirects=False)
    if response.status_code == 303:
        assert response.headers["location"].startswith("/signin?next="), response.headers["location"]
    return response.status_code


def _session_rows(db):
    engine = make_engine(db)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT COUNT(*) FROM web_sessions")).scalar()
    finally:
        engine.dispose()


def _text(html):
    main = re.split(r"<main[^>]*>", html, maxsplit=1)[1].split("</main>", 1)[0]
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", main))).strip()


# --- sign-out -----------------------------------------------------------------------------------------


def test_signing_out_ends_the_session_on_every_worker_and_server(servers, member):
    first, second = servers.first, servers.second
    browser = _sign_in(first, member)
    other_browser = _sign_in(second, member)  # the same member in another browser, via the other server
    copied = browser.cookies.get(SESSION_COOKIE)
    assert member.token not in copied and hashlib.sha256(member.token.encode()).hexdigest() not in copied
    for lib in (first, second):  # one database: the session is known to both servers
        assert _page_status(lib, _with_cookie(copied), member) == 200
    rows = _session_rows(servers.db)

    response = browser.post(f"{first.url}/signout", headers={"Origin": first.url}, allow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/"
    assert f'{SESSION_COOKIE}=""' in response.headers["set-cookie"] or "Max-Age=0" in response.headers["set-cookie"]
    assert _session_rows(servers.db) == rows - 1  # the row is gone, not just the browser's cookie

    # the copied cookie is no session any more: the sign-in redirect on both servers and, over 8
    # requests, on both workers of the first
    for lib in (first, second, first, first, first, first, first, first, first):
        assert _page_status(lib, _with_cookie(copied), member) == 303
    # the member's other browser keeps its own session (documented: sign-out ends this browser's)
    assert _page_status(second, other_browser, member) == 200
    assert _page_status(first, other_browser, member) == 200
    # signing out again with the dead cookie is harmless
    response = _with_cookie(copied).post(f"{second.url}/signout", headers={"Origin": second.url}, allow_redirects=False)
    assert response.status_code == 303
    assert _page_status(second, other_browser, member) == 200


def test_signing_in_again_ends_the_browsers_previous_session(servers, member):
    lib = servers.first
    browser = _sign_in(lib, member)
    old = browser.cookies.get(SESSION_COOKIE)
    response = browser.post(
        f"{lib.url}/signin", data={"token": member.token}, headers={"Origin": lib.url}, allow_redirects=False
    )
    assert response.status_code == 303
    new = browser.cookies.get(SESSION_COOKIE)
    assert new != old
    assert _page_status(lib, _with_cookie(old), member) == 303
    assert _page_status(lib, _with_cookie(new), member) == 200


def test_revoking_the_token_ends_every_session_of_it(servers, member):
    first, second = servers.first, servers.second
    browsers = [_sign_in(first, member), _sign_in(second, member)]
    admin.token_revoke(servers.db, member.token[:12])
    for browser in browsers:
        assert _page_status(first, browser, member) == 303
        assert _page_status(second, browser, member) == 303


def test_cookies_the_server_did_not_start_are_no_session(servers, member):
    lib = servers.first
    secret = session_secret(SimpleNamespace(db=servers.db))
    now = int(time.time())
    # a correctly signed cookie of before the session table (it held the token's sha256)
    before = sign(secret, {"h": hashlib.sha256(member.token.encode()).hexdigest(), "t": now})
    assert _page_status(lib, _with_cookie(before), member) == 303
    # a correctly signed, random session id the database does not know
    assert _page_status(lib, _with_cookie(sign(secret, {"s": secrets.token_urlsafe(32), "t": now})), member) == 303
    # a session the database knows, started longer ago than the lifetime: the server's own record
    # decides, whatever time the cookie claims
    sid = secrets.token_urlsafe(32)
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now - SESSION_SECONDS - 60))
    engine = make_engine(servers.db)
    try:
        with engine.begin() as conn:
            token_id = conn.execute(
                sa.text("SELECT id FROM tokens WHERE token_hash = :h"),
                {"h": hashlib.sha256(member.token.encode()).hexdigest()},
            ).scalar()
            conn.execute(
                sa.text("INSERT INTO web_sessions (session_hash, token_id, created_at) VALUES (:h, :t, :at)"),
                {"h": hashlib.sha256(sid.encode()).hexdigest(), "t": token_id, "at": started},
            )
        assert _page_status(lib, _with_cookie(sign(secret, {"s": sid, "t": now})), member) == 303
        # the next sign-in clears sessions past the lifetime from the table
        _sign_in(lib, member)
        with engine.connect() as conn:
            assert (
                conn.execute(
                    sa.text("SELECT COUNT(*) FROM web_sessions WHERE session_hash = :h"),
                    {"h": hashlib.sha256(sid.encode()).hexdigest()},
                ).scalar()
                == 0
            )
    finally:
        engine.dispose()


# --- login CSRF: form posts from other sites ------------------------------------------------------------


def _assert_refused(response, lang="de"):
    assert response.status_code == 403, (response.status_code, response.text[:300])
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")
    assert response.headers["content-type"].startswith("text/html")
    assert (
        f'<html lang="{lang}">' in response.text and "default-src 'none'" in response.headers["content-security-policy"]
    )
    return _text(response.text)


def test_sign_in_from_another_site_is_refused(servers, member):
    lib = servers.first
    attacker = lib.member(prefix="evil")
    url = f"{lib.url}/signin"
    form = {"token": attacker.token, "next": "/"}
    text = _assert_refused(
        requests.post(url, data=form, headers={"Origin": "https://evil.example"}, allow_redirects=False)
    )
    assert text.startswith(
        "Formular von einer fremden Seite Dieses Formular kam von https://evil.example, "
        "nicht von den Seiten der Bibliothek"
    ), text
    assert f"Öffnen Sie {lib.url}/ direkt" in text
    # in the reader's language: the language cookie or ?lang=en
    for response in (
        requests.post(
            url,
            data=form,
            headers={"Origin": "https://evil.example"},
            cookies={"procex_lang": "en"},
            allow_redirects=False,
        ),
        requests.post(url + "?lang=en", data=form, headers={"Origin": "https://evil.example"}, allow_redirects=False),
    ):
        text = _assert_refused(response, "en")
        assert text.startswith(
            "Form from another site This form came from https://evil.example, not from the library's pages"
        ), text
    # Origin null (a page hiding its address), a foreign Referer, neither header: refused too
    text = _assert_refused(requests.post(url, data=form, headers={"Origin": "null"}, allow_redirects=False))
    assert "Dieses Formular kam von einer Seite, die ihre Adresse verbirgt" in text
    text = _assert_refused(
        requests.post(url, data=form, headers={"Referer": "https://evil.example/login?x=1"}, allow_redirects=False)
    )
    assert "kam von https://evil.example," in text
    text = _assert_refused(requests.post(url, data=form, allow_redirects=False))
    assert "weder Origin noch Referer" in text
    # the same host on another port or scheme is another site; X-Forwarded-Host is not believed
    port = lib.port
    for origin, extra in (
        (f"http://127.0.0.1:{port + 1}", {}),
        (f"https://127.0.0.1:{port}", {}),
        (f"http://localhost:{port}", {}),
        ("http://evil.example", {"X-Forwarded-Host": "evil.example"}),
        (f"http://127.0.0.1:{port}", {"X-Forwarded-Proto": "https"}),
        ("http://127.0.0.1:abc", {"Host": "127.0.0.1:abc"}),
        ("http://[::1", {}),
    ):
        _assert_refused(requests.post(url, data=form, headers=dict(extra, Origin=origin), allow_redirects=False))
    # a wrong token from another site gets the same refusal, before the token is looked at
    _assert_refused(
        requests.post(
            url, data={"token": "pxl_wrong"}, headers={"Origin": "https://evil.example"}, allow_redirects=False
        )
    )


def test_sign_in_from_the_site_itself_is_accepted(servers, member):
    lib = servers.first
    # Origin as every current browser sends it; Referer alone (an old browser)
    for headers in ({"Origin": lib.url}, {"Referer": f"{lib.url}/signin?next=%2F"}):
        browser = _sign_in(lib, member, **headers)
        assert _page_status(lib, browser, member) == 200
    # behind a TLS proxy (127.0.0.1 is a trusted proxy): the scheme is the proxy's X-Forwarded-Proto,
    # the host its Host header
    response = requests.post(
        f"{lib.url}/signin",
        data={"token": member.token},
        headers={"Origin": "https://library.example", "Host": "library.example", "X-Forwarded-Proto": "https"},
        allow_redirects=False,
    )
    assert response.status_code == 303 and "Secure" in response.headers["set-cookie"]
    response = requests.post(
        f"{lib.url}/signin",
        data={"token": member.token},
        headers={
            "Origin": "https://library.example:8443",
            "Host": "library.example:8443",
            "X-Forwarded-Proto": "https",
        },
        allow_redirects=False,
    )
    assert response.status_code == 303


def test_sign_out_from_another_site_is_refused(servers, member):
    lib = servers.first
    browser = _sign_in(lib, member)
    for headers in ({"Origin": "https://evil.example"}, {}):
        response = browser.post(f"{lib.url}/signout", headers=headers, allow_redirects=False)
        _assert_refused(response)
        assert _page_status(lib, browser, member) == 200  # still signed in


def test_every_form_post_of_the_pages_checks_the_origin(servers, tmp_path):
    """Each page route that takes a POST (or another method that changes something) refuses a
    cross-site request: a form added later is covered without remembering to."""
    from procex.exchange.server.api.app import create_app
    from procex.exchange.server.settings import Settings
    from procex.exchange.server.web.errors import is_page

    def routes(container):  # included routers may be kept as one entry holding the original router
        for route in container.routes:
            inner = getattr(route, "original_router", None)
            yield from (routes(inner) if inner is not None else (route,))

    app = create_app(Settings(db=str(tmp_path / "routes.sqlite"), policy="reciprocal"))
    changing = sorted(
        (route.path, method)
        for route in routes(app)
        for method in getattr(route, "methods", None) or ()
        if method not in ("GET", "HEAD", "OPTIONS") and is_page(SimpleNamespace(url=SimpleNamespace(path=route.path)))
    )
    assert ("/signin", "POST") in changing and ("/signout", "POST") in changing
    lib = servers.first
    for path, method in changing:
        response = requests.request(
            method, lib.url + path, headers={"Origin": "https://evil.example"}, allow_redirects=False
        )
        assert response.status_code == 403, (path, method, response.status_code)
