"""The library's HTTP API v1 (FastAPI): search, read, publish, yank and adopt processes.

``create_app(settings)`` builds the app around one Store; ``create_app_from_env()`` is what
uvicorn workers import (`procex serve`). Every error answer of the API has one shape,
{"error": {"code", "message", "details"}}, FastAPI's own 404/405/422 included. The OpenAPI
document is at /openapi.json; there is no Swagger UI or ReDoc page, which would load JavaScript
from a CDN into the library's origin, where members paste their tokens. HTML pages are added by
web.register(app); errors of requests outside /api/ (the website) are HTML pages in the reader's
language instead (web_errors).
"""

import json
import logging
import sys
from urllib.parse import quote

from fastapi import Depends, FastAPI, Header, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from fastapi.security import HTTPBearer
from pydantic import BaseModel, Field, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from procex.exchange.library import package
from procex.exchange.server import auth, checks
from procex.exchange.server.api import compression
from procex.exchange.server.api.head import HeadAsGet
from procex.exchange.server.api.limits import SMALL_BODY_LIMIT, BodyLimit
from procex.exchange.server.errors import STATUS_CODES, ApiError, error_body, shorten
from procex.exchange.server.settings import Settings
from procex.exchange.server.storage.store import Store, version_manifest
from procex.exchange.server.web import errors as web_errors
from procex.exchange.server.web import routes as web

log = logging.getLogger("procex.server")

SLUG = package.SLUG_PATTERN
VERSION_OR_LATEST = rf"^(?:{package.VERSION_PATTERN}|latest)$"
VERSION = rf"^{package.VERSION_PATTERN}$"
API = "/api/v1"
BPMN_MEDIA_TYPE = "application/xml"
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

_bearer = HTTPBearer(auto_error=False, description="A member token: procex admin token create SLUG")
BEARER = Depends(_bearer)  # documents the scheme in OpenAPI; auth.caller() reads the header itself

PublisherPath = Path(pattern=rf"^{SLUG}$", description="The publishing member's slug, e.g. trier")
SlugPath = Path(pattern=rf"^{SLUG}$", description="The process slug, e.g. gewerbeanmeldung")


class YankRequest(BaseModel):
    reason: str = Field(min_length=1, max_length=2000, description="Why the version is withdrawn")


# JSON bodies are read by the handler after the caller is known (FastAPI would parse a declared
# Body before any dependency or handler code runs); this documents them in OpenAPI instead.
YANK_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": YankRequest.model_json_schema()}},
        "description": f"At most {SMALL_BODY_LIMIT // 1024} KiB (413 beyond)",
    }
}
MANIFEST_LIMIT = 1024 * 1024  # bytes; the largest valid manifest is some 300 KB even with every character \u-escaped
MANIFEST_DEPTH = 8  # a valid manifest nests 3 levels (root, derived_from, ref)
MAX_DETAILS = 50  # problems listed in one 422


UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["manifest", "model"],
                    "properties": {
                        "manifest": {
                            "type": "string",
                            "description": "The manifest JSON (schemas/manifest.schema.json)",
                        },
                        "model": {"type": "string", "format": "binary", "description": "The BPMN model file"},
                    },
                }
            }
        },
    }
}


def create_app(settings=None, store=None):
    """The FastAPI app for ``settings``; ``store`` defaults to Store(settings.db) (upgraded)."""
    settings = settings or Settings()
    store = store or Store(settings.db)
    app = FastAPI(
        title="procex process library",
        version="1",
        description="Members publish BPMN 2.0 processes and, by the give-to-get rule, read others'. "
        "Every GET operation also answers HEAD: the same status and headers, no body.",
        # No /docs or /redoc: those pages load Swagger UI/ReDoc from cdn.jsdelivr.net into this
        # origin. Any OpenAPI viewer reads /openapi.json.
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.store = store
    app.add_middleware(BodyLimit, limit=settings.max_upload_bytes)
    app.add_middleware(HeadAsGet)
    _install_error_handlers(app)
    _install_routes(app, settings, store)
    web.register(app)
    return app


def create_app_from_env():
    """App factory for uvicorn workers: settings come from PROCEX_* variables."""
    return create_app(Settings.from_env())


def _error_response(status, code, message, details=(), headers=None):
    return JSONResponse(error_body(code, shorten(message), details), status_code=status, headers=headers)


def _install_error_handlers(app):
    # Requests for the website (outside /api/) get HTML error pages; the API keeps its JSON.
    @app.exception_handler(ApiError)
    async def _api_error(request, error):
        if web_errors.is_page(request):
            return await run_in_threadpool(web_errors.api_error_page, request, error)
        return _error_response(error.status, error.code, error.message, error.details, error.headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request, error):
        if web_errors.is_page(request):
            return await run_in_threadpool(
                web_errors.http_error_page, request, error.status_code, getattr(error, "headers", None)
            )
        code = STATUS_CODES.get(error.status_code, "error")
        message = error.detail if isinstance(error.detail, str) else str(error.detail)
        if error.status_code == 404 and message == "Not Found":
            message = "no such resource; the API is under /api/v1 (see /openapi.json)"
        if error.status_code == 405:
            message = "this method is not allowed here; see /openapi.json for the API"
        return _error_response(error.status_code, code, message, headers=getattr(error, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request, error):
        if web_errors.is_page(request):
            return await run_in_threadpool(web_errors.validation_error_page, request, error)
        details = [
            {
                "location": ".".join(str(part) for part in item.get("loc", ())),
                "message": item.get("msg", ""),
                "type": item.get("type", ""),
            }
            for item in error.errors()
        ]
        first = details[0] if details else {"location": "", "message": "invalid request"}
        return _error_response(
            422, "invalid_request", f"invalid request: {first['location']}: {first['message']}", details[:MAX_DETAILS]
        )

    @app.exception_handler(Exception)
    async def _unexpected(request, error):
        log.exception("unexpected error", exc_info=error)
        if web_errors.is_page(request):
            return web_errors.internal_error_page(request)
        return _error_response(
            500, "internal", "internal server error; the administrator finds the details in the server log"
        )


def _member(store, request):
    return auth.caller(store, request.headers.get("authorization"))


def _if_none_match(header, etag):
    if not header:
        return False
    if header.strip() == "*":
        return True
    candidates = [part.strip() for part in header.split(",")]
    return any(candidate.removeprefix("W/") == etag for candidate in candidates)


def _cached_sha256(header, limit=16):
    """The sha256 values (or "*") an If-None-Match header names, for the model query."""
    if not header:
        return ()
    if header.strip() == "*":
        return ("*",)
    found = []
    for part in header.split(",")[:limit]:
        tag = part.strip().removeprefix("W/")  # exactly what _if_none_match compares
        if len(tag) == 66 and tag[0] == tag[-1] == '"' and all(c in "0123456789abcdef" for c in tag[1:-1]):
            found.append(tag[1:-1])
    return tuple(found)


def _install_routes(app, settings, store):
    policy = settings.policy
    security = [{"HTTPBearer": []}]

    def version_row(publisher, slug, version):
        row = store.find_version(publisher, slug, version)
        if row is None:
            what = "has no published, unyanked version" if version == "latest" else f"has no version {version}"
            raise ApiError(404, "not_found", f"{publisher}/{slug} {what}")
        return row

    @app.get(f"{API}/health", tags=["service"])
    def health():
        """Liveness and schema version (for load balancers and `procex serve` readiness)."""
        return {"status": "ok", "schema_version": store.schema_version(), "policy": policy}

    @app.get(f"{API}/me", tags=["members"], openapi_extra={"security": security})
    def me(request: Request, _token=BEARER):
        """The caller's member record and whether it may read other members' processes."""
        member = _member(store, request)
        if policy != "public":
            auth.require_member(member, "ask who you are")
        return {
            "member": member,
            "policy": policy,
            "may_read": auth.may_read_others(policy, member),
            "may_publish": member is not None,
            "publishes_as": member["slug"] if member else None,
        }

    @app.get(f"{API}/processes", tags=["processes"], openapi_extra={"security": security})
    def search(
        request: Request,
        q: str = Query("", max_length=500, description="Words to find in name, description, keywords and task labels"),
        leistungsschluessel: str | None = Query(None, pattern=r"^[0-9]{14}$"),
        publisher: str | None = Query(None, pattern=rf"^{SLUG}$"),
        page: int = Query(1, ge=1, le=100000),
        per_page: int = Query(20, ge=1, le=100),
        _token=BEARER,
    ):
        """Search processes (latest unyanked version of each): {"items": [...], "total": n}."""
        member = _member(store, request)
        if not auth.may_read_others(policy, member):
            # Without the agreement a member searches its own processes only.
            auth.require_member(member, "search the library")
            if publisher != member["slug"]:
                auth.check_read(policy, member, publisher or "")
        items, total = store.search(q, leistungsschluessel, publisher, page, per_page)
        return {"items": items, "total": total, "page": page, "per_page": per_page}

    @app.get(
        f"{API}/index",
        tags=["processes"],
        openapi_extra={"security": security},
        response_class=StreamingResponse,
        responses={
            200: {
                "content": {INDEX_MEDIA_TYPE: {"schema": INDEX_LINE_SCHEMA}},
                "description": "One JSON object per line: every process's latest unyanked "
                'version, then the closing line {"end": true, "count": n}',
                "headers": {
                    "ETag": {"schema": {"type": "string"}},
                    "X-Procex-Count": {"schema": {"type": "integer"}},
                    "Content-Encoding": {
                        "schema": {"type": "string"},
                        "description": "gzip when the request's Accept-Encoding admits it",
                    },
                },
            },
            304: {"description": "Not modified (If-None-Match matched the ETag)"},
        },
    )
    def index(request: Request, if_none_match: str | None = Header(None), _token=BEARER):
        """The whole library in one streamed answer, for clients that index it (procex suggest)."""
        member = _member(store, request)
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
                "Vary": "Accept-Encoding",
                "Cache-Control": "no-cache" if policy == "public" else "private, no-cache",
            }
            # Either representation's ETag names the same listing.
            if any(_if_none_match(if_none_match, tag) for tag in (etag, compression.gzip_etag(etag))):
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

    @app.get(f"{API}/processes/{{publisher}}/{{slug}}", tags=["processes"], openapi_extra={"security": security})
    def process(request: Request, publisher: str = PublisherPath, slug: str = SlugPath, _token=BEARER):
        """The process with all its versions (newest first) and its latest unyanked version."""
        auth.check_read(policy, _member(store, request), publisher)
        found = store.get_process(publisher, slug)
        if found is None:
            raise ApiError(404, "not_found", f"no process {publisher}/{slug} in this library")
        return found

    @app.get(
        f"{API}/processes/{{publisher}}/{{slug}}/adoptions", tags=["adoptions"], openapi_extra={"security": security}
    )
    def list_adoptions(request: Request, publisher: str = PublisherPath, slug: str = SlugPath, _token=BEARER):
        """Who adopted which version of this process: publishers see their reuse."""
        auth.check_read(policy, _member(store, request), publisher)
        if store.get_process(publisher, slug) is None:
            raise ApiError(404, "not_found", f"no process {publisher}/{slug} in this library")
        items = store.adoptions(publisher, slug)
        return {"items": items, "total": len(items)}

    @app.get(
        f"{API}/processes/{{publisher}}/{{slug}}/{{version}}", tags=["processes"], openapi_extra={"security": security}
    )
    def manifest(
        request: Request,
        publisher: str = PublisherPath,
        slug: str = SlugPath,
        version: str = Path(pattern=VERSION_OR_LATEST),
        _token=BEARER,
    ):
        """The manifest of one version ('latest' = highest unyanked); a yanked one carries "yanked"."""
        auth.check_read(policy, _member(store, request), publisher)
        return version_manifest(version_row(publisher, slug, version))

    @app.get(
        f"{API}/processes/{{publisher}}/{{slug}}/{{version}}/model",
        tags=["processes"],
        openapi_extra={"security": security},
        responses={
            200: {"content": {BPMN_MEDIA_TYPE: {}}, "description": "The BPMN model"},
            304: {"description": "Not modified (If-None-Match matched the ETag)"},
        },
    )
    def model(
        request: Request,
        publisher: str = PublisherPath,
        slug: str = SlugPath,
        version: str = Path(pattern=VERSION_OR_LATEST),
        if_none_match: str | None = Header(None),
        _token=BEARER,
    ):
        """The BPMN bytes; ETag is the model's sha256, If-None-Match answers 304."""
        auth.check_read(policy, _member(store, request), publisher)
        # Version row and bytes in one statement; a current client copy (304) skips the bytes.
        row, data = store.version_and_model(publisher, slug, version, _cached_sha256(if_none_match))
        if row is None:
            version_row(publisher, slug, version)  # the 404 with its sentence
        etag = f'"{row.model_sha256}"'
        headers = {"ETag": etag, "Cache-Control": "no-cache" if policy == "public" else "private, no-cache"}
        if row.yanked_at:
            headers["X-Procex-Yanked"] = "true"
        if _if_none_match(if_none_match, etag):
            return Response(status_code=304, headers=headers)
        if data is None:
            raise ApiError(
                500,
                "internal",
                f"the model of {publisher}/{slug}@{row.version} is missing from "
                "the library database; tell its administrator (procex admin check)",
            )
        file_name = json.loads(row.manifest)["model"]["file"]
        headers["Content-Disposition"] = _attachment(file_name)
        return Response(data, media_type=BPMN_MEDIA_TYPE, headers=headers)

    @app.put(
        f"{API}/processes/{{publisher}}/{{slug}}/{{version}}",
        tags=["publishing"],
        status_code=201,
        openapi_extra=dict(UPLOAD_BODY, security=security),
        responses={
            200: {"description": "This version exists with the same content"},
            409: {"description": "This version exists with other content"},
            413: {"description": "Upload larger than the server's limit"},
            422: {"description": "Invalid manifest or model; details lists the findings"},
        },
    )
    async def publish(
        request: Request,
        publisher: str = PublisherPath,
        slug: str = SlugPath,
        version: str = Path(pattern=VERSION),
        _token=BEARER,
    ):
        """Publish a version: multipart with ``manifest`` (JSON) and ``model`` (the BPMN file)."""
        member = await run_in_threadpool(_member, store, request)
        auth.check_write(member, publisher)
        manifest_data, model_data = await _read_upload(request, settings.max_upload_bytes)
        outcome, stored, differences = await run_in_threadpool(
            _publish, store, policy, member, publisher, slug, version, manifest_data, model_data
        )
        if outcome == "conflict":
            raise ApiError(
                409,
                "version_exists",
                f"{publisher}/{slug}@{version} is already published with other content "
                f"({', '.join(differences)} {'differs' if len(differences) == 1 else 'differ'}); "
                "versions are immutable: publish a new version",
                [{"field": field} for field in differences],
            )
        status = 201 if outcome == "created" else 200
        return JSONResponse(
            stored, status_code=status, headers={"Location": f"{API}/processes/{publisher}/{slug}/{version}"}
        )

    @app.post(
        f"{API}/processes/{{publisher}}/{{slug}}/{{version}}/yank",
        tags=["publishing"],
        openapi_extra=dict(YANK_BODY, security=security),
        responses={
            413: {"description": f"Body larger than {SMALL_BODY_LIMIT // 1024} KiB"},
            415: {"description": "Body not sent as application/json"},
        },
    )
    async def yank(
        request: Request,
        publisher: str = PublisherPath,
        slug: str = SlugPath,
        version: str = Path(pattern=VERSION),
        _token=BEARER,
    ):
        """Withdraw a version (it stays downloadable by exact version and is marked); never a delete."""
        member = await run_in_threadpool(_member, store, request)
        auth.check_write(member, publisher, "yank")  # before a byte of the body is read
        body = await _json_body(request, YankRequest, '{"reason": "…"}')
        await run_in_threadpool(version_row, publisher, slug, version)
        return await run_in_threadpool(
            store.yank, publisher, slug, version, body.reason.strip() or body.reason, member["slug"]
        )

    @app.post(
        f"{API}/processes/{{publisher}}/{{slug}}/{{version}}/adoptions",
        tags=["adoptions"],
        status_code=201,
        openapi_extra={"security": security},
        responses={200: {"description": "The caller had already recorded this adoption"}},
    )
    def adopt(
        request: Request,
        publisher: str = PublisherPath,
        slug: str = SlugPath,
        version: str = Path(pattern=VERSION),
        _token=BEARER,
    ):
        """Record that the caller's municipality adopted this version."""
        member = _member(store, request)
        auth.require_member(member, "record an adoption")
        auth.check_read(policy, member, publisher)
        if member["slug"] == publisher:
            raise ApiError(
                422, "own_process", f"{publisher} published this process; an adoption records reuse by another member"
            )
        version_row(publisher, slug, version)
        created, record = store.adopt(publisher, slug, version, member["slug"])
        return JSONResponse(record, status_code=201 if created else 200)


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


def _attachment(file_name):
    ascii_name = file_name.encode("ascii", "replace").decode("ascii").replace('"', "_").replace("?", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file_name)}"


def _too_deep(value, limit):
    """Whether ``value`` (parsed JSON) nests lists and objects deeper than ``limit``; no recursion."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > limit:
                return True
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return False


def _parse_json(data):
    """json.loads that answers a document nested beyond the parser's recursion limit like any other
    bad JSON (ValueError), instead of a RecursionError that would become a 500."""
    try:
        return json.loads(data)
    except RecursionError:
        raise ValueError("the JSON is nested too deeply") from None


async def _json_body(request, model, example):
    """The request's JSON body checked against the pydantic ``model``; call it after authentication.

    The body is at most limits.SMALL_BODY_LIMIT bytes (BodyLimit answers 413 beyond).
    """
    content_type = request.headers.get("content-type", "")
    media = content_type.split(";", 1)[0].strip().lower()
    if media and media != "application/json" and not (media.startswith("application/") and media.endswith("+json")):
        raise ApiError(
            415, "unsupported_media_type", f"send the body as JSON (Content-Type: application/json), e.g. {example}"
        )
    raw = await request.body()
    try:
        data = _parse_json(raw) if raw else None
    except ValueError as error:  # UnicodeDecodeError and JSONDecodeError included
        raise ApiError(
            422,
            "invalid_request",
            f"invalid request: body: not JSON ({error}); send e.g. {example}",
            [{"location": "body", "message": "not JSON", "type": "json_invalid"}],
        ) from None
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise RequestValidationError(
            [dict(item, loc=("body", *item.get("loc", ()))) for item in error.errors()]
        ) from None


async def _read_upload(request, limit):
    """The manifest and model parts of a multipart upload, as bytes."""
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        raise ApiError(
            415, "unsupported_media_type", "send the upload as multipart/form-data with parts 'manifest' and 'model'"
        )
    try:
        form = await request.form(max_files=4, max_fields=8, max_part_size=limit)
    except Exception as error:  # python-multipart/starlette parse errors, or the body limit
        raise ApiError(400, "bad_request", f"the multipart body cannot be read: {error}") from None
    try:
        parts = {}
        for name in ("manifest", "model"):
            value = form.get(name)
            if value is None:
                raise ApiError(
                    422,
                    "missing_part",
                    f"the upload has no '{name}' part; send 'manifest' and 'model'",
                    [{"part": name}],
                )
            parts[name] = await value.read() if isinstance(value, UploadFile) else value.encode("utf-8")
        return parts["manifest"], parts["model"]
    finally:
        await form.close()


def _publish(store, policy, member, publisher, slug, version, manifest_data, model_data):
    """Check an upload by ``member`` and store it: returns store.publish()'s (outcome, manifest, differences)."""
    if len(manifest_data) > MANIFEST_LIMIT:
        raise ApiError(
            413,
            "too_large",
            f"the manifest part has {len(manifest_data):,} bytes; a manifest has at most "
            f"{MANIFEST_LIMIT // 1024} KiB (the model goes in the 'model' part)",
            [{"limit_bytes": MANIFEST_LIMIT}],
        )
    try:
        manifest = _parse_json(manifest_data.decode("utf-8"))
    except ValueError as error:  # UnicodeDecodeError and JSONDecodeError included
        raise ApiError(422, "invalid_manifest", f"the manifest is not JSON: {error}") from None
    if _too_deep(manifest, MANIFEST_DEPTH):
        raise ApiError(
            422,
            "invalid_manifest",
            f"the manifest nests lists and objects more than {MANIFEST_DEPTH} levels deep; a "
            "manifest follows schemas/manifest.schema.json (3 levels)",
        )
    problems = package.manifest_problems(manifest)
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ApiError(
            422,
            "invalid_manifest",
            f"the manifest does not follow the manifest schema: {first['path'] or '/'}: {first['message']}{more}",
            problems[:MAX_DETAILS],
        )
    named = (manifest["publisher"], manifest["slug"], manifest["version"])
    if named != (publisher, slug, version):
        raise ApiError(
            422,
            "manifest_mismatch",
            f"the manifest names {named[0]}/{named[1]}@{named[2]} but the upload goes to "
            f"{publisher}/{slug}@{version}; they must agree",
        )
    _check_region(member, manifest)
    digest = package.sha256_bytes(model_data)
    if digest != manifest["model"]["sha256"] or len(model_data) != manifest["model"]["size"]:
        raise ApiError(
            422,
            "sha256_mismatch",
            f"the model received ({len(model_data)} bytes, sha256 {digest}) is not the one the "
            f"manifest describes ({manifest['model']['size']} bytes, sha256 "
            f"{manifest['model']['sha256']}); the upload was damaged or the manifest is stale",
            [{"received_sha256": digest, "manifest_sha256": manifest["model"]["sha256"]}],
        )
    existing = store.find_version(publisher, slug, version)
    if existing is not None:  # immutable: compare without validating again
        return store._compare(existing, manifest)
    _check_derived_from(store, policy, member, manifest)
    source = f"{publisher}/{slug}@{version}:{manifest['model']['file']}"
    findings, validation = checks.review_model(model_data, source)
    errors = [finding for finding in findings if finding.severity == "error"]
    if errors:
        raise ApiError(
            422,
            "invalid_model",
            f"the model has {len(errors)} error(s) and was refused; first: {_finding_text(errors[0])}",
            [checks.finding_dict(finding) for finding in findings],
        )
    labels = checks.task_labels(model_data, source)
    return store.publish(manifest, model_data, labels, validation)


def _finding_text(finding):
    where = f"line {finding.line}: " if finding.line else ""
    return f"{where}{finding.message}"


def _check_region(member, manifest):
    """The manifest's region must be the publishing member's own: its AGS as the library recorded
    it (procex admin member add --ags). Nobody publishes in another municipality's name."""
    registered = member.get("ags") or ""
    region = manifest["region"]
    if not (len(registered) == 8 and registered.isdigit()):
        # procex never records a member without an 8-digit AGS (NOT NULL, checked by member add);
        # a row edited by hand could lack one, and then nothing can be checked: refuse.
        raise ApiError(
            403,
            "member_without_ags",
            f"member {member['slug']!r} has no valid AGS recorded in this library, so the "
            f"region of its manifests (AGS {region['ags']}) cannot be checked; ask the "
            "library's administrator to record the member's 8-digit AGS",
        )
    if region["ags"] != registered:
        raise ApiError(
            422,
            "region_mismatch",
            f"the manifest's region names AGS {region['ags']} ({package.quoted(region['name'], 80)}), "
            f"but member {member['slug']!r} is registered as {package.quoted(member['name'], 80)} "
            f"with AGS {registered}; a member publishes only for its own area: set region.ags "
            f"to {registered} (in a workspace: ags under [municipality] in procex.toml)",
            [{"manifest_ags": region["ags"], "member_ags": registered}],
        )


def _check_derived_from(store, policy, member, manifest):
    derived = manifest.get("derived_from")
    if not derived:
        return
    ref = package.parse_ref(derived["ref"], require_version=True)
    # Only what the publisher may read can be named, and that before anything is looked up:
    # otherwise the answers would tell a member without the sharing agreement which versions
    # exist and, by trial, their models' sha256.
    auth.check_read(policy, member, ref.publisher)
    row = store.find_version(ref.publisher, ref.slug, ref.version)
    if row is None:
        raise ApiError(422, "unknown_derived_from", f"derived_from names {ref}, which this library does not have")
    if row.model_sha256 != derived["sha256"]:
        raise ApiError(
            422,
            "derived_from_mismatch",
            f"derived_from gives sha256 {derived['sha256']} for {ref}, which does not match that "
            "version's model; name the sha256 of the model you adapted (procex.lock records it)",
        )
