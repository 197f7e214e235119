"""The context and rendering every page shares: language, texts, the signed-in member, the
templates and security headers, and the pages that refuse (sign-in, 403, 404)."""

import re
from pathlib import Path
from urllib.parse import urlencode

from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from procex.exchange.server.errors import ApiError
from procex.exchange.server.web.session import caller
from procex.exchange.server.web.texts import translator

LANG_COOKIE = "procex_lang"

_env = Environment(
    loader=FileSystemLoader(str(Path(__file__).resolve().parent / "templates")),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)

# Content-Security-Policy: nothing from elsewhere; scripts only as files from this site (the compare
# page's diagram viewer), never inline; inline SVG carries a <style>.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


class Page:
    """What every template needs: language, texts, caller, policy, the current URL."""

    def __init__(self, request, member):
        self.request = request
        query_lang = request.query_params.get("lang")
        cookie_lang = request.cookies.get(LANG_COOKIE)
        self.lang = query_lang if query_lang in ("de", "en") else (cookie_lang if cookie_lang in ("de", "en") else "de")
        self.set_lang = query_lang in ("de", "en") and query_lang != cookie_lang
        self.t = translator(self.lang)
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
        return self.respond(html, status)

    def respond(self, html, status=200):
        """A page's HTML (text, or bytes rendered before for the same caller and address) as the
        answer, with the site's headers."""
        response = HTMLResponse(html, status_code=status, headers=dict(SECURITY_HEADERS))
        response.headers["Cache-Control"] = "private, no-store" if self.member else "no-cache"
        response.headers["Vary"] = "Cookie"
        if self.set_lang:
            response.set_cookie(
                LANG_COOKIE,
                self.lang,
                max_age=365 * 24 * 3600,
                httponly=True,
                samesite="lax",
                secure=self.request.url.scheme == "https",
            )
        return response


def signin_redirect(request):
    """To the sign-in form, coming back to this URL afterwards."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse("/signin?" + urlencode({"next": target}), status_code=303)


def refusal(page, error):
    """An ApiError from the access functions as a page: sign-in for 401, the message for 403/404."""
    if error.status == 401 and page.member is None:
        return signin_redirect(page.request)
    code = error.code
    if code == "agreement_required":
        text = page.t("agreement", slug=page.member["slug"]) if page.member else error.message
        return page.render(
            "message.html",
            status=403,
            heading=page.t("agreement_heading"),
            text=text,
            command=f"procex admin member agree {page.member['slug']} --license dl-de/by-2-0" if page.member else None,
            outsider=outsider_view(page),
        )
    heading = {401: page.t("unauthorized_heading"), 404: page.t("not_found_heading")}.get(
        error.status, page.t("error_heading")
    )
    return message(page, error.status, heading, error.message if page.lang == "en" else _german_message(page, error))


def outsider_view(page):
    """What a member without the sharing agreement is told instead of an empty library: how many
    processes the library holds, from how many members, and whom to ask (the operator contact
    `procex serve --operator-contact` names, split so that an e-mail address becomes a link)."""
    size = page.request.app.state.store.library_size()
    t = page.t
    processes = (
        t("one_process") if size["processes"] == 1 else t("n_processes", n=f"{size['processes']:,}".replace(",", "."))
    )
    members = t("one_member") if size["members"] == 1 else t("n_members", n=size["members"])
    contact = page.request.app.state.settings.operator_contact
    return {"holds": t("library_holds", processes=processes, members=members), "contact": contact_parts(contact)}


_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def contact_parts(text):
    """[(text, mailto href or None), ...] of a contact line; [] when there is none."""
    parts, position = [], 0
    for found in _EMAIL.finditer(text or ""):
        if found.start() > position:
            parts.append((text[position : found.start()], None))
        parts.append((found.group(0), "mailto:" + found.group(0)))
        position = found.end()
    if text and position < len(text):
        parts.append((text[position:], None))
    return parts


def _german_message(page, error):
    """The German text of an API refusal (the API speaks English)."""
    if error.status == 404:
        return page.t("not_found", what=error.message)
    if error.status == 401:
        return page.t("token_invalid")
    return page.t("status_error", status=error.status)


def page_for(request):
    """(Page, None) or (None, response) when the caller's credentials are refused."""
    try:
        member = caller(request)
    except ApiError as error:
        page = Page(request, None)
        return None, refusal(page, error)
    return Page(request, member), None


def message(page, status, heading, text, links=(), command=None, tone=None):
    """The site's message page: a heading, one sentence, optionally a command and links onward.

    ``links`` are (href, label) pairs; ``tone`` "error" marks a mistake in the request.
    """
    return page.render(
        "message.html", status=status, heading=heading, text=text, command=command, links=list(links), tone=tone
    )


def not_found(page, what, links=()):
    """The 404 page naming what was not found."""
    return message(page, 404, page.t("not_found_heading"), page.t("not_found", what=what), links=links)
