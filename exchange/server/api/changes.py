"""GET /api/v1/changes: the library's changes feed, for mirrors and client caches.

Every publish, yank and adoption takes the library's next serial (``library_state``, counted in
the writer's transaction, so serials become visible in their order), and the process it touches
keeps the serial of its last change (``processes.serial``, indexed). A mirror downloads the listing
once (GET /api/v1/index: its X-Procex-Serial header says up to which serial it is), then asks for
the changes ``since`` that serial: the current listing line of every process that changed, each
with its serial, and the processes that left the listing (every version yanked). Applying a page
is replacing lines; a process that changed twice comes once, as it is now. Pages hold at most
``limit`` processes; ``more`` says to ask again from ``serial``. gzip when the request admits it.
"""

import json
import zlib

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from procex.exchange.library import error_codes
from procex.exchange.server import auth
from procex.exchange.server.api import compression
from procex.exchange.server.api.answers import errors
from procex.exchange.server.api.context import LibraryContext
from procex.exchange.server.api.params import API, BEARER, SECURITY
from procex.exchange.server.errors import ApiError

DEFAULT_LIMIT = 5000
MAX_LIMIT = 20000
ANSWER_SCHEMA = {
    "type": "object",
    "properties": {
        "since": {"type": "integer"},
        "serial": {"type": "integer", "description": "The last serial this page holds: ask again since it"},
        "latest": {"type": "integer", "description": "The library's last serial when the page was read"},
        "more": {"type": "boolean", "description": "Whether changes after `serial` were left for the next page"},
        "processes": {
            "type": "array",
            "description": "The current listing line (as in /api/v1/index) of each changed, listed process, "
            "with its `serial`, oldest change first",
        },
        "removed": {
            "type": "array",
            "description": "Changed processes that are no longer listed (every version yanked)",
            "items": {
                "type": "object",
                "properties": {
                    "publisher": {"type": "string"},
                    "slug": {"type": "string"},
                    "serial": {"type": "integer"},
                },
            },
        },
    },
}

router = APIRouter(prefix=API, tags=["processes"])


@router.get(
    "/changes",
    openapi_extra=SECURITY,
    responses={
        200: {
            "content": {"application/json": {"schema": ANSWER_SCHEMA}},
            "description": "One page of changed processes (gzip when Accept-Encoding admits it)",
        },
        **errors(401, 403, 409, 422, codes={409: [error_codes.SERIAL_AHEAD]}),
    },
)
def changes(
    ctx: LibraryContext,
    request: Request,
    since: int = Query(0, ge=0, le=2**62, description="The last serial the caller has (0: from the start)"),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Processes per page"),
    _token=BEARER,
):
    """What changed since serial ``since``: the listing lines of the processes that changed."""
    store, policy = ctx.store, ctx.policy
    member = ctx.member()
    if not auth.may_read_others(policy, member):
        auth.require_member(member, "read the library's changes")
        auth.check_read(policy, member, "")  # the 403 that names the sharing agreement
    with store.snapshot() as conn:
        latest = store.library_serial(conn)
        if since > latest:
            raise ApiError(
                409,
                error_codes.SERIAL_AHEAD,
                f"since={since} is beyond this library's last serial {latest}: the copy belongs to "
                "another library or to this one before a restore; download the whole listing "
                "again (GET /api/v1/index)",
                [{"latest": latest}],
            )
        changed, more = store.changes_since(conn, since, limit)
    answer = {
        "since": since,
        "serial": changed[-1][0] if changed else since,
        "latest": latest,
        "more": more,
        "processes": [dict(line, serial=serial) for serial, _, _, line in changed if line is not None],
        "removed": [
            {"publisher": publisher, "slug": slug, "serial": serial}
            for serial, publisher, slug, line in changed
            if line is None
        ],
    }
    body = json.dumps(answer, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    headers = {"Vary": "Accept-Encoding", "Cache-Control": "no-cache" if policy == "public" else "private, no-cache"}
    if compression.accepts_gzip(request.headers.get("accept-encoding")) and len(body) > 1024:
        compressor = zlib.compressobj(compression.LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        body = compressor.compress(body) + compressor.flush()
        headers["Content-Encoding"] = "gzip"
    return Response(body, media_type="application/json", headers=headers)
