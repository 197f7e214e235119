"""The website's error pages: bad query values and addresses, unknown pages, refusals, server errors.

Everything outside the API (``/api/…``, ``/openapi.json``) is a page for people, so its errors are
HTML in the page's language (German unless ``?lang=en`` or the language cookie says otherwise) and
name what was wrong and what is allowed; the API keeps its JSON errors. api/error_handlers.py
ask ``is_page(request)`` and hand page requests here; page routes parse their query values with
``whole_number`` and raise ``PageError`` (web.register installs its handler).
"""

import re

from procex.exchange.server.errors import ApiError
from procex.exchange.server.web.page import Page, message, refusal
from procex.exchange.server.web.session import caller

MAX_PAGE = 100000  # the API's limit for search pages (GET /api/v1/processes?page=)
_NUMBER_RE = re.compile(r"^[0-9]{1,12}$")


def is_page(request):
    """Whether ``request`` is for the website (HTML errors) rather than the API (JSON errors)."""
    path = request.url.path
    return not (path == "/api" or path.startswith("/api/") or path == "/openapi.json")


class PageError(Exception):
    """Raised by a page route: answer with this ready error page."""

    def __init__(self, response):
        super().__init__(response.status_code)
        self.response = response


def shown(value, limit=60):
    """A query value as the error sentence quotes it (long values shortened)."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bad_parameter(page, name, value, allowed=None, status=400, links=()):
    """The PageError naming query parameter ``name``, its value and (``allowed``) what it may be."""
    if allowed:
        text = page.t("bad_param", name=name, value=shown(value), allowed=allowed)
    else:
        text = page.t("bad_param_plain", name=name, value=shown(value))
    return PageError(message(page, status, page.t("bad_request_heading"), text, links=links, tone="error"))


def parse_whole_number(raw, default, minimum, maximum):
    """The query value ``raw`` as an int in [minimum, maximum], ``default`` when absent or empty,
    None when it is anything else."""
    if raw is None or raw.strip() == "":
        return default
    text = raw.strip()
    if not _NUMBER_RE.match(text) or not minimum <= int(text) <= maximum:
        return None
    return int(text)


def whole_number(page, name, raw, default, minimum, maximum, allowed):
    """parse_whole_number, raising the PageError that names ``name`` and what is ``allowed``."""
    number = parse_whole_number(raw, default, minimum, maximum)
    if number is None:
        raise bad_parameter(page, name, raw, allowed)
    return number


def allowed_text(t, name):
    """What the pages' query parameter ``name`` may be, in words (None for a parameter not listed)."""
    texts = {
        "page": lambda: t("allowed_page", max=MAX_PAGE),
        "diagram": lambda: t("allowed_diagram"),
        "origin": lambda: t("allowed_origin"),
        "to": lambda: t("allowed_to"),
    }
    return texts[name]() if name in texts else None


def _page(request, find_member=True):
    """The Page of an error answer: the signed-in member when it can be found (for the header)."""
    member = None
    if find_member:
        try:
            member = caller(request)
        except Exception:  # a bad token or an unavailable database: the error page still renders
            member = None
    return Page(request, member)


# --- called by api/error_handlers.py for page requests ---------------------------------------
def validation_error_page(request, error):
    """FastAPI's RequestValidationError on a page: the bad parameter named, in the page's language."""
    page = _page(request)
    items = error.errors()
    first = items[0] if items else {}
    location = tuple(first.get("loc", ()))
    name = str(location[-1]) if location else "?"
    value = first.get("input", "")
    if location and location[0] == "path":
        return message(page, 404, page.t("not_found_heading"), page.t("page_not_found", path=request.url.path))
    return bad_parameter(page, name, "" if value is None else value, allowed_text(page.t, name)).response


def http_error_page(request, status, headers=None):
    """404 (no such page), 405 (wrong method) and other HTTP errors of Starlette on a page."""
    page = _page(request)
    path = request.url.path
    if status == 404:
        return message(page, 404, page.t("not_found_heading"), page.t("page_not_found", path=path))
    if status == 405:
        response = message(
            page, 405, page.t("method_heading"), page.t("method_not_allowed", path=path, method=request.method)
        )
        if headers and "Allow" in headers:
            response.headers["Allow"] = headers["Allow"]
        return response
    return message(page, status, page.t("error_heading"), page.t("status_error", status=status), tone="error")


def api_error_page(request, error: ApiError):
    """An ApiError that reached the app from a page route: the page's refusal (sign-in, 403, 404)."""
    return refusal(_page(request), error)


def internal_error_page(request):
    """The page for an unexpected error (no database lookups: the database may be what failed)."""
    page = _page(request, find_member=False)
    return message(page, 500, page.t("internal_heading"), page.t("internal"), tone="error")
