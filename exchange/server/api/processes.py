"""Reading processes: search, one process with its versions, a version's manifest, its model."""

import json
from urllib.parse import quote

from fastapi import APIRouter, Header, Query
from fastapi.responses import JSONResponse, Response

from procex.exchange.library import error_codes, text_rules
from procex.exchange.server import auth
from procex.exchange.server.api.answers import errors
from procex.exchange.server.api.context import LibraryContext
from procex.exchange.server.api.etags import cached_sha256, etag_matches
from procex.exchange.server.api.params import (
    API,
    BEARER,
    SECURITY,
    SLUG,
    PublisherPath,
    SlugPath,
    VersionOrLatestPath,
)
from procex.exchange.server.errors import ApiError
from procex.exchange.server.storage.search import MAX_OFFSET, SearchQuery
from procex.exchange.server.storage.search_text import QueryError
from procex.exchange.server.storage.store import version_manifest

BPMN_MEDIA_TYPE = "application/xml"

router = APIRouter(prefix=API, tags=["processes"])


@router.get("/processes", openapi_extra=SECURITY, responses=errors(401, 403, 422))
def search(
    ctx: LibraryContext,
    q: str = Query(
        "",
        max_length=500,
        description="What people type: words (all must match, German-aware: 'Gewerbe anmelden' finds "
        "Gewerbeanmeldung; the last word may be unfinished), Leistungsschlüssel or their beginnings "
        "('9905'). At most 200 characters and 8 words; NUL bytes and lone surrogates are refused (422).",
        json_schema_extra={"pattern": text_rules.PORTABLE_PATTERN},  # the text rule, checked by text_check
    ),
    leistungsschluessel: str | None = Query(
        None, pattern=r"^[0-9]{2,14}$", description="A Leistungsschlüssel (14 digits) or its beginning"
    ),
    publisher: str | None = Query(None, pattern=rf"^{SLUG}$"),
    land: str | None = Query(None, pattern=r"^(0[1-9]|1[0-6])$", description="Land: the AGS's first two digits"),
    status: int | None = Query(None, ge=1, le=8, description="FIM status code"),
    detaillierungsstufe: int | None = Query(None, ge=101, le=105),
    themenfeld: str | None = Query(
        None,
        max_length=100,
        description="OZG Themenfeld of a key, e.g. Bauen & Wohnen",
        json_schema_extra={"pattern": text_rules.PORTABLE_PATTERN},  # the text rule, checked by text_check
    ),
    sort: str = Query("relevance", pattern=r"^(relevance|adoptions|newest|name)$"),
    facets: bool = Query(False, description="Count the hits per publisher, land, status, stufe, Themenfeld"),
    cursor: str | None = Query(
        None,
        max_length=400,
        pattern=r"^[A-Za-z0-9_-]*$",  # base64url without padding, as next_cursor gives it
        description="next_cursor of the previous page",
    ),
    page: int = Query(1, ge=1, le=100000, description=f"Page number (reaches {MAX_OFFSET} hits deep; then cursor)"),
    per_page: int = Query(20, ge=1, le=100),
    _token=BEARER,
):
    """Search processes (latest unyanked version of each), ranked: {"items", "total",
    "total_estimated", "next_cursor", "facets", "facets_estimated", "fallback", "page", "per_page"}.

    Ranking, estimates and snippets: docs/search.md. ``snippet`` is {"field", "text", "marks":
    [[start, end], ...]} in characters of ``text``; ``fallback`` is set when nothing matched every
    word and a typo-corrected query or fewer of the words were searched instead (ask the next page
    with the same ``q`` and the cursor).
    """
    member = ctx.member()
    if not auth.may_read_others(ctx.policy, member):
        # Without the agreement a member searches its own processes only.
        member = auth.require_member(member, "search the library")
        if publisher != member["slug"]:
            auth.check_read(ctx.policy, member, publisher or "")
    query = SearchQuery(
        text=q,
        keys=(leistungsschluessel,) if leistungsschluessel else (),
        publisher=publisher,
        land=land,
        status=status,
        detaillierungsstufe=detaillierungsstufe,
        themenfeld=themenfeld,
        sort=sort,
        limit=per_page,
        cursor=cursor,
        offset=0 if cursor else (page - 1) * per_page,
        facets=facets,
    )
    try:
        result = ctx.store.search_page(query)
    except QueryError as error:
        field = str(error).split(":", 1)[0]
        raise ApiError(
            422,
            error_codes.INVALID_REQUEST,
            f"invalid request: {error}",
            [{"location": f"query.{field}", "message": str(error), "type": "value_error"}],
        ) from None
    # Plain JSON types only: rendered directly, without FastAPI's walk of every value (a third of
    # a small search's time in the server).
    return JSONResponse(dict(result.as_dict(), page=page, per_page=per_page))


@router.get("/processes/{publisher}/{slug}", openapi_extra=SECURITY, responses=errors(401, 403, 404, 422))
def process(ctx: LibraryContext, publisher: str = PublisherPath, slug: str = SlugPath, _token=BEARER):
    """The process with all its versions (newest first) and its latest unyanked version."""
    auth.check_read(ctx.policy, ctx.member(), publisher)
    found = ctx.store.get_process(publisher, slug)
    if found is None:
        raise ApiError(404, error_codes.NOT_FOUND, f"no process {publisher}/{slug} in this library")
    return found


@router.get("/processes/{publisher}/{slug}/{version}", openapi_extra=SECURITY, responses=errors(401, 403, 404, 422))
def manifest(
    ctx: LibraryContext,
    publisher: str = PublisherPath,
    slug: str = SlugPath,
    version: str = VersionOrLatestPath,
    _token=BEARER,
):
    """The manifest of one version ('latest' = highest unyanked); a yanked one carries "yanked"."""
    auth.check_read(ctx.policy, ctx.member(), publisher)
    return version_manifest(ctx.version_row(publisher, slug, version))


@router.get(
    "/processes/{publisher}/{slug}/{version}/model",
    openapi_extra=SECURITY,
    responses={
        **errors(401, 403, 404, 422),
        200: {"content": {BPMN_MEDIA_TYPE: {}}, "description": "The BPMN model"},
        304: {"description": "Not modified (If-None-Match matched the ETag)"},
    },
)
def model(
    ctx: LibraryContext,
    publisher: str = PublisherPath,
    slug: str = SlugPath,
    version: str = VersionOrLatestPath,
    if_none_match: str | None = Header(None),
    _token=BEARER,
):
    """The BPMN bytes; ETag is the model's sha256, If-None-Match answers 304."""
    auth.check_read(ctx.policy, ctx.member(), publisher)
    # Version row and bytes in one statement; a current client copy (304) skips the bytes.
    row, data = ctx.store.version_and_model(publisher, slug, version, cached_sha256(if_none_match))
    if row is None:
        ctx.version_row(publisher, slug, version)  # the 404 with its sentence
    etag = f'"{row.model_sha256}"'
    headers = {"ETag": etag, "Cache-Control": "no-cache" if ctx.policy == "public" else "private, no-cache"}
    if row.yanked_at:
        headers["X-Procex-Yanked"] = "true"
    if etag_matches(if_none_match, etag):
        return Response(status_code=304, headers=headers)
    if data is None:
        raise ApiError(
            500,
            error_codes.INTERNAL,
            f"the model of {publisher}/{slug}@{row.version} is missing from "
            "the library database; tell its administrator (procex admin check)",
        )
    file_name = json.loads(row.manifest)["model"]["file"]
    headers["Content-Disposition"] = attachment(file_name)
    return Response(data, media_type=BPMN_MEDIA_TYPE, headers=headers)


def attachment(file_name: str) -> str:
    """A Content-Disposition for downloading ``file_name`` (RFC 6266: ASCII fallback and UTF-8 name)."""
    ascii_name = file_name.encode("ascii", "replace").decode("ascii").replace('"', "_").replace("?", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file_name)}"
