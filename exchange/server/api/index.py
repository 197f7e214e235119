"""GET /api/v1/index: the whole library in one streamed answer, for clients that index it."""

import json
import sys

from fastapi import APIRouter, Header, Request
from fastapi.responses import Response, StreamingResponse

from procex.exchange.server import auth
from procex.exchange.server.api import compression
from procex.exchange.server.api.answers import errors
from procex.exchange.server.api.context import LibraryContext
from procex.exchange.server.api.etags import etag_matches
from procex.exchange.server.api.params import API, BEARER, SECURITY

INDEX_MEDIA_TYPE = "application/x-ndjson"
INDEX_LINE_SCHEMA = {
    "type": "object",
    "description": 'A process line (or the closing line {"end": true, "count": n})',
    "properties": {
        "publisher": {"type": "string"},
        "slug": {"type": "string"},
        "latest": {"type": "string", "description": "The latest unyanked version"},
        "name": {"type": "string"},
        "leistungsschluessel": {"type": "array", "items": {"type": "string"}},
        "keywords": {"type": "array", "items": {"type": "string"}},
        "adoptions": {"type": "integer", "description": "Members that adopted any version"},
        "tasks": {
            "type": "array",
            "items": {"type": "string"},
            "description": "The model's activity, event, gateway and lane labels (at most 50)",
        },
        "validation": {
            "type": ["object", "null"],
            "properties": {"errors": {"type": "integer"}, "warnings": {"type": "integer"}},
            "description": "Errors and warnings of the recommended lint preset, counted once "
            "when the version was published (the library refuses schema and "
            "reference errors only); null when not known",
        },
        "end": {"type": "boolean"},
        "count": {"type": "integer"},
    },
}

router = APIRouter(prefix=API, tags=["processes"])


@router.get(
    "/index",
    openapi_extra=SECURITY,
    response_class=StreamingResponse,
    responses={
        **errors(401, 403, 422),  # 422: FastAPI checks the If-None-Match header's type
        200: {
            "content": {INDEX_MEDIA_TYPE: {"schema": INDEX_LINE_SCHEMA}},
            "description": "One JSON object per line: every process's latest unyanked "
            'version, then the closing line {"end": true, "count": n}',
            "headers": {
                "ETag": {"schema": {"type": "string"}},
                "X-Procex-Count": {"schema": {"type": "integer"}},
                "X-Procex-Serial": {
                    "schema": {"type": "integer"},
                    "description": "The library's last change the listing includes: continue with "
                    "GET /api/v1/changes?since=",
                },
                "Content-Encoding": {
                    "schema": {"type": "string"},
                    "description": "gzip when the request's Accept-Encoding admits it",
                },
            },
        },
        304: {"description": "Not modified (If-None-Match matched the ETag)"},
    },
)
def index(ctx: LibraryContext, request: Request, if_none_match: str | None = Header(None), _token=BEARER):
    """The whole library in one streamed answer, for clients that index it (procex suggest)."""
    store, policy = ctx.store, ctx.policy
    member = ctx.member()
    if not auth.may_read_others(policy, member):
        auth.require_member(member, "download the library index")
        auth.check_read(policy, member, "")  # the 403 that names the sharing agreement
    gzip = compression.accepts_gzip(request.headers.get("accept-encoding"))
    snapshot = store.snapshot()
    conn = snapshot.__enter__()
    try:
        etag, count = store.index_state(conn)
        served_etag = compression.gzip_etag(etag) if gzip else etag
        headers = {
            "ETag": served_etag,
            "X-Procex-Count": str(count),
            "X-Procex-Serial": str(store.library_serial(conn)),
            "Vary": "Accept-Encoding",
            "Cache-Control": "no-cache" if policy == "public" else "private, no-cache",
        }
        # Either representation's ETag names the same listing.
        if any(etag_matches(if_none_match, tag) for tag in (etag, compression.gzip_etag(etag))):
            snapshot.__exit__(None, None, None)
            return Response(status_code=304, headers=headers)
    except BaseException:
        snapshot.__exit__(*sys.exc_info())
        raise
    lines = _index_lines(store, conn, snapshot)
    if gzip:
        headers["Content-Encoding"] = "gzip"
        lines = compression.gzipped(lines)
    return StreamingResponse(lines, media_type=INDEX_MEDIA_TYPE, headers=headers)


def _index_lines(store, conn, snapshot):
    """The index as JSON lines, one chunk of processes per yield, then the closing count line.

    The read transaction (one snapshot: the lines agree with the ETag) ends with the stream; a
    stream that breaks off has no closing line, which is how the client knows it is incomplete.
    """
    count = 0
    try:
        for items in store.index_items(conn):
            count += len(items)
            yield "".join(json.dumps(item, ensure_ascii=False, separators=(",", ":")) + "\n" for item in items)
        yield json.dumps({"end": True, "count": count}) + "\n"
    finally:
        snapshot.__exit__(None, None, None)
