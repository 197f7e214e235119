"""Reading processes: search, one process with its versions, a version's manifest, its model."""

import json
from urllib.parse import quote

from fastapi import APIRouter, Header, Query
from fastapi.responses import Response

from procex.exchange.library import error_codes
from procex.exchange.server import auth
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
from procex.exchange.server.storage.store import version_manifest

BPMN_MEDIA_TYPE = "application/xml"

router = APIRouter(prefix=API, tags=["processes"])


@router.get("/processes", openapi_extra=SECURITY)
def search(
    ctx: LibraryContext,
    q: str = Query("", max_length=500, description="Words to find in name, description, keywords and task labels"),
    leistungsschluessel: str | None = Query(None, pattern=r"^[0-9]{14}$"),
    publisher: str | None = Query(None, pattern=rf"^{SLUG}$"),
    page: int = Query(1, ge=1, le=100000),
    per_page: int = Query(20, ge=1, le=100),
    _token=BEARER,
):
    """Search processes (latest unyanked version of each): {"items": [...], "total": n}."""
    member = ctx.member()
    if not auth.may_read_others(ctx.policy, member):
        # Without the agreement a member searches its own processes only.
        auth.require_member(member, "search the library")
        if publisher != member["slug"]:
            auth.check_read(ctx.policy, member, publisher or "")
    items, total = ctx.store.search(q, leistungsschluessel, publisher, page, per_page)
    return {"items": items, "total": total, "page": page, "per_page": per_page}


@router.get("/processes/{publisher}/{slug}", openapi_extra=SECURITY)
def process(ctx: LibraryContext, publisher: str = PublisherPath, slug: str = SlugPath, _token=BEARER):
    """The process with all its versions (newest first) and its latest unyanked version."""
    auth.check_read(ctx.policy, ctx.member(), publisher)
    found = ctx.store.get_process(publisher, slug)
    if found is None:
        raise ApiError(404, error_codes.NOT_FOUND, f"no process {publisher}/{slug} in this library")
    return found


@router.get("/processes/{publisher}/{slug}/{version}", openapi_extra=SECURITY)
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
