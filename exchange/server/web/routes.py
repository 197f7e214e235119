"""HTML pages of the library: sign-in, search, process, compare (server-rendered, no JavaScript).

app.create_app() calls register(app); the pages share the app's store and settings and the very
access functions the API calls (auth.caller, auth.check_read, auth.may_read_others), so a page
shows exactly what the API would answer. A member signs in once with its token and gets a signed,
HttpOnly, SameSite=Lax session cookie that holds a random session id (never the token) of a
session kept in the database; the member is looked up through it on every request, so signing
out or revoking the token ends the session at once. Every form post (sign-in, sign-out) must come
from the site's own pages (web_session.same_site), else 403. With the ``public`` policy nobody
needs to sign in. German by default; ``?lang=en`` switches to English and is remembered in a cookie.

This module holds the routes; beside it: web_session (sessions, cookie signing, key file, the
same-site check), web_page (page context, templates, refusals), web_errors (error pages: bad query
values, unknown pages), web_texts (German/English texts), web_cache (drawn diagrams and validation
reports), web_queries (store reads), web_compare (the compare page's content).

Query values arrive as text and are checked here, after the access check, so a bad one gets a page
in the reader's language naming the parameter and what it may be (never the API's JSON 422).
"""

import dataclasses
import hashlib
import json
import re
from pathlib import Path
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from procex.exchange.library import package
from procex.exchange.server import auth
from procex.exchange.server.errors import ApiError
from procex.exchange.server.storage import search
from procex.exchange.server.storage import store as store_module
from procex.exchange.server.storage.search_text import QueryError
from procex.exchange.server.web.cache import diagram_view, validation_report
from procex.exchange.server.web.compare import compare_choices, compare_page, report_file_name, report_of
from procex.exchange.server.web.compare_cost import Busy, CompareCost
from procex.exchange.server.web.errors import (
    MAX_PAGE,
    PageError,
    allowed_text,
    bad_parameter,
    shown,
    whole_number,
)
from procex.exchange.server.web.page import (
    SECURITY_HEADERS,
    Page,
    message,
    not_found,
    outsider_view,
    page_for,
    refusal,
    signin_redirect,
)
from procex.exchange.server.web.queries import (
    adoptions_of_publisher,
    derived_processes,
    leika_names,
    member_name,
    member_names,
    version_rows,
)
from procex.exchange.server.web.search_page import (
    FILTERS,
    PER_PAGE,
    facet_groups,
    number,
    query_problem,
    read_form,
    result_items,
    themenfelder,
)
from procex.exchange.server.web.session import (
    SESSION_COOKIE,
    SESSION_SECONDS,
    same_site,
    session_cookie,
    session_id,
    session_secret,
)
from procex.exchange.server.web.texts import STATUS_LABELS, translator
from procex.exchange.server.web.texts_pages import LAENDER, land_of
from procex.exchange.server.web.warmup import warm_up_on_start

HERE = Path(__file__).resolve().parent
_SLUG_RE = re.compile(rf"^{package.SLUG_PATTERN}$")
_VERSION_RE = re.compile(rf"^{package.VERSION_PATTERN}$")


async def _form_from_this_site(request: Request):
    """Every request that changes something (sign-in, sign-out, any later form) must come from the
    site's own pages: a cross-site form could sign a visitor in as the attacker (login CSRF) or out.
    Refused with the site's 403 page in the reader's language."""
    if request.method in ("GET", "HEAD", "OPTIONS") or same_site(request):
        return
    page = Page(request, None)
    own = f"{request.url.scheme}://{request.url.netloc}/"
    sent = request.headers.get("origin")
    if sent is None and request.headers.get("referer"):
        sent = request.headers["referer"]
        try:  # the Referer's site only, not its path
            parts = urlsplit(sent)
            sent = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else sent
        except ValueError:
            pass
    if sent is None:
        text = page.t("cross_site_unknown", site=own)
    else:
        text = page.t("cross_site", origin=page.t("hidden_origin") if sent.strip() == "null" else shown(sent), site=own)
    onward = ("/signin", page.t("signin")) if request.url.path == "/signin" else ("/", page.t("back_to_search"))
    raise PageError(message(page, 403, page.t("cross_site_heading"), text, links=[onward], tone="error"))


router = APIRouter(include_in_schema=False, dependencies=[Depends(_form_from_this_site)])


def register(app):
    """Add the HTML routes to ``app`` (and the answer to PageError, which page routes raise)."""
    settings = app.state.settings
    app.state.compare_cost = CompareCost(slots=settings.compare_slots, wait=settings.compare_wait)
    app.include_router(router)
    app.add_exception_handler(PageError, lambda _request, error: error.response)
    warm_up_on_start(app)
    return app


# --- helpers ----------------------------------------------------------------------------------------
def _valid_name(publisher, slug, version=None):
    """Whether the names in a URL are well-formed (checked before any store lookup)."""
    return bool(_SLUG_RE.match(publisher) and _SLUG_RE.match(slug) and (version is None or _VERSION_RE.match(version)))


# --- routes ---------------------------------------------------------------------------------------
@router.get("/static/web.css")
def stylesheet():
    return _static_file(HERE / "static" / "web.css", "text/css; charset=utf-8")


@router.get("/static/diff-viewer.css")
def diff_viewer_style():
    """The compare page's diagram viewer: the same files the HTML diff report inlines."""
    from procex.bpmn import diff_view

    return _static_file(diff_view.STYLE_FILE, "text/css; charset=utf-8")


@router.get("/static/diff-viewer.js")
def diff_viewer_script():
    from procex.bpmn import diff_view

    return _static_file(diff_view.SCRIPT_FILE, "text/javascript; charset=utf-8")


def _static_file(path, media_type):
    data = path.read_bytes()
    etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
    return Response(
        data,
        media_type=media_type,
        headers={"Cache-Control": "public, max-age=3600", "ETag": etag, "X-Content-Type-Options": "nosniff"},
    )


@router.get("/favicon.svg")
def favicon():
    data = (HERE / "static" / "favicon.svg").read_bytes()
    return Response(
        data,
        media_type="image/svg+xml",
        headers={
            "Cache-Control": "public, max-age=86400",
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get("/favicon.ico")
def favicon_ico():
    """Browsers that ask for /favicon.ico without reading the page's icon link get the SVG."""
    return RedirectResponse("/favicon.svg", status_code=301)


@router.get("/signin")
def signin_form(request: Request, next: str = "/"):
    page, refused = page_for(request)
    if refused:
        return refused
    return page.render("signin.html", next=_safe_next(next), error=None)


def _safe_next(target):
    """Only local paths: never redirect a signed-in member to another site."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.post("/signin")
async def signin(request: Request):
    page = Page(request, None)
    try:
        form = await request.form(max_files=0, max_fields=4, max_part_size=4096)
    except HTTPException:  # too many fields, a part too large, a broken multipart body
        return page.render("signin.html", status=400, next="/", error=page.t("form_unreadable"))
    token = str(form.get("token") or "").strip()
    target = _safe_next(str(form.get("next") or "/"))
    store, settings = request.app.state.store, request.app.state.settings
    started = await run_in_threadpool(store.start_session, token, SESSION_SECONDS) if token else None
    if started is None:
        page.lang = form.get("lang") if form.get("lang") in ("de", "en") else page.lang
        page.t = translator(page.lang)
        return page.render("signin.html", status=401, next=target, error=page.t("token_invalid"))
    previous = await run_in_threadpool(session_id, request)
    if previous:  # signing in again (perhaps as another member) ends this browser's old session
        await run_in_threadpool(store.end_session, previous)
    secret = await run_in_threadpool(session_secret, settings)
    cookie = session_cookie(secret, started[1])
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        max_age=SESSION_SECONDS,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


@router.post("/signout")
def signout(request: Request):
    """End this browser's session in the database (its cookie, even a copy, is no session from now
    on) and delete the cookie. Other browsers of the member keep theirs; revoking the token ends all."""
    sid = session_id(request)
    if sid:
        request.app.state.store.end_session(sid)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")
    return response


@router.get("/")
def start(request: Request):
    """The search page: words, Leistungsschlüssel (exact or its beginning) and filters (publisher,
    Land, Themenfeld, FIM status, Detaillierungsstufe) combined, ranked or sorted, with the counts
    per filter value (facets), a snippet per hit and "weitere Treffer" by keyset cursor."""
    view, refused = page_for(request)
    if refused:
        return refused
    store, policy, member = request.app.state.store, view.policy, view.member
    if policy != "public" and member is None:
        return signin_redirect(request)
    form = read_form(view, request.query_params)
    problems, onward = list(form.problems), []
    own_only = False
    # The API's search rule: without the agreement a member searches its own processes only.
    if not auth.may_read_others(policy, member):
        own_only = True
        if form.publisher and form.publisher != member["slug"]:
            try:
                auth.check_read(policy, member, form.publisher)
            except ApiError as error:
                return refusal(view, error)
        form.values["publisher"] = member["slug"]
    names = member_names(store, [form.publisher])
    if form.publisher and not own_only and not problems and form.publisher not in names:
        problems.append(view.t("unknown_publisher", slug=form.publisher))
    result = None
    if not problems:
        try:
            result = store.search_page(form.query())
        except QueryError as error:  # words that cannot be searched, a cursor of another search
            result = _past_the_last_page(store, form, error)
            if result is None:
                problems.append(query_problem(view, error))
            if form.cursor:
                onward.append((form.url(cursor=None, start=None), view.t("to_first")))
    total = result.total if result else 0
    pages = (total + PER_PAGE - 1) // PER_PAGE
    status = 400 if problems else 200
    if result is not None and not result.hits and form.page_number > 1:
        # a page past the last one: say so instead of "no processes found" under a count of them
        status = 404
        if pages:
            last = view.t("page_beyond_one") if pages == 1 else view.t("page_beyond_many", m=pages)
            problems.append(view.t("page_beyond", n=form.page_number, total=total, last=last))
            onward.append((form.url(page=pages if pages > 1 else None), view.t("go_to_page", n=pages)))
        else:
            problems.append(view.t("page_beyond_none", n=form.page_number))
            onward.append((form.url(page=None), view.t("go_to_page", n=1)))
    labels = STATUS_LABELS[view.lang]
    if result is not None:  # the names of the publishers the page shows: its hits' and the facet's
        shown_publishers = [hit.publisher for hit in result.hits]
        shown_publishers += [item["value"] for item in (result.facets or {}).get("publisher", [])]
        names.update(member_names(store, shown_publishers))
    facets = facet_groups(view, form, result.facets if result else None, names, labels, own_only)
    searched = bool(form.q or form.leistungsschluessel or form.filtered or "q" in request.query_params)
    hits = result_items(result.hits, names) if result and status == 200 else []
    more = None
    if result is not None and result.next_cursor and hits:
        # the same text: the cursor says whether it continues a fallback (search_fallback.py)
        more = form.url(cursor=result.next_cursor, start=form.start + len(hits), page=None)
    return view.render(
        "index.html",
        status=status,
        form=form,
        items=hits,
        result=result if status == 200 else None,
        total=number(total, view.lang),
        first=form.start,
        last=form.start + len(hits) - 1,
        more=more,
        to_first=form.url(cursor=None, start=None, page=None) if form.cursor or form.page_number > 1 else None,
        chosen=[name for name in FILTERS if form.values[name] and not (own_only and name == "publisher")],
        facets=facets,
        publishers=_publisher_choices(form, facets, names),
        problems=problems,
        onward=onward,
        own_only=own_only,
        outsider=outsider_view(view) if own_only else None,
        searched=searched,
        sorts=search.SORTS,
        laender=sorted(LAENDER.items()),
        themenfelder=themenfelder(),
        status_labels=labels,
    )


def _past_the_last_page(store, form, error):
    """For a page number deeper than page numbers reach (search.MAX_OFFSET): the first page's answer
    without its hits when all hits end before that depth (then the page says which pages there are),
    else None (then it says to follow "Weitere Treffer")."""
    if not str(error).startswith("page:"):
        return None
    first = store.search_page(dataclasses.replace(form.query(facets=False), offset=0))
    if first.total_estimated or first.total > search.MAX_OFFSET:
        return None
    return dataclasses.replace(first, hits=[])


def _publisher_choices(form, facets, names):
    """(slug, name) of the publisher filter's choices: the chosen one and those with hits (the
    facet's, at most search.FACET_VALUES), by name. Not every member: a national library has
    thousands, and the page would read and send them all for each search."""
    slugs = {entry["value"] for group in facets if group["name"] == "publisher" for entry in group["entries"]}
    if form.publisher:
        slugs.add(form.publisher)
    return sorted(((slug, names.get(slug, slug)) for slug in slugs), key=lambda pair: pair[1].casefold())


@router.get("/p/{publisher}")
def publisher_page(request: Request, publisher: str, page: str = ""):
    """Who a publisher is (name, area, Land, contact, agreement) and what it shares (its processes,
    adopted how often), under the same access rule as its processes."""
    if not _SLUG_RE.match(publisher):
        view, refused = page_for(request)
        return refused or message(view, 404, view.t("not_found_heading"), view.t("bad_name", what=shown(publisher)))
    view, refused = _readable_page(request, publisher)
    if refused:
        return refused
    store = request.app.state.store
    try:
        member = store.get_member(publisher)
    except store_module.StoreError:
        return not_found(view, publisher)
    page_number = whole_number(view, "page", page, 1, 1, MAX_PAGE, allowed_text(view.t, "page"))
    try:
        items, total = store.search("", None, publisher, page_number, PER_PAGE)
    except QueryError:  # deeper than page numbers reach (search.MAX_OFFSET)
        raise bad_parameter(view, "page", page, view.t("page_beyond_many", m=search.MAX_OFFSET // PER_PAGE)) from None
    pages = (total + PER_PAGE - 1) // PER_PAGE
    if page_number > max(pages, 1):
        raise bad_parameter(view, "page", page, view.t("page_beyond_many", m=max(pages, 1)))
    adopted = adoptions_of_publisher(store, publisher)
    return view.render(
        "publisher.html",
        publisher=member,
        land=land_of(member["ags"]),
        items=items,
        total=total,
        adopted=adopted,
        page_number=page_number,
        pages=pages,
        status_labels=STATUS_LABELS[view.lang],
    )


def _read_access(view, publisher):
    """None when the caller may read ``publisher``'s processes, else the refusal page."""
    try:
        auth.check_read(view.policy, view.member, publisher)
    except ApiError as error:
        return refusal(view, error)
    return None


def _readable_page(request, publisher):
    """(Page, None), or (None, the refusal) when the caller may not read ``publisher``'s processes."""
    view, refused = page_for(request)
    if refused:
        return None, refused
    refused = _read_access(view, publisher)
    return (None, refused) if refused else (view, None)


def _process_link(view, publisher, slug):
    """(href, label) of a process page's versions table: where to go from a wrong version."""
    return f"/p/{publisher}/{slug}#versions", view.t("to_process", process=f"{publisher}/{slug}")


def _missing_version(view, store, publisher, slug, sentence):
    """404 for a version a process does not have: the sentence, the versions it has, the way to them;
    when the process itself is missing, that the library does not have it."""
    rows = version_rows(store, publisher, slug)
    if not rows:
        return not_found(view, f"{publisher}/{slug}")
    versions = ", ".join(r.version for r in reversed(rows))
    text = f"{sentence} {view.t('existing_versions', process=f'{publisher}/{slug}', versions=versions)}"
    return message(view, 404, view.t("not_found_heading"), text, links=[_process_link(view, publisher, slug)])


def _version_row(request, view, publisher, slug, version):
    """The stored row of the version a URL names. Raises PageError: 404 with a sentence saying what is
    wrong with the address, or the redirect of ``latest`` to the version it stands for (as in the API)."""
    store = request.app.state.store
    process = f"{publisher}/{slug}"
    if not _valid_name(publisher, slug):
        raise PageError(message(view, 404, view.t("not_found_heading"), view.t("bad_name", what=shown(process))))
    if version == "latest":
        row = store.find_version(publisher, slug, "latest")
        if row is None:
            raise PageError(_missing_version(view, store, publisher, slug, view.t("no_latest", process=process)))
        prefix = f"/p/{publisher}/{slug}/latest"
        target = f"/p/{publisher}/{slug}/{row.version}{request.url.path[len(prefix) :]}"
        raise PageError(
            RedirectResponse(target + (f"?{request.url.query}" if request.url.query else ""), status_code=307)
        )
    if not _VERSION_RE.match(version):
        raise PageError(_missing_version(view, store, publisher, slug, view.t("bad_version", version=shown(version))))
    row = store.find_version(publisher, slug, version)
    if row is None:
        raise PageError(
            _missing_version(view, store, publisher, slug, view.t("no_such_version", process=process, version=version))
        )
    return row


def _stored_version(request, publisher, slug, version):
    """(Page, version row, None), or (…, None, the refusal) when the caller may not read it.
    An address naming no stored version raises PageError (see _version_row)."""
    view, refused = _readable_page(request, publisher)
    if refused:
        return None, None, refused
    return view, _version_row(request, view, publisher, slug, version), None


def _diagram_number(view, store, row, raw):
    """The ``diagram`` query value: a diagram the model has, 0 by default; else PageError 400."""
    number = whole_number(view, "diagram", raw, 0, 0, 10**6, allowed_text(view.t, "diagram"))
    if number == 0:
        return 0
    count = len(diagram_view(store, row, 0, view.lang)["diagrams"])
    if number < count:
        return number
    allowed = (
        view.t("allowed_diagram_none")
        if count == 0
        else view.t("allowed_diagram_one")
        if count == 1
        else view.t("allowed_diagram_n", max=count - 1, n=count)
    )
    ref = f"{row.publisher}/{row.slug}@{row.version}"
    raise bad_parameter(view, "diagram", raw, allowed, links=[(f"/p/{row.publisher}/{row.slug}/{row.version}", ref)])


@router.get("/p/{publisher}/{slug}")
def process_latest(request: Request, publisher: str, slug: str, diagram: str = ""):
    return _process_page(request, publisher, slug, None, diagram)


@router.get("/p/{publisher}/{slug}/{version}")
def process_version(request: Request, publisher: str, slug: str, version: str, diagram: str = ""):
    return _process_page(request, publisher, slug, version, diagram)


def _process_page(request, publisher, slug, version, diagram):
    view, refused = _readable_page(request, publisher)
    if refused:
        return refused
    store = request.app.state.store
    if version is None:
        if not _valid_name(publisher, slug):
            return message(
                view, 404, view.t("not_found_heading"), view.t("bad_name", what=shown(f"{publisher}/{slug}"))
            )
        process = store.get_process(publisher, slug)
        rows = version_rows(store, publisher, slug)
        if process is None or not rows:
            return not_found(view, f"{publisher}/{slug}")
        # the latest unyanked version, else (all yanked) the newest
        row = next((r for r in rows if r.version == process["latest"]), rows[0])
    else:
        row = _version_row(request, view, publisher, slug, version)
        process = store.get_process(publisher, slug)
        rows = version_rows(store, publisher, slug)
    manifest = store_module.version_manifest(row)
    drawing = diagram_view(store, row, _diagram_number(view, store, row, diagram), view.lang)
    validation = validation_report(store, row)
    adoptions = store.adoptions(publisher, slug)
    derived = None
    if manifest.get("derived_from"):
        try:
            ref = package.parse_ref(manifest["derived_from"]["ref"], require_version=True)
            derived = {"ref": str(ref), "publisher": ref.publisher, "slug": ref.slug, "version": ref.version}
        except package.PackageError:
            derived = None
    derivations = derived_processes(store, publisher, slug)
    keys = manifest.get("leistungsschluessel", [])
    older = [r.version for r in rows if package.version_key(r.version) < package.version_key(row.version)]
    return view.render(
        "process.html",
        process=process,
        row=row,
        manifest=manifest,
        rows=rows,
        drawing=drawing,
        validation=validation,
        adoptions=adoptions,
        derived=derived,
        derivations=derivations,
        publisher_name=member_name(store, publisher),
        leika=leika_names(keys),
        previous=older[0] if older else None,
        status_labels=STATUS_LABELS[view.lang],
    )


@router.get("/p/{publisher}/{slug}/{version}/model")
def download_model(request: Request, publisher: str, slug: str, version: str):
    _, row, refused = _stored_version(request, publisher, slug, version)
    if refused:
        return refused
    file_name = json.loads(row.manifest)["model"]["file"]
    headers = {
        "Content-Disposition": _attachment(file_name),
        "ETag": f'"{row.model_sha256}"',
        "Cache-Control": "private, no-cache",
        "X-Content-Type-Options": "nosniff",
    }
    if row.yanked_at:
        headers["X-Procex-Yanked"] = "true"
    return Response(request.app.state.store.model(row.id), media_type="application/xml", headers=headers)


@router.get("/p/{publisher}/{slug}/{version}/manifest.json")
def download_manifest(request: Request, publisher: str, slug: str, version: str):
    _, row, refused = _stored_version(request, publisher, slug, version)
    if refused:
        return refused
    data = json.dumps(store_module.version_manifest(row), ensure_ascii=False, indent=2).encode("utf-8")
    return Response(
        data,
        media_type="application/json",
        headers={
            "Content-Disposition": _attachment(f"{slug}-{version}.json"),
            "Cache-Control": "private, no-cache",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get("/p/{publisher}/{slug}/{version}/diagram.svg")
def download_svg(request: Request, publisher: str, slug: str, version: str, diagram: str = ""):
    view, row, refused = _stored_version(request, publisher, slug, version)
    if refused:
        return refused
    store = request.app.state.store
    drawing = diagram_view(store, row, _diagram_number(view, store, row, diagram), view.lang)
    if drawing["svg"] is None:
        return message(
            view,
            404,
            view.t("no_diagram_heading"),
            drawing["error"],
            links=[(f"/p/{publisher}/{slug}/{version}", f"{publisher}/{slug}@{version}")],
        )
    return Response(
        str(drawing["svg"]),
        media_type="image/svg+xml",
        headers={
            "Content-Disposition": _attachment(f"{slug}-{version}.svg"),
            "Cache-Control": "private, no-cache",
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
            "X-Content-Type-Options": "nosniff",
        },
    )


def _attachment(file_name):
    ascii_name = file_name.encode("ascii", "replace").decode("ascii").replace('"', "_").replace("?", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file_name)}"


@router.get("/p/{publisher}/{slug}/{version}/compare")
def compare(request: Request, publisher: str, slug: str, version: str, to: str = "", origin: str = ""):
    """Compare ``version`` (old) with ``to`` (new) of one process, or (origin=1) the version this
    one was derived from (old) with this version (new). Without either: choose what to compare with."""
    return _compare(request, publisher, slug, version, to, origin, report=False)


@router.get("/p/{publisher}/{slug}/{version}/compare/report.html")
def compare_report(request: Request, publisher: str, slug: str, version: str, to: str = "", origin: str = ""):
    """The diff report (bpmn/report_html.py) of the same comparison, as a file to keep or mail."""
    return _compare(request, publisher, slug, version, to, origin, report=True)


def _origin_flag(view, raw):
    """The ``origin`` query value: 1 compares with the original, absent (or 0) compares versions."""
    value = raw.strip()
    if value in ("", "0"):
        return False
    if value == "1":
        return True
    raise bad_parameter(view, "origin", raw, allowed_text(view.t, "origin"))


def _choose(view, store, row, status=200, problem=None):
    """The compare page without a version to compare with: the other versions (and the original of
    an adaptation) as links, after ``problem`` when the request named a wrong one."""
    return view.render("compare_choice.html", status=status, problem=problem, **compare_choices(store, row))


def _compare(request, publisher, slug, version, to, origin, report):
    view, this, refused = _stored_version(request, publisher, slug, version)
    if refused:
        return refused
    store = request.app.state.store
    with_origin, to = _origin_flag(view, origin), to.strip()
    this_ref = f"{publisher}/{slug}@{this.version}"
    if with_origin and to:
        return _choose(view, store, this, 400, view.t("to_and_origin"))
    if with_origin:
        derived = json.loads(this.manifest).get("derived_from")
        if not derived:
            return _choose(view, store, this, 404, view.t("not_derived", ref=this_ref))
        ref = package.parse_ref(derived["ref"], require_version=True)
        # Reading the original needs access to its publisher too (the same rule as the API).
        refused = _read_access(view, ref.publisher)
        if refused:
            return refused
        old_row = store.find_version(ref.publisher, ref.slug, ref.version)
        if old_row is None:
            return not_found(view, str(ref))
        new_row = this
    else:
        if not to:
            return _choose(view, store, this)
        if not _VERSION_RE.match(to):
            return _choose(
                view,
                store,
                this,
                400,
                view.t("bad_param", name="to", value=shown(to), allowed=allowed_text(view.t, "to")),
            )
        if to == this.version:
            return _choose(view, store, this, 400, view.t("same_version", version=to))
        new_row = store.find_version(publisher, slug, to)
        if new_row is None:
            return _choose(view, store, this, 404, view.t("no_such_version", process=f"{publisher}/{slug}", version=to))
        old_row = this
    cost = request.app.state.compare_cost
    try:
        if report:
            html, spent = report_of(store, view.lang, old_row, new_row, cost)
            response = Response(
                html.encode("utf-8"),
                media_type="text/html; charset=utf-8",
                headers=dict(
                    SECURITY_HEADERS,
                    **{
                        "Content-Disposition": _attachment(report_file_name(old_row, new_row)),
                        "Cache-Control": "private, no-cache",
                    },
                ),
            )
        else:
            response, spent = compare_page(store, view, old_row, new_row, with_origin, cost)
    except Busy as busy:
        response = message(
            view, 503, view.t("compare_busy_heading"), view.t("compare_busy", seconds=busy.retry_after), tone="error"
        )
        response.headers["Retry-After"] = str(busy.retry_after)
        return response
    # whether this answer was computed or kept (a standard header browsers' tools show; benches read it)
    response.headers["Server-Timing"] = (
        'diff;desc="cached"' if spent is None else f"diff;dur={spent[0] * 1000:.0f}, diff-cpu;dur={spent[1] * 1000:.0f}"
    )
    return response
