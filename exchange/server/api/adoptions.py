"""Adoptions: a member records that its municipality reuses another's process version."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from procex.exchange.library import error_codes
from procex.exchange.server import auth
from procex.exchange.server.api.answers import errors
from procex.exchange.server.api.context import LibraryContext
from procex.exchange.server.api.params import API, BEARER, SECURITY, PublisherPath, SlugPath, VersionPath
from procex.exchange.server.errors import ApiError

router = APIRouter(prefix=API, tags=["adoptions"])


# Registered before processes.router: its /processes/{publisher}/{slug}/{version} would take "adoptions".
@router.get("/processes/{publisher}/{slug}/adoptions", openapi_extra=SECURITY, responses=errors(401, 403, 404, 422))
def list_adoptions(ctx: LibraryContext, publisher: str = PublisherPath, slug: str = SlugPath, _token=BEARER):
    """Who adopted which version of this process: publishers see their reuse."""
    auth.check_read(ctx.policy, ctx.member(), publisher)
    if ctx.store.get_process(publisher, slug) is None:
        raise ApiError(404, error_codes.NOT_FOUND, f"no process {publisher}/{slug} in this library")
    items = ctx.store.adoptions(publisher, slug)
    return {"items": items, "total": len(items)}


@router.post(
    "/processes/{publisher}/{slug}/{version}/adoptions",
    status_code=201,
    openapi_extra=SECURITY,
    responses={
        **errors(401, 403, 404, 422, codes={422: [error_codes.OWN_PROCESS]}),
        200: {"description": "The caller had already recorded this adoption"},
    },
)
def adopt(
    ctx: LibraryContext,
    publisher: str = PublisherPath,
    slug: str = SlugPath,
    version: str = VersionPath,
    _token=BEARER,
):
    """Record that the caller's municipality adopted this version."""
    member = ctx.member()
    member = auth.require_member(member, "record an adoption")
    auth.check_read(ctx.policy, member, publisher)
    if member["slug"] == publisher:
        raise ApiError(
            422,
            error_codes.OWN_PROCESS,
            f"{publisher} published this process; an adoption records reuse by another member",
        )
    ctx.version_row(publisher, slug, version)
    created, record = ctx.store.adopt(publisher, slug, version, member["slug"])
    return JSONResponse(record, status_code=201 if created else 200)
