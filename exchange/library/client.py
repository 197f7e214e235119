"""The library client: one HTTP session to a procex library server (API v1).

One requests.Session with a User-Agent and timeouts; GETs are retried with backoff on
connection errors and 502/503/504 (never uploads); every error status becomes a sentence that
says what to do; every download is checked against its sha256 before anyone sees the bytes.
A token travels only over https://, or over plain http:// to this computer (loopback) or to a
host the user named in PROCEX_ALLOW_HTTP: a workspace from someone else cannot collect it.

Timeouts are about silence, not about size (``Timeouts``): a call waits at most ``total`` seconds
for the library to start answering (its status line and headers complete, however slowly they
trickle: transport.py), over all its attempts and the pauses between them; once an answer flows,
it may take as long as it needs, as long as no pause lasts ``read`` seconds.

Every answer is hostile until checked (answers.py): its size is capped per kind (announced sizes
over the cap are refused before reading, bodies are read in pieces and dropped at the cap), it
must be JSON of the shape the client uses, a manifest must follow the schema and be the one asked
for, and redirects lead only within the library's own address. What fails is UnusableAnswerError, one
sentence and exit status 2. Text from the library reaches a message only through printable().
"""

import ipaddress
import json
import os
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple

import requests
from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url

from procex.core.errors import ProcexError
from procex.core.terminal import printable
from procex.exchange.library import error_codes, package
from procex.exchange.library.answers import (
    UNUSABLE,
    AnswerLimits,
    AnswerProblemError,
    AnswerTooLargeError,
    Field,
    announced_length,
    check_manifest,
    expect_object,
    iter_lines_capped,
    parse_json,
    read_capped,
    size_text,
)
from procex.exchange.library.transport import LibrarySession, RedirectError, answer_deadline

# progress(fetched, total): called as a download goes on
Progress = Callable[[int, int], object]
USER_AGENT = "procex/0.1 (+https://example.invalid/procex)"
RETRY_STATUSES = {502, 503, 504}


class Timeouts(NamedTuple):
    """Seconds: ``connect`` for a connection, ``read`` for the longest silence within an attempt
    (before the answer starts, and between two pieces of it), ``total`` for the longest wait for
    an answer to start over all attempts of one call (procex.toml ``[library] timeout``). A call
    of one attempt only (an upload) may wait the whole ``total`` for its answer to start."""

    connect: float = 10.0
    read: float = 30.0
    total: float = 60.0

    @classmethod
    def of(cls, value: "Timeouts | float | Sequence[float] | None") -> "Timeouts":
        """Timeouts from None (the defaults), a number (the total: connect 10 s and read 30 s at
        most that, read half of it when that is more, so that a larger total also waits longer
        for a slow answer), a (connect, read) or (connect, read, total) tuple, or Timeouts."""
        if value is None:
            return cls()
        if isinstance(value, cls):
            return value
        if isinstance(value, (int, float)):
            total = float(value)
            read = min(total, max(cls._field_defaults["read"], total / 2))
            return cls(min(cls._field_defaults["connect"], total), read, total)
        parts = [float(part) for part in value]
        if len(parts) == 2:
            parts.append(max(cls._field_defaults["total"], parts[0] + parts[1]))
        return cls(*parts)


DEFAULT_TIMEOUT = Timeouts()
MIN_ATTEMPT = 0.2  # seconds: no further attempt when less than this is left of a call's time

# What reading a started answer raises when the library falls silent or drops the connection.
_BROKEN_BODY = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)


def _seconds(value: float) -> str:
    return f"{value:.1f} s" if value < 10 else f"{value:.0f} s"


def _attempts(count: int) -> str:
    return "1 attempt" if count == 1 else f"{count} attempts"


def _why_broken(error: Exception, response: requests.Response) -> str:
    """Why reading an answer failed: the library fell silent, or the connection went."""
    if isinstance(error, requests.Timeout) or "timed out" in str(error).lower():
        return f"no data for {_seconds(response.pause_limit)}"  # type: ignore[attr-defined]  # set by _allow_pauses
    return "the connection was closed"


def _allow_pauses(response: requests.Response, seconds: float, attempt_read: float) -> None:
    """Once an answer has started, let its body pause up to ``seconds`` between pieces: the
    attempt's read timeout (``attempt_read``) may have been shortened to what was left of the
    call's deadline, which bounds the wait for an answer, not how long a flowing one may take.
    Sets ``response.pause_limit`` to the limit in force."""
    raw = response.raw
    # The socket the body comes from: the connection's, or (after "Connection: close", when
    # http.client has let go of it) the one under the response's file.
    sock = getattr(getattr(raw, "connection", None), "sock", None)
    if sock is None:
        sock = getattr(getattr(getattr(getattr(raw, "_fp", None), "fp", None), "raw", None), "_sock", None)
    limit = attempt_read
    if sock is not None and hasattr(sock, "settimeout"):
        sock.settimeout(seconds)
        limit = seconds
    # An attribute of the answer, so that whoever reads its body can say how long a pause was allowed.
    response.pause_limit = limit  # type: ignore[attr-defined]  # requests.Response takes no declared extras


UNREACHABLE = error_codes.UNREACHABLE  # LibraryError.code when no answer came (no connection, timeout)
INSECURE_URL = error_codes.INSECURE_URL  # LibraryError.code when a token would go out over plain http://
ALLOW_HTTP_ENV = "PROCEX_ALLOW_HTTP"  # host names (comma-separated) that may get a token over http://


def is_loopback(host: str | None) -> bool:
    """True for localhost, 127.0.0.0/8 and ::1 (also as ::ffff:127.x.y.z): this computer only."""
    host = (host or "").strip("[]").lower()
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return address.is_loopback or (mapped is not None and mapped.is_loopback)


def insecure_token_url(base_url: str, allowed_hosts: Iterable[str] | set[str] = ()) -> str | None:
    """The host name when a token must not be sent to ``base_url`` (plain http:// to another
    computer that is not in ``allowed_hosts``), else None. The URL is read as urllib.parse and as
    urllib3 (which requests connects with) read it; where they differ, both must be safe."""
    try:
        ours = requests.utils.urlparse(base_url)
        theirs = parse_url(base_url)
    except (ValueError, LocationParseError):
        return base_url
    schemes = {(ours.scheme or "").lower(), (theirs.scheme or "").lower()}
    if schemes == {"https"}:
        return None
    hosts = [(ours.hostname or "").lower(), (theirs.host or "").strip("[]").lower()]
    unsafe = [host for host in hosts if not host or not (is_loopback(host) or host in allowed_hosts)]
    if schemes == {"http"} and not unsafe:
        return None
    return next((host for host in unsafe if host), None) or hosts[0] or base_url


def allowed_http_hosts(value: str | None = None) -> set[str]:
    """Host names from PROCEX_ALLOW_HTTP (or ``value``): 'a.intern, b.intern' -> {'a.intern', 'b.intern'}."""
    value = os.environ.get(ALLOW_HTTP_ENV, "") if value is None else value
    return {host.strip().lower() for host in value.split(",") if host.strip()}


class LibraryError(ProcexError):
    """The library refused a request or could not be reached; the message says what to do.

    ``status`` is the HTTP status of a refusal; ``code`` the API's error code, or UNREACHABLE when
    the library gave no answer at all (callers with a cached copy may fall back to it then).
    """

    exit_code = 1

    def __init__(
        self, message: str, status: int | None = None, code: str | None = None, details: object = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.details = details or []


class IntegrityError(LibraryError):
    """Downloaded bytes do not match the size or sha256 the library announced: nothing is written.
    Exit status 2, as for every answer the client refuses (UnusableAnswerError)."""

    exit_code = 2


class UnusableAnswerError(LibraryError):
    """The library answered, but with something the client refuses: too large, not JSON, not the
    shape or not the manifest asked for, or a redirect elsewhere. Nothing is written."""

    exit_code = 2


def _sentence(status: int, error: dict[str, Any] | None, url: str, action: str, member: str | None = None) -> str:
    """Turn an error answer into a sentence for a person. The decision is by status and error
    code; the library's message (and details) are only quoted, through printable()."""
    error = error or {}
    message = printable(error.get("message"))
    details = error.get("details") or []
    code = error.get("code")
    if status == 401:
        return (
            "the library did not accept your token (it is missing, revoked or wrong): "
            "set PROCEX_TOKEN or the token file named in procex.toml"
        )
    if status == 403:
        if code == error_codes.AGREEMENT_REQUIRED:
            named = next(
                (d["member"] for d in details if isinstance(d, dict) and package.is_slug(d.get("member"))), None
            )
            slug = named or (member if package.is_slug(member) else "SLUG")
            return (
                "your municipality has not accepted the sharing agreement yet, so it may not use other "
                "members' processes (give-to-get rule); ask the library operator to record it "
                f"(procex admin member agree {slug} --license dl-de/by-2-0). Library said: {message}"
            )
        return f"not allowed to {action}: {message}"
    if status == 404:
        return f"not found: {message or printable(url)}"
    if status == 409:
        # The server may already say "versions are immutable: publish a new version"; say it once,
        # with the option that does it.
        text = message or "this version is already published with other content"
        said = text.lower().find("versions are immutable")
        if said >= 0:
            text = text[:said].rstrip(" ;:,.") or "this version is already published with other content"
        return f"{text}; versions are immutable: publish with a new --version"
    if status == 413:
        return f"the upload is too large for this library: {message}"
    if status == 422:
        lines = [_detail_text(d) for d in details[:10]]
        more = f" (and {len(details) - 10} more)" if len(details) > 10 else ""
        return f"the library refused it: {message}" + (": " + "; ".join(lines) + more if lines else "")
    if status and status >= 500:
        return f"the library failed ({status}) while trying to {action}; try again later or tell its operator"
    return f"{action} failed with HTTP {status}: {message}"


def _detail_text(detail: object) -> str:
    if isinstance(detail, dict):
        where = detail.get("line")
        elem = detail.get("element")
        text = detail.get("message") or json.dumps(detail, ensure_ascii=False)
        prefix = " ".join(p for p in (f"line {where}" if where else "", f"[{elem}]" if elem else "") if p)
        return printable(f"{prefix} {text}".strip())[:500]
    return printable(detail)[:500]


def _error_of(body: bytes) -> dict[str, Any]:
    """The {"code", "message", "details"} of an error answer's body (bytes), as far as it has one."""
    try:
        error = json.loads(body).get("error")
    except (ValueError, UnicodeDecodeError, AttributeError):
        return {}
    if not isinstance(error, dict):
        return {}
    return {
        "code": error.get("code") if isinstance(error.get("code"), str) else None,
        "message": error.get("message") if isinstance(error.get("message"), str) else "",
        "details": error.get("details") if isinstance(error.get("details"), list) else [],
    }


_OPTIONAL_LIST = (list, type(None))
# The fields of an index line the client and `procex suggest` rely on, with their types.
INDEX_FIELDS: tuple[Field, ...] = (
    ("publisher", str),
    ("slug", str),
    ("latest", (str, type(None))),
    ("name", (str, type(None))),
    ("leistungsschluessel", _OPTIONAL_LIST),
    ("keywords", _OPTIONAL_LIST),
    ("tasks", _OPTIONAL_LIST),
)


class LibraryClient:
    """Talks to one library. ``token`` may be None for a public library; ``timeout`` as Timeouts.of
    takes it; ``limits`` the AnswerLimits; ``member`` the caller's own slug, when known (named in
    sentences such as the one for a missing sharing agreement).

    A token is refused for a plain http:// URL unless it names this computer (127.0.0.0/8, ::1,
    localhost) or a host in ``allow_http`` (by default the names in PROCEX_ALLOW_HTTP).
    """

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        timeout: Timeouts | float | tuple[float, ...] | None = None,
        retries: int = 3,
        backoff: float = 0.5,
        allow_http: Iterable[str] | None = None,
        limits: AnswerLimits | None = None,
        member: str | None = None,
    ) -> None:
        if not base_url:
            raise LibraryError("no library URL: set it with procex init --library URL or in procex.toml")
        if token:
            allowed = allowed_http_hosts() if allow_http is None else {h.lower() for h in allow_http}
            host = insecure_token_url(base_url, allowed)
            if host is not None:
                raise LibraryError(
                    f"refusing to send your library token to {base_url}: plain http:// would show it to "
                    "anyone on the way; use an https:// URL ([library] url in procex.toml or "
                    "PROCEX_LIBRARY; http:// is only for this computer: 127.0.0.1, ::1, localhost), or, "
                    f"for a library on a closed network without TLS, set {ALLOW_HTTP_ENV}={host}",
                    code=INSECURE_URL,
                )
        self.base_url = base_url.rstrip("/")
        self.api = self.base_url + "/api/v1"
        self.timeout = Timeouts.of(timeout)
        self.limits = limits or AnswerLimits()
        self.member = member
        self.retries = retries
        self.backoff = backoff
        self.session = LibrarySession()
        self.session.headers["User-Agent"] = USER_AGENT
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def close(self) -> None:
        self.session.close()

    # --- plumbing -----------------------------------------------------------------------------
    def _unusable(self, action: str, problem: str) -> UnusableAnswerError:
        return UnusableAnswerError(
            f"the library at {self.base_url} sent an answer procex cannot use while trying to {action}: "
            f"{problem}; nothing was written (check [library] url in procex.toml; if it is right, "
            "the library is faulty: tell its operator)",
            code=UNUSABLE,
        )

    def _too_large(self, action: str, what: str, error: AnswerTooLargeError) -> UnusableAnswerError:
        announced = f" (it announced {size_text(error.announced)})" if error.announced is not None else ""
        return self._unusable(
            action, f"{what} is larger than {size_text(error.limit)}, the most procex reads{announced}"
        )

    def _send(
        self, method: str, url: str, action: str, wait: tuple[float, float], deadline: float, **kwargs: Any
    ) -> requests.Response:
        """One attempt: the answer's head (status line and headers) must be complete within the
        attempt's wait and by the call's ``deadline``, however slowly it trickles. Transport
        failures other than timeouts and connection errors (a bad URL, a redirect elsewhere) end
        here, in a sentence."""
        now = time.monotonic()
        head_deadline = min(now + wait[0] + wait[1], max(deadline, now + MIN_ATTEMPT))
        try:
            with answer_deadline(head_deadline):
                return self.session.send_guarded(method, url, stream=True, timeout=wait, **kwargs)
        except RedirectError as refused:
            raise self._unusable(action, f"it {refused}") from None
        except (requests.ConnectionError, requests.Timeout):
            raise
        except (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema, requests.exceptions.InvalidSchema):
            raise LibraryError(
                f"the library URL {printable(self.base_url)} cannot be used: write it as https://HOST[:PORT] "
                "([library] url in procex.toml or PROCEX_LIBRARY)"
            ) from None
        except requests.RequestException as error:
            raise self._unusable(action, f"the HTTP exchange failed ({type(error).__name__})") from None

    def _request(
        self,
        method: str,
        path: str,
        action: str,
        expect: tuple[int, ...] = (200,),
        stream: bool = False,
        deadline: float | None = None,
        limit: int | None = None,
        **kwargs: Any,
    ) -> requests.Response:
        """One call. Its attempts (GET only: 1 + retries) share one deadline: ``deadline``
        (time.monotonic()), by default now + timeout.total. Waiting for an answer to start ends
        there; an answer that has started may pause up to timeout.read between pieces, so a big,
        slow but flowing download is never cut off. With ``stream`` the caller reads the body;
        else the body is read here, at most ``limit`` bytes (default: limits.listing), and an
        error answer's at most limits.error."""
        url = self.api + path
        limit = self.limits.listing if limit is None else limit
        attempts = self.retries + 1 if method == "GET" else 1
        # One attempt (an upload, or a client without retries) may spend the whole time waiting.
        answer_wait = self.timeout.read if attempts > 1 else max(self.timeout.read, self.timeout.total)
        started = time.monotonic()
        deadline = started + self.timeout.total if deadline is None else deadline
        attempt = 0
        while True:
            attempt += 1
            left = max(deadline - time.monotonic(), MIN_ATTEMPT)
            wait = (min(self.timeout.connect, left), min(answer_wait, left))
            try:
                response = self._send(method, url, action, wait, deadline, **kwargs)
            except requests.ConnectTimeout:  # before ConnectionError and Timeout: it is both
                if self._another_attempt(attempt, attempts, deadline):
                    continue
                raise LibraryError(
                    f"cannot reach the library at {self.base_url} to {action}: no connection within "
                    f"{_seconds(time.monotonic() - started)} ({_attempts(attempt)}); is the URL right, the "
                    "server running and the network (proxy, firewall) open?",
                    code=UNREACHABLE,
                ) from None
            except requests.Timeout:
                if self._another_attempt(attempt, attempts, deadline):
                    continue
                raise LibraryError(
                    f"the library at {self.base_url} accepted the connection but did not answer within "
                    f"{_seconds(time.monotonic() - started)} ({_attempts(attempt)}) while trying to {action}; "
                    "it may be overloaded or stuck: try again later or tell its operator (to wait longer, "
                    "raise [library] timeout in procex.toml or PROCEX_TIMEOUT)",
                    code=UNREACHABLE,
                ) from None
            except requests.ConnectionError:
                if self._another_attempt(attempt, attempts, deadline):
                    continue
                raise LibraryError(
                    f"cannot reach the library at {self.base_url} to {action}: is the URL "
                    "right and the server running?",
                    code=UNREACHABLE,
                ) from None
            _allow_pauses(response, self.timeout.read, wait[1])
            if response.status_code in RETRY_STATUSES and self._another_attempt(attempt, attempts, deadline):
                response.close()
                continue
            if stream and response.status_code in expect:
                return response
            expected = response.status_code in expect
            try:
                with response:
                    body = read_capped(response, limit if expected else self.limits.error)
            except AnswerTooLargeError as error:
                if not expected:
                    body = b""  # an error answer too big to quote: its status says enough
                else:
                    raise self._too_large(action, "the answer", error) from None
            except _BROKEN_BODY as error:
                if self._another_attempt(attempt, attempts, deadline):
                    continue
                raise LibraryError(
                    f"the answer of the library at {self.base_url} broke off ({_why_broken(error, response)}) "
                    f"while trying to {action}; try again later or tell its operator",
                    code=UNREACHABLE,
                ) from None
            except requests.RequestException as error:  # a body that cannot be decoded (gzip)
                raise self._unusable(action, f"its body cannot be read ({type(error).__name__})") from None
            response._content = body  # what response.content and .json() give from now on
            if expected:
                return response
            refusal = _error_of(body)
            raise LibraryError(
                _sentence(response.status_code, refusal, url, action, self.member),
                response.status_code,
                refusal.get("code"),
                refusal.get("details"),
            )

    def _json(self, response: requests.Response, action: str, fields: Sequence[Field] = ()) -> dict[str, Any]:
        """The body of an expected answer as a JSON object with ``fields`` (see expect_object)."""
        try:
            return expect_object(parse_json(response.content, "the answer"), "the answer", fields)
        except AnswerProblemError as problem:
            raise self._unusable(action, str(problem)) from None

    def _another_attempt(self, attempt: int, attempts: int, deadline: float) -> bool:
        """After failed attempt number ``attempt``: pause (backoff) and say yes when another attempt
        is allowed and the call's deadline leaves time for it."""
        if attempt >= attempts:
            return False
        pause = self.backoff * 2 ** (attempt - 1)
        if time.monotonic() + pause + MIN_ATTEMPT > deadline:
            return False
        time.sleep(pause)
        return True

    # --- reading ------------------------------------------------------------------------------
    def me(self) -> dict[str, Any]:
        action = "ask who you are"
        return self._json(self._request("GET", "/me", action), action)

    def search(
        self,
        text: str = "",
        leistungsschluessel: str | None = None,
        publisher: str | None = None,
        page: int = 1,
        per_page: int = 20,
        cursor: str | None = None,
        **filters: object,
    ) -> dict[str, Any]:
        """One page of search hits. ``filters``: land, status, detaillierungsstufe, themenfeld,
        sort, facets (see GET /api/v1/processes); ``cursor`` is the previous page's next_cursor."""
        params: dict[str, object] = {"q": text or "", "per_page": per_page}
        if cursor:
            params["cursor"] = cursor
        else:
            params["page"] = page
        if leistungsschluessel:
            params["leistungsschluessel"] = leistungsschluessel
        if publisher:
            params["publisher"] = publisher
        params.update({name: value for name, value in filters.items() if value not in (None, "", False)})
        action = "search the library"
        result = self._json(
            self._request("GET", "/processes", action, params=params), action, (("items", list), ("total", int))
        )
        for item in result["items"]:
            try:
                expect_object(item, "a search hit", (("ref", str),))
            except AnswerProblemError as problem:
                raise self._unusable(action, str(problem)) from None
        return result

    def search_all(self, progress: Progress | None = None, **kwargs: Any) -> list[dict[str, Any]]:
        """Every search hit, following pages (by cursor where the server gives one);
        ``progress(fetched, total)`` after each page."""
        page, cursor = 1, None
        items: list[dict[str, Any]] = []
        while True:
            result = self.search(page=page, per_page=100, cursor=cursor, **kwargs)
            items.extend(result["items"])
            if progress is not None:
                progress(len(items), result["total"])
            cursor = result.get("next_cursor")
            if cursor is not None and not (isinstance(cursor, str) and len(cursor) <= 1000):
                raise self._unusable("search the library", "next_cursor is not a cursor (a string)")
            if "next_cursor" in result and not cursor:
                return items
            if len(items) >= result["total"] or not result["items"]:
                return items
            page += 1

    def index(
        self, progress: Progress | None = None, etag: str | None = None
    ) -> tuple[list[dict[str, Any]] | None, str | None]:
        """The whole library listing from GET /index: (items, etag), items None when ``etag`` is current.

        One streamed answer (JSON lines) instead of a search page per hundred processes; each item
        holds publisher, slug, latest, name, leistungsschluessel, keywords, adoptions and tasks.
        The closing line carries the count: a stream that breaks off or disagrees with it raises
        LibraryError, never returns part of the library. ``progress(fetched, total)`` follows the
        download. A server without the endpoint (older than it) answers LibraryError status 404.
        Lines and the whole are capped (limits.index_line, limits.index).
        """
        headers = {"If-None-Match": etag} if etag else {}
        action = "download the library index"
        # A download that breaks off is tried again while the call's time (timeout.total) lasts;
        # while it flows, it may take as long as it needs.
        deadline = time.monotonic() + self.timeout.total
        attempt = 0
        while True:
            attempt += 1
            response = self._request(
                "GET", "/index", action, expect=(200, 304), headers=headers, stream=True, deadline=deadline
            )
            with response:
                if response.status_code == 304:
                    return None, etag
                try:
                    return self._read_index(response, progress), response.headers.get("ETag")
                except AnswerTooLargeError as error:
                    what = "a line of the index" if error.limit == self.limits.index_line else "the index"
                    raise self._too_large(action, what, error) from None
                except _BROKEN_BODY as error:
                    if not self._another_attempt(attempt, self.retries + 1, deadline):
                        raise LibraryError(
                            f"the library index from {self.base_url} broke off during the "
                            f"download ({_why_broken(error, response)}); try again later"
                        ) from None
                except requests.RequestException as error:
                    raise self._unusable(action, f"its body cannot be read ({type(error).__name__})") from None

    def _read_index(self, response: requests.Response, progress: Progress | None) -> list[dict[str, Any]]:
        try:
            total = int(response.headers.get("X-Procex-Count", "0"))
        except ValueError:
            total = 0
        items: list[dict[str, Any]] = []
        end: dict[str, Any] | None = None
        for line in iter_lines_capped(response, self.limits.index_line, self.limits.index):
            if end is not None:
                raise LibraryError(
                    "the library index has lines after its closing line; the server is faulty: tell its operator"
                )
            try:
                item = json.loads(line)
            except ValueError:
                raise LibraryError(
                    f"line {len(items) + 1} of the library index is not JSON; the download was damaged: try again"
                ) from None
            if not isinstance(item, dict):
                raise LibraryError(f"line {len(items) + 1} of the library index is not a JSON object")
            if item.get("end") is True:
                end = item
                continue
            try:
                expect_object(item, f"line {len(items) + 1} of the index", INDEX_FIELDS)
            except AnswerProblemError as problem:
                raise self._unusable("download the library index", str(problem)) from None
            items.append(item)
            if progress is not None and len(items) % 1000 == 0:
                progress(len(items), max(total, len(items)))
        if end is None:
            raise LibraryError(
                f"the library index from {self.base_url} ended after {len(items)} processes "
                "without its closing line (the download was cut off); try again"
            )
        if end.get("count") != len(items):
            raise LibraryError(
                f"the library index announced {printable(end.get('count'))[:20]} processes but "
                f"{len(items)} arrived; try again"
            )
        if progress is not None:
            progress(len(items), len(items))
        return items

    def process(self, publisher: str, slug: str) -> dict[str, Any]:
        """The process's version list and latest version: {"latest", "versions": [{"version", "yanked"}]}."""
        action = f"read {publisher}/{slug}"
        process = self._json(
            self._request("GET", f"/processes/{publisher}/{slug}", action),
            action,
            (("latest", (str, type(None))), ("versions", list)),
        )
        versions = process["versions"]
        if not (process["latest"] is None or package.is_version(process["latest"])) or not all(
            isinstance(v, dict) and package.is_version(v.get("version")) for v in versions
        ):
            raise self._unusable(action, "its latest version or its version list is not MAJOR.MINOR.PATCH")
        checked: dict[str, Any] = process
        return checked

    def manifest(self, ref: package.Ref) -> package.Manifest:
        """The manifest of ``ref`` (version None: the latest), checked: it follows the manifest
        schema and is the one asked for (publisher, slug and, when named, version)."""
        version = ref.version or "latest"
        action = f"read {ref}"
        response = self._request(
            "GET", f"/processes/{ref.publisher}/{ref.slug}/{version}", action, limit=self.limits.manifest
        )
        try:
            return check_manifest(parse_json(response.content, "the answer"), ref)
        except AnswerProblemError as problem:
            raise self._unusable(action, str(problem)) from None

    def download_model(self, manifest: package.Manifest) -> bytes:
        """The model bytes of a manifest, verified against its size and sha256: never more than the
        size it announces (nor than limits.model) is read; IntegrityError when they differ."""
        ref = package.ref_of(manifest)
        action = f"download {ref}"
        size = manifest["model"]["size"]
        if size > self.limits.model:
            raise self._unusable(
                action,
                f"its manifest announces a model of {size_text(size)}, over the {size_text(self.limits.model)} "
                "procex reads",
            )
        response = self._request(
            "GET", f"/processes/{ref.publisher}/{ref.slug}/{ref.version}/model", action, stream=True
        )
        announced = announced_length(response)
        try:
            with response:
                if announced is not None and announced != size:
                    raise AnswerTooLargeError(size, announced)
                data = read_capped(response, size)
        except AnswerTooLargeError as error:
            said = f"announced {error.announced:,} bytes" if error.announced is not None else "sent more"
            raise IntegrityError(
                f"download of {ref} {said}, but its manifest says the model has {size:,}; "
                "nothing was written. The library or the network altered the file: try again, or tell "
                "the library operator",
                code=UNUSABLE,
            ) from None
        except _BROKEN_BODY as error:
            raise LibraryError(
                f"the download of {ref} from {self.base_url} broke off ({_why_broken(error, response)}); "
                "nothing was written: try again later",
                code=UNREACHABLE,
            ) from None
        except requests.RequestException as error:
            raise self._unusable(action, f"its body cannot be read ({type(error).__name__})") from None
        expected = manifest["model"]["sha256"]
        actual = package.sha256_bytes(data)
        if actual != expected:
            raise IntegrityError(
                f"download of {ref} does not match its sha256 (expected {expected[:12]}…, "
                f"got {actual[:12]}…); nothing was written. The library or the network "
                "altered the file: try again, or tell the library operator"
            )
        return data

    SUGGEST_BODY_BYTES = 48 * 1024  # under the server's 64 KiB for small bodies
    SUGGEST_ENTRIES = 200  # the server's most per request

    def suggest(
        self, entries: Iterable[tuple[str | None, str | None]], limit: int = 5
    ) -> tuple[list[dict[str, Any]], int]:
        """The library's ranked candidates for catalogue entries [(leistungsschluessel, title)]:
        (answers in the same order, the number of other members' listed processes).

        Sent in parts that keep each body under the server's limit; one POST /suggest per part. A
        library older than the endpoint answers LibraryError status 404.
        """
        action = "ask the library for suggestions"
        answers: list[dict[str, Any]] = []
        listed, size = 0, 0
        part: list[dict[str, str]] = []
        parts: list[list[dict[str, str]]] = []
        for key, title in entries:
            entry = {"leistungsschluessel": key or "", "title": (title or "")[:300]}
            cost = len(json.dumps(entry, ensure_ascii=False).encode("utf-8")) + 2
            if part and (size + cost > self.SUGGEST_BODY_BYTES or len(part) >= self.SUGGEST_ENTRIES):
                parts.append(part)
                part, size = [], 0
            part.append(entry)
            size += cost
        if part:
            parts.append(part)
        for part in parts:
            body = json.dumps({"entries": part, "limit": limit}, ensure_ascii=False).encode("utf-8")
            response = self._request(
                "POST", "/suggest", action, data=body, headers={"Content-Type": "application/json"}
            )
            answer = self._json(response, action, (("entries", list), ("library_processes", int)))
            if len(answer["entries"]) != len(part):
                raise self._unusable(action, f"{len(answer['entries'])} answers for {len(part)} entries")
            for found in answer["entries"]:
                try:
                    expect_object(
                        found, "an entry's answer", (("candidates", list), ("total", int), ("by_match", dict))
                    )
                    for candidate in found["candidates"]:
                        expect_object(candidate, "a candidate", (("ref", str), ("publisher", str), ("slug", str)))
                except AnswerProblemError as problem:
                    raise self._unusable(action, str(problem)) from None
            answers += answer["entries"]
            listed = answer["library_processes"]
        return answers, listed

    def adoptions(self, publisher: str, slug: str) -> dict[str, Any]:
        action = f"list adoptions of {publisher}/{slug}"
        return self._json(self._request("GET", f"/processes/{publisher}/{slug}/adoptions", action), action)

    # --- writing ------------------------------------------------------------------------------
    def publish(self, manifest: package.Manifest, model_bytes: bytes) -> tuple[int, dict[str, Any]]:
        """Upload a version. Returns (status, stored manifest): 201 created, 200 already there."""
        ref = package.ref_of(manifest)
        action = f"publish {ref}"
        files = {
            "manifest": ("manifest.json", json.dumps(manifest, ensure_ascii=False).encode("utf-8"), "application/json"),
            "model": (manifest["model"]["file"], model_bytes, "application/xml"),
        }
        response = self._request(
            "PUT",
            f"/processes/{ref.publisher}/{ref.slug}/{ref.version}",
            action,
            expect=(200, 201),
            limit=self.limits.manifest,
            files=files,
        )
        return response.status_code, self._json(response, action)

    def adopt(self, ref: package.Ref) -> dict[str, Any]:
        action = f"record the adoption of {ref}"
        response = self._request(
            "POST", f"/processes/{ref.publisher}/{ref.slug}/{ref.version}/adoptions", action, expect=(200, 201)
        )
        return self._json(response, action)

    def yank(self, ref: package.Ref, reason: str) -> dict[str, Any]:
        action = f"yank {ref}"
        response = self._request(
            "POST", f"/processes/{ref.publisher}/{ref.slug}/{ref.version}/yank", action, json={"reason": reason}
        )
        return self._json(response, action)
