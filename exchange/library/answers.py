"""Reading the library's answers as hostile input: bounded, parsed, checked against the question.

Every kind of answer has a hard cap (``AnswerLimits``): an answer that announces more
(Content-Length) is refused before its body is read, and one that sends more without saying so
is read in pieces and dropped at the cap, so the client never holds more than the cap. A body is
JSON of the expected shape, or the call fails with UnusableAnswerError (exit 2) in one sentence that
says what arrived; a manifest must follow the manifest schema and be the one asked for.
"""

import json
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

import requests

from procex.core.errors import ProcexError
from procex.core.terminal import printable
from procex.exchange.library import error_codes, package

CHUNK = 1 << 16
# (name, type or types): a field an answer must have, and what it must be
Field = tuple[str, type | tuple[type, ...]]
UNUSABLE = error_codes.UNUSABLE_ANSWER  # LibraryError.code of an answer the client refuses


class AnswerLimits(NamedTuple):
    """Bytes the client reads at most, per kind of answer. The manifest schema bounds a manifest
    at about 150 kB of JSON; the library's own upload limit (32 MiB by default) bounds a model."""

    manifest: int = 1 << 20  # one manifest (GET /processes/P/S/V, the answer to a publish)
    model: int = 64 << 20  # one BPMN model
    listing: int = 16 << 20  # a search page, a version list, adoptions, /me
    # The field named index shadows tuple.index, which nothing here calls.
    index: int = 64 << 20  # type: ignore[assignment]  # the whole library index (JSON lines), all lines together
    index_line: int = 1 << 20  # one line of the index
    error: int = 64 << 10  # the body of an error answer


def size_text(count: int) -> str:
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= size:
            return f"{count / size:.1f} {unit}"
    return f"{count} bytes"


class AnswerTooLargeError(ProcexError):
    """Raised by read_capped; the client turns it into its sentence."""

    def __init__(self, limit: int, announced: int | None = None) -> None:
        super().__init__(f"over {size_text(limit)}")
        self.limit = limit
        self.announced = announced


def announced_length(response: requests.Response) -> int | None:
    """The Content-Length the answer announced, or None (none, or not a number)."""
    value = response.headers.get("Content-Length")
    if value is None:
        return None
    try:
        length = int(value)
    except (TypeError, ValueError):
        return None
    return length if length >= 0 else None


def read_capped(response: requests.Response, limit: int) -> bytes:
    """The body of ``response`` (a streamed requests response), at most ``limit`` bytes; raises
    AnswerTooLargeError when it announces or sends more, after reading at most limit + one piece."""
    announced = announced_length(response)
    if announced is not None and announced > limit:
        raise AnswerTooLargeError(limit, announced)
    body = bytearray()
    for piece in response.iter_content(CHUNK):
        body += piece
        if len(body) > limit:
            raise AnswerTooLargeError(limit, announced)
    return bytes(body)


def iter_lines_capped(response: requests.Response, line_limit: int, total_limit: int) -> Iterator[bytes]:
    """The non-empty lines of a streamed answer, each at most ``line_limit`` bytes, all together at
    most ``total_limit``; raises AnswerTooLargeError (with ``limit`` the one that was passed)."""
    announced = announced_length(response)
    if announced is not None and announced > total_limit:
        raise AnswerTooLargeError(total_limit, announced)
    pending, total = b"", 0
    for piece in response.iter_content(CHUNK):
        total += len(piece)
        if total > total_limit:
            raise AnswerTooLargeError(total_limit, announced)
        pending += piece
        *lines, pending = pending.split(b"\n")
        if len(pending) > line_limit:
            raise AnswerTooLargeError(line_limit)
        for line in lines:
            if len(line) > line_limit:
                raise AnswerTooLargeError(line_limit)
            if line.strip():
                yield line
    if pending.strip():
        yield pending


def parse_json(data: bytes, what: str) -> Any:  # JSON from the library: checked by the caller
    """``data`` as JSON; UnusableAnswerError naming what arrived instead."""
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError):
        start = printable(data[:60].decode("utf-8", "replace")).strip()
        shown = f" (it begins {start!r})" if start else " (it is empty)"
        raise AnswerProblemError(f"{what} is not JSON{shown}") from None


class AnswerProblemError(ProcexError):
    """What is wrong with an answer, without the who and the what-to-do (the client adds them)."""


def expect_object(value: Any, what: str, fields: Sequence[Field] = ()) -> dict[str, Any]:
    """``value`` when it is a JSON object whose ``fields`` (name, type or tuple of types) have the
    types the client relies on; else AnswerProblemError."""
    if not isinstance(value, dict):
        raise AnswerProblemError(f"{what} is {_kind(value)}, not a JSON object")
    for name, types in fields:
        if name in value and not isinstance(value[name], types):
            raise AnswerProblemError(f"{what} has {name!r} as {_kind(value[name])}")
        if name not in value and not isinstance(None, types):
            raise AnswerProblemError(f"{what} has no {name!r}")
    return value


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "true/false"
    return {dict: "a JSON object", list: "a JSON list", str: "a string", int: "a number", float: "a number"}.get(
        type(value), "null"
    )


def check_manifest(manifest: Any, asked: package.Ref) -> package.Manifest:
    """The manifest the library sent for ``asked`` (a Ref; version None means the latest), when it
    follows the schema and is the one asked for; else AnswerProblemError saying what is wrong."""
    if not isinstance(manifest, dict):
        raise AnswerProblemError(f"the manifest is {_kind(manifest)}, not a JSON object")
    problems = package.manifest_problems(manifest)
    if problems:
        first = problems[0]
        where = f" at {first['path']}" if first["path"] else ""
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise AnswerProblemError(f"the manifest is invalid{where}: {printable(first['message'])}{more}")
    got = package.ref_of(manifest)
    if (got.publisher, got.slug) != (asked.publisher, asked.slug) or asked.version not in (None, got.version):
        raise AnswerProblemError(f"the manifest is the one of {got}, not of {asked}")
    return manifest
