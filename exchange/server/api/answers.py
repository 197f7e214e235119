"""The error answers each operation declares in the OpenAPI document, with the one error schema.

Every operation lists every status it can answer: ``errors(401, 403, 404)`` adds those to what
all operations can answer (413 for an oversized body, 500, 503), each with the schema of
{"error": {"code", "message", "details"}} and the codes it carries.
"""

from typing import Any

from pydantic import BaseModel, Field

from procex.exchange.library import error_codes


class ErrorDetail(BaseModel):
    code: str = Field(description="A machine code from docs/api-error-codes.md; decide by it, not by the message")
    message: str = Field(description="One sentence for people (English)")
    details: list[dict[str, Any]] = Field(description="Objects whose keys depend on the code")


class ErrorAnswer(BaseModel):
    """Every error answer of the API."""

    error: ErrorDetail


_MEANINGS = {
    400: ("The request cannot be read", [error_codes.BAD_REQUEST]),
    401: (
        "A token is needed, or the token sent is unknown or revoked",
        [error_codes.UNAUTHORIZED],
    ),
    403: (
        "The caller may not do this: no sharing agreement, another member's namespace, no AGS recorded",
        [error_codes.AGREEMENT_REQUIRED, error_codes.WRONG_NAMESPACE, error_codes.MEMBER_WITHOUT_AGS],
    ),
    404: ("No such process or version", [error_codes.NOT_FOUND]),
    409: ("The version exists with other content", [error_codes.VERSION_EXISTS]),
    413: ("The request body is larger than this operation accepts", [error_codes.TOO_LARGE]),
    415: ("The body is not sent as this operation expects", [error_codes.UNSUPPORTED_MEDIA_TYPE]),
    422: (
        "A parameter or value is invalid (the text rule included: no control characters); details name it",
        [error_codes.INVALID_REQUEST],
    ),
    500: ("A fault of the server; its log has the details", [error_codes.INTERNAL]),
    503: ("The library's database is busy or unreachable; try again later", [error_codes.SERVICE_UNAVAILABLE]),
}
ALWAYS = (413, 500, 503)


def errors(*statuses: int, codes: dict[int, list[str]] | None = None) -> dict[int | str, dict[str, Any]]:
    """The ``responses`` entries for ``statuses`` and those every operation can answer.

    ``codes`` adds operation-specific codes to a status's description (e.g. 422: invalid_manifest).
    """
    answers: dict[int | str, dict[str, Any]] = {}
    for status in sorted(set(statuses) | set(ALWAYS)):
        meaning, listed = _MEANINGS[status]
        listed = [*listed, *(codes or {}).get(status, [])]
        answers[status] = {
            "model": ErrorAnswer,
            "description": f"{meaning} (code: {', '.join(listed)})",
        }
    return answers
