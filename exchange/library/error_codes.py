"""The machine codes of the library API's error answers, shared by the server and the client.

Every error answer of the API is {"error": {"code", "message", "details"}}; the message is one
English sentence for people and may change wording at any time, the code is the contract. The
server raises errors with these constants, the client decides by them (never by message text).
The list with statuses and meanings is in docs/api.md; tests/test_error_codes.py keeps the two
in step and checks that the server answers with no code missing from here.
"""

# --- sent by the library server ---------------------------------------------------------------
BAD_REQUEST = "bad_request"  # 400: the request cannot be read (e.g. a broken multipart body)
UNAUTHORIZED = "unauthorized"  # 401: no token where one is needed, or an unknown/revoked one
FORBIDDEN = "forbidden"  # 403: refused, without a more specific code
AGREEMENT_REQUIRED = "agreement_required"  # 403: reading others' processes needs the sharing agreement
WRONG_NAMESPACE = "wrong_namespace"  # 403: a member writes only under its own slug
MEMBER_WITHOUT_AGS = "member_without_ags"  # 403: the member has no AGS recorded; its region cannot be checked
NOT_FOUND = "not_found"  # 404: no such process, version or resource
METHOD_NOT_ALLOWED = "method_not_allowed"  # 405
NOT_ACCEPTABLE = "not_acceptable"  # 406
CONFLICT = "conflict"  # 409: without a more specific code
VERSION_EXISTS = "version_exists"  # 409: the version is published with other content (immutable)
SERIAL_AHEAD = "serial_ahead"  # 409: a changes feed asked since a serial the library has not reached
TOO_LARGE = "too_large"  # 413: a body or part over its limit; details give limit_bytes
UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"  # 415: the body is not sent as the API expects
INVALID_REQUEST = "invalid_request"  # 422: a path, query or body field is invalid; details name it
INVALID_MANIFEST = "invalid_manifest"  # 422: the manifest is not JSON or breaks the manifest schema
MANIFEST_MISMATCH = "manifest_mismatch"  # 422: the manifest names another publisher/slug/version than the URL
MISSING_PART = "missing_part"  # 422: the upload lacks its 'manifest' or 'model' part
SHA256_MISMATCH = "sha256_mismatch"  # 422: the model is not the one the manifest describes
INVALID_MODEL = "invalid_model"  # 422: the model has schema or reference errors; details list them
REGION_MISMATCH = "region_mismatch"  # 422: the manifest's region is not the member's own AGS
UNKNOWN_DERIVED_FROM = "unknown_derived_from"  # 422: derived_from names a version the library lacks
DERIVED_FROM_MISMATCH = "derived_from_mismatch"  # 422: derived_from's sha256 is not that version's model
OWN_PROCESS = "own_process"  # 422: a member cannot adopt its own process
INTERNAL = "internal"  # 500: a fault of the server; its log has the details
SERVICE_UNAVAILABLE = "service_unavailable"  # 503: the database is busy or unreachable; try again

# --- used by the client only (no answer came, or it was not sent) ------------------------------
UNREACHABLE = "unreachable"  # no answer: no connection, timeout
INSECURE_URL = "insecure_url"  # a token would have gone out over plain http:// to another computer
UNUSABLE_ANSWER = "unusable_answer"  # an answer the client refuses: over its size cap, not JSON, another
# manifest than the one asked for, a redirect elsewhere (exchange/library/answers.py)
UNCONFIRMED_HOST = "unconfirmed_host"  # a token would have gone to a library host the user has not confirmed

SERVER_CODES = frozenset(
    {
        BAD_REQUEST,
        UNAUTHORIZED,
        FORBIDDEN,
        AGREEMENT_REQUIRED,
        WRONG_NAMESPACE,
        MEMBER_WITHOUT_AGS,
        NOT_FOUND,
        METHOD_NOT_ALLOWED,
        NOT_ACCEPTABLE,
        CONFLICT,
        VERSION_EXISTS,
        SERIAL_AHEAD,
        TOO_LARGE,
        UNSUPPORTED_MEDIA_TYPE,
        INVALID_REQUEST,
        INVALID_MANIFEST,
        MANIFEST_MISMATCH,
        MISSING_PART,
        SHA256_MISMATCH,
        INVALID_MODEL,
        REGION_MISMATCH,
        UNKNOWN_DERIVED_FROM,
        DERIVED_FROM_MISMATCH,
        OWN_PROCESS,
        INTERNAL,
        SERVICE_UNAVAILABLE,
    }
)
CLIENT_CODES = frozenset({UNREACHABLE, INSECURE_URL, UNUSABLE_ANSWER, UNCONFIRMED_HOST})

# The code of an HTTP error without a more specific one (FastAPI's own 404/405/422 among them).
BY_STATUS = {
    400: BAD_REQUEST,
    401: UNAUTHORIZED,
    403: FORBIDDEN,
    404: NOT_FOUND,
    405: METHOD_NOT_ALLOWED,
    406: NOT_ACCEPTABLE,
    409: CONFLICT,
    413: TOO_LARGE,
    415: UNSUPPORTED_MEDIA_TYPE,
    422: INVALID_REQUEST,
    500: INTERNAL,
    503: SERVICE_UNAVAILABLE,
}
