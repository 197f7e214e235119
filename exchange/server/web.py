"""HTML pages of the library: sign-in, search, process, compare (server-rendered, no JavaScript).

app.create_app() calls register(app); the pages share the app's store and settings and the very
access functions the API calls (auth.caller, auth.check_read, auth.may_read_others), so a page
shows exactly what the API would answer. A member signs in once with its token and gets a signed,
HttpOnly, SameSite=Lax session cookie that holds the token's sha256 (never the token); the member
is looked up again on every request, so a revoked token ends the session at once. With the
``public`` policy nobody needs to sign in. German by default; ``?lang=en`` switches to English
and is remembered in a cookie.
"""
import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import threading
import time
from collections import OrderedDict
from pathlib import Path
from urllib.parse import quote, urlencode

import sqlalchemy as sa
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from .. import package
from . import auth, store as store_module
from .errors import ApiError

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "procex_session"
LANG_COOKIE = "procex_lang"
SESSION_SECONDS = 12 * 3600
PER_PAGE = 20
_SLUG_RE = re.compile(rf"^{package.SLUG_PATTERN}$")
_VERSION_RE = re.compile(rf"^{package.VERSION_PATTERN}$")
_KEY_RE = re.compile(r"^[0-9]{14}$")

router = APIRouter(include_in_schema=False)
_env = Environment(loader=FileSystemLoader(str(HERE / "templates")),
                   autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)

# Content-Security-Policy: nothing from elsewhere, no scripts at all; inline SVG carries a <style>.
_SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def register(app):
    """Add the HTML routes to ``app``."""
    app.include_router(router)
    return app


# --- texts ---------------------------------------------------------------------------------------
T = {
    "de": {
        "site": "Prozessbibliothek", "skip": "Zum Inhalt springen", "nav": "Hauptnavigation",
        "signin": "Anmelden", "signout": "Abmelden", "signed_in_as": "Angemeldet als",
        "language": "Sprache", "search_heading": "Prozesse suchen",
        "signin_heading": "Anmelden", "signin_intro": "Melden Sie sich einmal mit dem Zugangstoken Ihrer "
        "Kommune an. Die Verwaltung der Bibliothek erstellt es mit „procex admin token create“. Danach hält ein "
        "Sitzungs-Cookie die Anmeldung für 12 Stunden; das Token selbst wird nicht gespeichert.",
        "token": "Zugangstoken", "token_hint": "beginnt mit „pxl_“",
        "token_invalid": "Das Token ist unbekannt oder wurde widerrufen. Bitten Sie die Verwaltung der Bibliothek "
        "um ein neues (procex admin token create).",
        "q": "Suchbegriffe", "q_hint": "Name, Beschreibung, Schlagwörter, Aufgaben",
        "key": "Leistungsschlüssel", "key_hint": "14 Ziffern, z. B. 99050012104000",
        "publisher": "Herausgeber", "all_publishers": "alle Mitglieder", "search": "Suchen",
        "bad_key": "Ein Leistungsschlüssel hat genau 14 Ziffern, z. B. 99050012104000.",
        "bad_publisher": "Der Herausgeber ist als Kürzel anzugeben (Kleinbuchstaben, Ziffern, Bindestrich).",
        "results": "Treffer", "no_results": "Keine Prozesse gefunden. Versuchen Sie weniger oder andere Suchbegriffe.",
        "all_processes": "Alle Prozesse der Bibliothek",
        "own_only": "Ihre Kommune hat der Vereinbarung zum Teilen noch nicht zugestimmt. Sie sehen daher nur Ihre "
        "eigenen Prozesse; die Prozesse anderer Mitglieder werden sichtbar, sobald die Zustimmung eingetragen ist.",
        "pages": "Seiten", "previous_page": "Vorherige Seite", "next_page": "Nächste Seite", "page_of": "Seite {n} von {m}",
        "agreement_heading": "Zustimmung zur Vereinbarung fehlt",
        "agreement": "Ihre Kommune ({slug}) hat der Vereinbarung zum Teilen der Prozesse noch nicht zugestimmt. Nach "
        "dem Grundsatz „Geben und Nehmen“ sehen Mitglieder die Prozesse anderer erst, wenn sie zugestimmt haben, "
        "ihre eigenen zu teilen. Ihre eigenen Prozesse sehen Sie immer. Die Verwaltung der Bibliothek trägt die "
        "Zustimmung ein mit:",
        "unauthorized_heading": "Anmeldung nötig", "not_found_heading": "Nicht gefunden",
        "error_heading": "Fehler", "not_found": "Diese Bibliothek hat {what} nicht.",
        "no_diagram_heading": "Kein Diagramm",
        "no_di": "Dieses Modell enthält kein Diagramm-Layout (BPMNDI), und procex erfindet keines. Die Elemente "
        "stehen in der Liste darunter.",
        "not_derived": "{ref} ist von keinem anderen Prozess abgeleitet.",
        "back_to_search": "Zurück zur Suche",
        "version": "Version", "latest": "aktuell", "yanked": "zurückgezogen", "yanked_banner":
        "Diese Version wurde zurückgezogen", "reason": "Grund",
        "contents": "Inhalt der Seite", "diagram": "Diagramm", "details": "Angaben", "versions": "Versionen",
        "validation": "Prüfung", "adoptions": "Übernahmen", "downloads": "Herunterladen",
        "diagram_of": "Diagramm von {name}, Version {version}",
        "diagram_choice": "Diagramm wählen", "no_diagram": "Kein Diagramm: ",
        "elements": "Elemente des Diagramms (Textfassung)", "type": "Typ", "name": "Name", "lane": "Lane / Pool",
        "scroll_hint": "Breite Diagramme lassen sich mit den Pfeiltasten verschieben.",
        "f_name": "Name", "f_version": "Version", "f_publisher": "Herausgeber", "f_key": "Leistungsschlüssel",
        "f_description": "Beschreibung", "f_keywords": "Schlagwörter", "f_stufe": "Detaillierungsstufe",
        "f_status": "Freigabestatus", "f_region": "Gebiet", "f_ags": "AGS", "f_contact": "Ansprechstelle",
        "f_license": "Lizenz", "f_legal": "Rechtsgrundlagen", "f_derived": "Abgeleitet von",
        "f_model": "Modelldatei", "f_published": "Veröffentlicht am", "f_yanked": "Zurückgezogen",
        "bytes": "Bytes", "compare_origin": "Änderungen gegenüber dem Original ansehen",
        "published": "veröffentlicht", "state": "Zustand", "actions": "Aktionen", "show": "ansehen",
        "download": "herunterladen", "compare_previous": "mit {v} vergleichen", "current": "angezeigt",
        "valid": "Gültig: Schema (OMG BPMN 2.0 XSD) und Verweise ohne Fehler.",
        "invalid": "{n} Fehler im Modell.", "warnings": "{n} Hinweise der empfohlenen Modellierungsregeln",
        "no_warnings": "Keine Hinweise der empfohlenen Modellierungsregeln.",
        "validation_unavailable": "Die Prüfung ist auf diesem Server nicht verfügbar: ",
        "severity": "Schwere", "rule": "Regel", "message": "Meldung", "line": "Zeile",
        "sev_error": "Fehler", "sev_warning": "Hinweis", "sev_info": "Info",
        "no_adoptions": "Noch keine Kommune hat eine Version dieses Prozesses übernommen.",
        "adopter": "Kommune", "adopted_at": "übernommen am", "derivations": "Abgeleitete Prozesse",
        "derived_from_version": "von Version {v}",
        "dl_report": "Vergleichsbericht als HTML-Datei herunterladen", "dl_model": "BPMN-Modell", "dl_manifest": "Manifest (JSON)", "dl_svg": "Diagramm (SVG)",
        "compare_heading": "Vergleich", "old": "vorher", "new": "nachher",
        "changes": "Änderungen", "no_changes": "Keine Änderungen: die Modelle sind inhaltlich gleich.",
        "only_layout": "Nur das Layout hat sich geändert.",
        "legend": "Legende", "change_kind": "Art", "element": "Element", "detail": "Einzelheiten",
        "origin_heading": "Anpassung gegenüber dem Original",
        "semantic_changes": "{n} inhaltliche Änderungen",
        "footer": "procex – Prozesse teilen und anpassen. Diese Seiten kommen ohne JavaScript und ohne fremde Quellen aus.",
    },
    "en": {
        "site": "Process library", "skip": "Skip to content", "nav": "Main navigation",
        "signin": "Sign in", "signout": "Sign out", "signed_in_as": "Signed in as",
        "language": "Language", "search_heading": "Search processes",
        "signin_heading": "Sign in", "signin_intro": "Sign in once with your municipality's access token. The "
        "library's administrator creates it with `procex admin token create`. A session cookie then keeps you "
        "signed in for 12 hours; the token itself is not stored.",
        "token": "Access token", "token_hint": "starts with 'pxl_'",
        "token_invalid": "The token is unknown or was revoked. Ask the library's administrator for a new one "
        "(procex admin token create).",
        "q": "Search words", "q_hint": "name, description, keywords, tasks",
        "key": "Leistungsschlüssel", "key_hint": "14 digits, e.g. 99050012104000",
        "publisher": "Publisher", "all_publishers": "all members", "search": "Search",
        "bad_key": "A Leistungsschlüssel has exactly 14 digits, e.g. 99050012104000.",
        "bad_publisher": "Give the publisher as its slug (lower-case letters, digits, hyphens).",
        "results": "results", "no_results": "No processes found. Try fewer or other words.",
        "all_processes": "All processes of the library",
        "own_only": "Your municipality has not accepted the sharing agreement yet, so you see your own processes "
        "only; other members' processes become visible once the agreement is recorded.",
        "pages": "Pages", "previous_page": "Previous page", "next_page": "Next page", "page_of": "Page {n} of {m}",
        "agreement_heading": "Sharing agreement not accepted",
        "agreement": "Your municipality ({slug}) has not accepted the library's sharing agreement. Under the "
        "give-to-get rule a member reads other members' processes only after it agreed to share its own; its own "
        "processes it can always read. The library's administrator records the agreement with:",
        "unauthorized_heading": "Sign-in needed", "not_found_heading": "Not found",
        "error_heading": "Error", "not_found": "This library has no {what}.",
        "no_diagram_heading": "No diagram",
        "no_di": "This model has no diagram interchange (BPMNDI), and procex does not invent a layout. Its "
        "elements are listed below.",
        "not_derived": "{ref} is not derived from another process.",
        "back_to_search": "Back to search",
        "version": "Version", "latest": "latest", "yanked": "yanked", "yanked_banner": "This version was yanked",
        "reason": "Reason",
        "contents": "On this page", "diagram": "Diagram", "details": "Details", "versions": "Versions",
        "validation": "Validation", "adoptions": "Adoptions", "downloads": "Downloads",
        "diagram_of": "Diagram of {name}, version {version}",
        "diagram_choice": "Choose a diagram", "no_diagram": "No diagram: ",
        "elements": "Elements of the diagram (text version)", "type": "Type", "name": "Name", "lane": "Lane / pool",
        "scroll_hint": "Wide diagrams scroll with the arrow keys.",
        "f_name": "Name", "f_version": "Version", "f_publisher": "Publisher", "f_key": "Leistungsschlüssel",
        "f_description": "Description", "f_keywords": "Keywords", "f_stufe": "Detaillierungsstufe",
        "f_status": "Release status", "f_region": "Region", "f_ags": "AGS", "f_contact": "Contact office",
        "f_license": "Licence", "f_legal": "Legal basis", "f_derived": "Derived from",
        "f_model": "Model file", "f_published": "Published", "f_yanked": "Yanked",
        "bytes": "bytes", "compare_origin": "See the changes against the original",
        "published": "published", "state": "State", "actions": "Actions", "show": "show",
        "download": "download", "compare_previous": "compare with {v}", "current": "shown",
        "valid": "Valid: schema (OMG BPMN 2.0 XSD) and references without errors.",
        "invalid": "{n} errors in the model.", "warnings": "{n} findings of the recommended modelling rules",
        "no_warnings": "No findings of the recommended modelling rules.",
        "validation_unavailable": "Validation is not available on this server: ",
        "severity": "Severity", "rule": "Rule", "message": "Message", "line": "Line",
        "sev_error": "error", "sev_warning": "warning", "sev_info": "info",
        "no_adoptions": "No municipality has adopted a version of this process yet.",
        "adopter": "Municipality", "adopted_at": "adopted", "derivations": "Derived processes",
        "derived_from_version": "from version {v}",
        "dl_report": "Download the comparison report as an HTML file", "dl_model": "BPMN model", "dl_manifest": "Manifest (JSON)", "dl_svg": "Diagram (SVG)",
        "compare_heading": "Comparison", "old": "before", "new": "after",
        "changes": "Changes", "no_changes": "No changes: the models have the same content.",
        "only_layout": "Only the layout changed.",
        "legend": "Legend", "change_kind": "Kind", "element": "Element", "detail": "Details",
        "origin_heading": "Adaptation of the original",
        "semantic_changes": "{n} changes of content",
        "footer": "procex – share and adapt processes. These pages need no JavaScript and load nothing from elsewhere.",
    },
}
STATUS_LABELS = {
    "de": {1: "in Planung", 2: "in Bearbeitung", 3: "Entwurf", 4: "methodisch freigegeben",
           5: "fachlich freigegeben (silber)", 6: "fachlich freigegeben (gold)", 7: "inaktiv",
           8: "vorgesehen zum Löschen"},
    "en": {1: "planned", 2: "in progress", 3: "draft", 4: "methodically released",
           5: "released by the department (silver)", 6: "released by the department (gold)", 7: "inactive",
           8: "to be deleted"},
}


def _t(lang):
    table = T[lang]
    return lambda key, **values: table[key].format(**values) if values else table[key]


# --- session cookie ------------------------------------------------------------------------------
_secret_lock = threading.Lock()
_secret_cache = {}


def _session_secret(settings):
    """The key that signs session cookies, the same for every worker of one library.

    PROCEX_SESSION_SECRET when set; else a random key kept in a file beside the SQLite database
    (``<db>.session-key``) or, for a PostgreSQL URL, in ``~/.local/state/procex/``; created once
    with mode 0600.
    """
    env = os.environ.get("PROCEX_SESSION_SECRET")
    if env:
        return env.encode("utf-8")
    db = str(settings.db)
    if db.startswith("sqlite:///"):
        path = Path(db[len("sqlite:///"):] + ".session-key")
    elif "://" not in db:
        path = Path(db + ".session-key")
    else:
        state = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state") / "procex"
        state.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = state / f"session-{hashlib.sha256(db.encode('utf-8')).hexdigest()[:16]}.key"
    path = path.expanduser().resolve()
    with _secret_lock:
        if path in _secret_cache:
            return _secret_cache[path]
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
        for _ in range(50):  # another worker may be writing it right now
            key = path.read_text().strip()
            if len(key) == 64:
                break
            time.sleep(0.02)
        _secret_cache[path] = key.encode("ascii")
        return _secret_cache[path]


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(secret, payload):
    body = _b64(json.dumps(payload, separators=(",", ":")).encode("utf-8"))
    mac = _b64(hmac.new(secret, body.encode("ascii"), hashlib.sha256).digest())
    return f"{body}.{mac}"


def _unsign(secret, value):
    try:
        body, mac = value.split(".", 1)
        expected = _b64(hmac.new(secret, body.encode("ascii"), hashlib.sha256).digest())
        if not hmac.compare_digest(mac, expected):
            return None
        payload = json.loads(_unb64(body))
    except (ValueError, TypeError):
        return None
    if not isinstance(payload, dict) or time.time() - payload.get("t", 0) > SESSION_SECONDS:
        return None
    return payload


def _caller(request):
    """The signed-in member (session cookie, else an Authorization header as the API reads it)."""
    store, settings = request.app.state.store, request.app.state.settings
    header = request.headers.get("authorization")
    if header:
        return auth.caller(store, header)  # raises ApiError 401 for a bad token, as the API does
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    payload = _unsign(_session_secret(settings), cookie)
    if not payload or not isinstance(payload.get("h"), str):
        return None
    return store.member_for_token_hash(payload["h"])


# --- page context --------------------------------------------------------------------------------
class Page:
    """What every template needs: language, texts, caller, policy, the current URL."""

    def __init__(self, request, member):
        self.request = request
        query_lang = request.query_params.get("lang")
        cookie_lang = request.cookies.get(LANG_COOKIE)
        self.lang = query_lang if query_lang in ("de", "en") else (cookie_lang if cookie_lang in ("de", "en") else "de")
        self.set_lang = query_lang in ("de", "en") and query_lang != cookie_lang
        self.t = _t(self.lang)
        self.member = member
        self.policy = request.app.state.settings.policy

    def url_with(self, **params):
        """The current path with query parameters replaced (None removes one)."""
        query = dict(self.request.query_params)
        for key, value in params.items():
            if value is None:
                query.pop(key, None)
            else:
                query[key] = str(value)
        text = urlencode(query)
        return self.request.url.path + (f"?{text}" if text else "")

    def render(self, template, status=200, **context):
        html = _env.get_template(template).render(page=self, t=self.t, lang=self.lang, **context)
        response = HTMLResponse(html, status_code=status, headers=dict(_SECURITY_HEADERS))
        response.headers["Cache-Control"] = "private, no-store" if self.member else "no-cache"
        response.headers["Vary"] = "Cookie"
        if self.set_lang:
            response.set_cookie(LANG_COOKIE, self.lang, max_age=365 * 24 * 3600, httponly=True,
                                samesite="lax", secure=self.request.url.scheme == "https")
        return response


def _signin_redirect(request):
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse("/signin?" + urlencode({"next": target}), status_code=303)


def _refusal(page, error):
    """An ApiError from the access functions as a page: sign-in for 401, the message for 403/404."""
    if error.status == 401 and page.member is None:
        return _signin_redirect(page.request)
    code = error.code
    if code == "agreement_required":
        text = page.t("agreement", slug=page.member["slug"]) if page.member else error.message
        return page.render("message.html", status=403, heading=page.t("agreement_heading"), text=text,
                           command=f"procex admin member agree {page.member['slug']} --license dl-de/by-2-0"
                           if page.member else None)
    heading = {401: page.t("unauthorized_heading"), 404: page.t("not_found_heading")}.get(error.status, page.t("error_heading"))
    return page.render("message.html", status=error.status, heading=heading,
                       text=error.message if page.lang == "en" else _german_message(page, error), command=None)


def _german_message(page, error):
    if error.status == 404:
        return page.t("not_found", what=error.message)
    if error.status == 401:
        return page.t("token_invalid")
    return error.message


def _page(request):
    """(Page, None) or (None, response) when the caller's credentials are refused."""
    try:
        member = _caller(request)
    except ApiError as error:
        page = Page(request, None)
        return None, _refusal(page, error)
    return Page(request, member), None


# --- caches ---------------------------------------------------------------------------------------
class _Lru:
    """A small thread-safe LRU: rendered diagrams and validation reports by model sha256."""

    def __init__(self, size):
        self.size = size
        self.items = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        return None

    def put(self, key, value):
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        return value


_diagrams = _Lru(64)
_reports = _Lru(256)


def _load_model(data, source):
    from bpmn.model import Model

    return Model.from_bytes(data, source, max_bytes=None)


def _diagram_view(store, row, diagram, lang, model=None, highlight=None, cache=True):
    """{"svg", "elements", "diagrams", "error"} for one stored version (rendered once, then cached)."""
    from bpmn.render import NoDiagramError, RenderError, element_list, render_svg

    key = (row.model_sha256, diagram, lang)
    if cache and highlight is None:
        found = _diagrams.get(key)
        if found is not None:
            return found
    if model is None:
        model = _load_model(store.model(row.id), f"{row.publisher}/{row.slug}@{row.version}")
    view = {"svg": None, "elements": [], "diagrams": [d.name or d.id or str(i) for i, d in enumerate(model.diagrams)],
            "error": None, "number": diagram, "width": 0}
    try:
        title = f"{row.publisher}/{row.slug} {row.version}"
        svg = render_svg(model, diagram=diagram, highlight=highlight, lang=lang, title=title)
        view["svg"] = Markup(svg)
        size = re.search(r'<svg [^>]*?width="([0-9.]+)"', svg[:600])
        view["width"] = float(size.group(1)) if size else 0
        view["elements"] = element_list(model, lang=lang, diagram=diagram)
    except RenderError as error:
        view["error"] = T[lang]["no_di"] if isinstance(error, NoDiagramError) else str(error)
        view["elements"] = _elements_without_diagram(model, lang)
    if cache and highlight is None:
        _diagrams.put(key, view)
    return view


def _elements_without_diagram(model, lang):
    from bpmn.render import type_label

    rows = []
    for node in model.flow_nodes:
        lane = node.lane
        rows.append((type_label(node.type, lang), node.name or "", lane.name if lane is not None and lane.name else ""))
    return rows


def _validation(store, row):
    """The validation report of a stored model: schema and references, plus the recommended rules."""
    found = _reports.get(row.model_sha256)
    if found is not None:
        return found
    from bpmn.errors import BpmnReadError

    try:
        from bpmn.validate import validate_bytes

        report = validate_bytes(store.model(row.id), f"{row.slug}.bpmn", rules="recommended", max_bytes=None)
        result = {"ok": report.ok, "errors": report.errors, "warnings": report.warnings,
                  "findings": [{"severity": f.severity, "code": f.code, "message": f.message, "line": f.line,
                                "element": f.element} for f in report.findings[:200]]}
    except (ImportError, BpmnReadError) as error:
        result = {"ok": None, "errors": 0, "warnings": 0, "findings": [], "unavailable": str(error)}
    return _reports.put(row.model_sha256, result)


# --- helpers over the store ----------------------------------------------------------------------
def _version_rows(store, publisher, slug):
    versions = store_module.versions
    with store.read() as conn:
        return conn.execute(versions.select().where(versions.c.publisher == publisher, versions.c.slug == slug)
                            .order_by(versions.c.version_sort.desc())).fetchall()


def _member_name(store, slug):
    try:
        return store.get_member(slug)["name"]
    except store_module.StoreError:
        return slug


def _leika_names(keys):
    try:
        from exchange.leika import load_leika

        services = load_leika()
    except Exception:  # the reference list is optional for the page: show bare keys
        return {key: "" for key in keys}
    return {key: services[key].name if key in services else "" for key in keys}


def _valid_name(publisher, slug, version=None):
    return bool(_SLUG_RE.match(publisher) and _SLUG_RE.match(slug) and (version is None or _VERSION_RE.match(version)))


def _not_found(page, what):
    return page.render("message.html", status=404, heading=page.t("not_found_heading"),
                       text=page.t("not_found", what=what), command=None)


# --- routes ---------------------------------------------------------------------------------------
@router.get("/static/web.css")
def stylesheet():
    data = (HERE / "static" / "web.css").read_bytes()
    etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
    return Response(data, media_type="text/css; charset=utf-8",
                    headers={"Cache-Control": "public, max-age=3600", "ETag": etag, "X-Content-Type-Options": "nosniff"})


@router.get("/signin")
def signin_form(request: Request, next: str = "/"):
    page, refused = _page(request)
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
    form = await request.form(max_files=0, max_fields=4, max_part_size=4096)
    token = str(form.get("token") or "").strip()
    target = _safe_next(str(form.get("next") or "/"))
    store, settings = request.app.state.store, request.app.state.settings
    member = await run_in_threadpool(store.member_for_token, token) if token else None
    page = Page(request, None)
    if member is None:
        page.lang = form.get("lang") if form.get("lang") in ("de", "en") else page.lang
        page.t = _t(page.lang)
        return page.render("signin.html", status=401, next=target, error=page.t("token_invalid"))
    secret = await run_in_threadpool(_session_secret, settings)
    cookie = _sign(secret, {"h": store_module.hash_token(token), "t": int(time.time())})
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(SESSION_COOKIE, cookie, max_age=SESSION_SECONDS, httponly=True, samesite="lax",
                        secure=request.url.scheme == "https", path="/")
    return response


@router.post("/signout")
def signout(request: Request):
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")
    return response


@router.get("/")
def start(request: Request, q: str = "", leistungsschluessel: str = "", publisher: str = "", page: int = 1):
    view, refused = _page(request)
    if refused:
        return refused
    store, policy, member = request.app.state.store, view.policy, view.member
    if policy != "public" and member is None:
        return _signin_redirect(request)
    q, key, publisher = q.strip()[:500], leistungsschluessel.strip(), publisher.strip()
    problems = []
    if key and not _KEY_RE.match(key):
        problems.append(view.t("bad_key"))
    if publisher and not _SLUG_RE.match(publisher):
        problems.append(view.t("bad_publisher"))
    page = min(max(page, 1), 100000)
    own_only = False
    # The API's search rule: without the agreement a member searches its own processes only.
    if not auth.may_read_others(policy, member):
        own_only = True
        if publisher and publisher != member["slug"]:
            try:
                auth.check_read(policy, member, publisher)
            except ApiError as error:
                return _refusal(view, error)
        publisher = member["slug"]
    items, total = ([], 0) if problems else store.search(q, key or None, publisher or None, page, PER_PAGE)
    members = store.list_members() if not own_only else []
    names = {m["slug"]: m["name"] for m in members}
    for item in items:
        item["publisher_name"] = names.get(item["publisher"], item["publisher"])
    searched = bool(q or key or (publisher and not own_only) or "q" in request.query_params)
    pages = (total + PER_PAGE - 1) // PER_PAGE
    return view.render("index.html", items=items, total=total, q=q, key=key, publisher=publisher,
                       members=members, problems=problems, own_only=own_only, searched=searched,
                       page_number=page, pages=pages, status_labels=STATUS_LABELS[view.lang])


def _read_access(view, publisher):
    """None when the caller may read ``publisher``'s processes, else the refusal page."""
    try:
        auth.check_read(view.policy, view.member, publisher)
    except ApiError as error:
        return _refusal(view, error)
    return None


@router.get("/p/{publisher}/{slug}")
def process_latest(request: Request, publisher: str, slug: str, diagram: int = 0):
    return _process_page(request, publisher, slug, None, diagram)


@router.get("/p/{publisher}/{slug}/{version}")
def process_version(request: Request, publisher: str, slug: str, version: str, diagram: int = 0):
    return _process_page(request, publisher, slug, version, diagram)


def _process_page(request, publisher, slug, version, diagram):
    view, refused = _page(request)
    if refused:
        return refused
    refused = _read_access(view, publisher)
    if refused:
        return refused
    if not _valid_name(publisher, slug, version):
        return _not_found(view, f"{publisher}/{slug}")
    store = request.app.state.store
    process = store.get_process(publisher, slug)
    rows = _version_rows(store, publisher, slug)
    if process is None or not rows:
        return _not_found(view, f"{publisher}/{slug}")
    if version is None:
        # the latest unyanked version, else (all yanked) the newest
        row = next((r for r in rows if r.version == process["latest"]), rows[0])
    else:
        row = next((r for r in rows if r.version == version), None)
        if row is None:
            return _not_found(view, f"{publisher}/{slug}@{version}")
    manifest = store_module.version_manifest(row)
    diagram = max(diagram, 0)
    drawing = _diagram_view(store, row, diagram, view.lang)
    validation = _validation(store, row)
    adoptions = store.adoptions(publisher, slug)
    derived = None
    if manifest.get("derived_from"):
        try:
            ref = package.parse_ref(manifest["derived_from"]["ref"], require_version=True)
            derived = {"ref": str(ref), "publisher": ref.publisher, "slug": ref.slug, "version": ref.version}
        except package.PackageError:
            derived = None
    derivations = _derivations(store, publisher, slug)
    keys = manifest.get("leistungsschluessel", [])
    older = [r.version for r in rows if package.version_key(r.version) < package.version_key(row.version)]
    return view.render(
        "process.html", process=process, row=row, manifest=manifest, rows=rows, drawing=drawing,
        validation=validation, adoptions=adoptions, derived=derived, derivations=derivations,
        publisher_name=_member_name(store, publisher), leika=_leika_names(keys),
        previous=older[0] if older else None,
        status_labels=STATUS_LABELS[view.lang])


def _derivations(store, publisher, slug):
    """Processes of this library whose latest version names a version of this one in derived_from."""
    processes, versions = store_module.processes, store_module.versions
    pattern = f'%"ref": "{publisher}/{slug}@%'
    with store.read() as conn:
        rows = conn.execute(
            sa.select(versions.c.publisher, versions.c.slug, versions.c.version, versions.c.manifest)
            .join(processes, processes.c.latest_version_id == versions.c.id)
            .where(versions.c.manifest.like(pattern))).fetchall()
    found = []
    for row in rows:
        ref = json.loads(row.manifest).get("derived_from", {}).get("ref", "")
        if ref.startswith(f"{publisher}/{slug}@"):
            found.append({"publisher": row.publisher, "slug": row.slug, "version": row.version,
                          "from_version": ref.rsplit("@", 1)[1]})
    return found


@router.get("/p/{publisher}/{slug}/{version}/model")
def download_model(request: Request, publisher: str, slug: str, version: str):
    view, refused = _page(request)
    if refused:
        return refused
    refused = _read_access(view, publisher)
    if refused:
        return refused
    store = request.app.state.store
    row = store.find_version(publisher, slug, version) if _valid_name(publisher, slug, version) else None
    if row is None:
        return _not_found(view, f"{publisher}/{slug}@{version}")
    file_name = json.loads(row.manifest)["model"]["file"]
    headers = {"Content-Disposition": _attachment(file_name), "ETag": f'"{row.model_sha256}"',
               "Cache-Control": "private, no-cache", "X-Content-Type-Options": "nosniff"}
    if row.yanked_at:
        headers["X-Procex-Yanked"] = "true"
    return Response(store.model(row.id), media_type="application/xml", headers=headers)


@router.get("/p/{publisher}/{slug}/{version}/manifest.json")
def download_manifest(request: Request, publisher: str, slug: str, version: str):
    view, refused = _page(request)
    if refused:
        return refused
    refused = _read_access(view, publisher)
    if refused:
        return refused
    store = request.app.state.store
    row = store.find_version(publisher, slug, version) if _valid_name(publisher, slug, version) else None
    if row is None:
        return _not_found(view, f"{publisher}/{slug}@{version}")
    data = json.dumps(store_module.version_manifest(row), ensure_ascii=False, indent=2).encode("utf-8")
    return Response(data, media_type="application/json", headers={
        "Content-Disposition": _attachment(f"{slug}-{version}.json"), "Cache-Control": "private, no-cache",
        "X-Content-Type-Options": "nosniff"})


@router.get("/p/{publisher}/{slug}/{version}/diagram.svg")
def download_svg(request: Request, publisher: str, slug: str, version: str, diagram: int = 0):
    view, refused = _page(request)
    if refused:
        return refused
    refused = _read_access(view, publisher)
    if refused:
        return refused
    store = request.app.state.store
    row = store.find_version(publisher, slug, version) if _valid_name(publisher, slug, version) else None
    if row is None:
        return _not_found(view, f"{publisher}/{slug}@{version}")
    drawing = _diagram_view(store, row, max(diagram, 0), view.lang)
    if drawing["svg"] is None:
        return view.render("message.html", status=404, heading=view.t("no_diagram_heading"),
                           text=drawing["error"], command=None)
    return Response(str(drawing["svg"]), media_type="image/svg+xml", headers={
        "Content-Disposition": _attachment(f"{slug}-{version}.svg"), "Cache-Control": "private, no-cache",
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'", "X-Content-Type-Options": "nosniff"})


def _attachment(file_name):
    ascii_name = file_name.encode("ascii", "replace").decode("ascii").replace('"', "_").replace("?", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file_name)}"


@router.get("/p/{publisher}/{slug}/{version}/compare")
def compare(request: Request, publisher: str, slug: str, version: str, to: str = "", origin: int = 0,
            report: bool = False):
    """Compare ``version`` (old) with ``to`` (new) of one process, or (origin=1) the version this
    one was derived from (old) with this version (new)."""
    view, refused = _page(request)
    if refused:
        return refused
    refused = _read_access(view, publisher)
    if refused:
        return refused
    store = request.app.state.store
    if not _valid_name(publisher, slug, version):
        return _not_found(view, f"{publisher}/{slug}@{version}")
    this = store.find_version(publisher, slug, version)
    if this is None:
        return _not_found(view, f"{publisher}/{slug}@{version}")
    if origin:
        derived = json.loads(this.manifest).get("derived_from")
        if not derived:
            return view.render("message.html", status=404, heading=view.t("not_found_heading"),
                               text=view.t("not_derived", ref=f"{publisher}/{slug}@{version}"), command=None)
        ref = package.parse_ref(derived["ref"], require_version=True)
        # Reading the original needs access to its publisher too (the same rule as the API).
        refused = _read_access(view, ref.publisher)
        if refused:
            return refused
        old_row = store.find_version(ref.publisher, ref.slug, ref.version)
        if old_row is None:
            return _not_found(view, str(ref))
        new_row = this
    else:
        if not _VERSION_RE.match(to or ""):
            return _not_found(view, f"{publisher}/{slug}@{to or '?'}")
        new_row = store.find_version(publisher, slug, to)
        if new_row is None:
            return _not_found(view, f"{publisher}/{slug}@{to}")
        old_row = this
    if report:
        from bpmn.report_html import diff_report

        old, new, diff = _diff_of(store, old_row, new_row)
        html = diff_report(diff, lang=view.lang, old_model=old, new_model=new)
        name = f"vergleich-{old_row.slug}-{old_row.version}-{new_row.version}.html"
        return Response(html.encode("utf-8"), media_type="text/html; charset=utf-8", headers=dict(
            _SECURITY_HEADERS, **{"Content-Disposition": _attachment(name), "Cache-Control": "private, no-cache"}))
    return view.render("compare.html", **_compare_context(store, view, old_row, new_row, bool(origin)))


@router.get("/p/{publisher}/{slug}/{version}/compare/report.html")
def compare_report(request: Request, publisher: str, slug: str, version: str, to: str = "", origin: int = 0):
    """The diff report (bpmn/report_html.py) of the same comparison, as a file to keep or mail."""
    return compare(request, publisher, slug, version, to, origin, report=True)


def _diff_of(store, old_row, new_row):
    """(old model, new model, Diff) of two stored versions: the same engine as `procex diff`."""
    from bpmn.diff import diff_models

    old = _load_model(store.model(old_row.id), f"{old_row.publisher}/{old_row.slug}@{old_row.version}")
    new = _load_model(store.model(new_row.id), f"{new_row.publisher}/{new_row.slug}@{new_row.version}")
    return old, new, diff_models(old, new)


def _compare_context(store, view, old_row, new_row, origin):
    from bpmn.report_html import highlights

    old, new, diff = _diff_of(store, old_row, new_row)
    # the diff report's marks: added/removed, semantic changes, layout-only
    old_marks, new_marks = highlights(diff)
    lang = view.lang
    words = _kind_words(lang)
    from bpmn.render import type_label

    changes = []
    for change in diff.changes:
        details = [{"property": _property_word(d["property"], lang), "old": _shown(d.get("old")),
                    "new": _shown(d.get("new"))} for d in change.details]
        changes.append({"kind": change.kind, "kind_label": words.get(change.kind, change.kind),
                        "type": type_label(change.element_type, lang), "name": change.name or "",
                        "old_id": change.old_id, "new_id": change.new_id, "details": details,
                        "css": {"added": "diff-added", "removed": "diff-removed",
                                "layout": "diff-layout"}.get(change.kind, "diff-changed")})
    summary = [(words[k], n, k) for k, n in diff.summary.items() if n]
    return {
        "old_row": old_row, "new_row": new_row, "origin": origin,
        "old_view": _diagram_view(store, old_row, 0, lang, model=old, highlight=old_marks, cache=False),
        "new_view": _diagram_view(store, new_row, 0, lang, model=new, highlight=new_marks, cache=False),
        "report_url": _report_url(old_row, new_row, origin),
        "changes": [c for c in changes if c["kind"] != "layout"],
        "layout_changes": [c for c in changes if c["kind"] == "layout"], "summary": summary, "semantic": len(diff.semantic_changes), "kind_words": words,
    }


def _property_word(prop, lang):
    if lang != "de":
        return prop
    try:  # the diff report's German property names, when that module is installed
        from bpmn.diff_text import PROPERTY_WORDS_DE
    except ImportError:
        return prop
    return PROPERTY_WORDS_DE.get(prop, prop)


def _shown(value):
    """A diff value as short text: bounds as 'x,y w×h', waypoints as 'x,y – x,y', None as '–'."""
    if value is None or value == "":
        return "–"
    if isinstance(value, dict) and {"x", "y", "width", "height"} <= set(value):
        return f"{_n(value['x'])},{_n(value['y'])} {_n(value['width'])}×{_n(value['height'])}"
    if isinstance(value, (list, tuple)) and value and all(isinstance(p, (list, tuple)) and len(p) == 2 for p in value):
        return " – ".join(f"{_n(x)},{_n(y)}" for x, y in value)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def _n(number):
    return f"{number:g}" if isinstance(number, float) else str(number)


def _kind_words(lang):
    from bpmn.diff_text import KIND_WORDS

    return KIND_WORDS["en" if lang == "en" else "de"]


def _report_url(old_row, new_row, origin):
    base = f"/p/{new_row.publisher}/{new_row.slug}/{new_row.version}" if origin else \
        f"/p/{old_row.publisher}/{old_row.slug}/{old_row.version}"
    return base + ("/compare/report.html?origin=1" if origin else f"/compare/report.html?to={new_row.version}")
