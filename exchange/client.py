"""The library client: one HTTP session to a procex library server (API v1).

One requests.Session with a User-Agent and timeouts; GETs are retried with backoff on
connection errors and 502/503/504 (never uploads); every error status becomes a sentence that
says what to do; every download is checked against its sha256 before anyone sees the bytes.
"""
import json
import time

import requests

from bpmn.errors import ProcexError

from . import package

USER_AGENT = "procex/0.1 (+https://example.invalid/procex)"
DEFAULT_TIMEOUT = (5, 60)  # connect, read seconds
RETRY_STATUSES = {502, 503, 504}


UNREACHABLE = "unreachable"  # LibraryError.code when no answer came (no connection, timeout)


class LibraryError(ProcexError):
    """The library refused a request or could not be reached; the message says what to do.

    ``status`` is the HTTP status of a refusal; ``code`` the API's error code, or UNREACHABLE when
    the library gave no answer at all (callers with a cached copy may fall back to it then).
    """

    exit_code = 1

    def __init__(self, message, status=None, code=None, details=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.details = details or []


class IntegrityError(LibraryError):
    """Downloaded bytes do not match the sha256 the library announced: nothing is written."""


def _sentence(status, error, url, action):
    """Turn an error answer into a sentence for a person."""
    message = (error or {}).get("message") or ""
    details = (error or {}).get("details") or []
    if status == 401:
        return ("the library did not accept your token (it is missing, revoked or wrong): "
                "set PROCEX_TOKEN or the token file named in procex.toml")
    if status == 403:
        if "agree" in message.lower() or (error or {}).get("code") in ("agreement_required", "not_participating"):
            return ("your municipality has not accepted the sharing agreement yet, so it may not use other "
                    "members' processes (give-to-get rule); ask the library operator to record it "
                    f"(procex admin member agree). Library said: {message}")
        return f"not allowed to {action}: {message}"
    if status == 404:
        return f"not found: {message or url}"
    if status == 409:
        return (f"{message or 'this version is already published with other content'}; "
                "versions are immutable: publish with a new --version")
    if status == 413:
        return f"the upload is too large for this library: {message}"
    if status == 422:
        lines = [_detail_text(d) for d in details[:10]]
        more = f" (and {len(details) - 10} more)" if len(details) > 10 else ""
        return f"the library refused it: {message}" + (": " + "; ".join(lines) + more if lines else "")
    if status and status >= 500:
        return f"the library failed ({status}) while trying to {action}; try again later or tell its operator"
    return f"{action} failed with HTTP {status}: {message}"


def _detail_text(detail):
    if isinstance(detail, dict):
        where = detail.get("line")
        elem = detail.get("element")
        text = detail.get("message") or json.dumps(detail, ensure_ascii=False)
        prefix = " ".join(p for p in (f"line {where}" if where else "", f"[{elem}]" if elem else "") if p)
        return f"{prefix} {text}".strip()
    return str(detail)


class LibraryClient:
    """Talks to one library. ``token`` may be None for a public library."""

    def __init__(self, base_url, token=None, timeout=DEFAULT_TIMEOUT, retries=3, backoff=0.5):
        if not base_url:
            raise LibraryError("no library URL: set it with procex init --library URL or in procex.toml")
        self.base_url = base_url.rstrip("/")
        self.api = self.base_url + "/api/v1"
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def close(self):
        self.session.close()

    # --- plumbing -----------------------------------------------------------------------------
    def _request(self, method, path, action, expect=(200,), **kwargs):
        url = self.api + path
        attempts = self.retries + 1 if method == "GET" else 1
        for attempt in range(attempts):
            try:
                response = self.session.request(method, url, timeout=self.timeout, **kwargs)
            except requests.Timeout:
                if attempt + 1 < attempts:
                    time.sleep(self.backoff * 2 ** attempt)
                    continue
                raise LibraryError(f"the library at {self.base_url} did not answer within "
                                   f"{self.timeout[1] if isinstance(self.timeout, tuple) else self.timeout} s "
                                   f"while trying to {action}; try again later", code=UNREACHABLE) from None
            except requests.ConnectionError:
                if attempt + 1 < attempts:
                    time.sleep(self.backoff * 2 ** attempt)
                    continue
                raise LibraryError(f"cannot reach the library at {self.base_url} to {action}: is the URL "
                                   "right and the server running?", code=UNREACHABLE) from None
            if response.status_code in RETRY_STATUSES and attempt + 1 < attempts:
                time.sleep(self.backoff * 2 ** attempt)
                continue
            if response.status_code in expect:
                return response
            try:
                error = response.json().get("error")
            except ValueError:
                error = None
            raise LibraryError(_sentence(response.status_code, error, url, action), response.status_code,
                               (error or {}).get("code"), (error or {}).get("details"))
        raise AssertionError("unreachable")

    # --- reading ------------------------------------------------------------------------------
    def me(self):
        return self._request("GET", "/me", "ask who you are").json()

    def search(self, text="", leistungsschluessel=None, publisher=None, page=1, per_page=20):
        params = {"q": text or "", "page": page, "per_page": per_page}
        if leistungsschluessel:
            params["leistungsschluessel"] = leistungsschluessel
        if publisher:
            params["publisher"] = publisher
        return self._request("GET", "/processes", "search the library", params=params).json()

    def search_all(self, progress=None, **kwargs):
        """Every search hit, following pages; ``progress(fetched, total)`` after each page."""
        page, items = 1, []
        while True:
            result = self.search(page=page, per_page=100, **kwargs)
            items.extend(result["items"])
            if progress is not None:
                progress(len(items), result["total"])
            if len(items) >= result["total"] or not result["items"]:
                return items
            page += 1

    def index(self, progress=None, etag=None):
        """The whole library listing from GET /index: (items, etag), items None when ``etag`` is current.

        One streamed answer (JSON lines) instead of a search page per hundred processes; each item
        holds publisher, slug, latest, name, leistungsschluessel, keywords, adoptions and tasks.
        The closing line carries the count: a stream that breaks off or disagrees with it raises
        LibraryError, never returns part of the library. ``progress(fetched, total)`` follows the
        download. A server without the endpoint (older than it) answers LibraryError status 404.
        """
        headers = {"If-None-Match": etag} if etag else {}
        action = "download the library index"
        for attempt in range(self.retries + 1):
            response = self._request("GET", "/index", action, expect=(200, 304), headers=headers, stream=True)
            with response:
                if response.status_code == 304:
                    return None, etag
                try:
                    return self._read_index(response, progress), response.headers.get("ETag")
                except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError):
                    if attempt == self.retries:
                        raise LibraryError(f"the library index from {self.base_url} broke off during the "
                                           "download; try again later") from None
                    time.sleep(self.backoff * 2 ** attempt)
        raise AssertionError("unreachable")

    def _read_index(self, response, progress):
        try:
            total = int(response.headers.get("X-Procex-Count", "0"))
        except ValueError:
            total = 0
        items, end = [], None
        for line in response.iter_lines(chunk_size=1 << 16, delimiter=b"\n"):
            if not line.strip():
                continue
            if end is not None:
                raise LibraryError("the library index has lines after its closing line; the server is "
                                   "faulty: tell its operator")
            try:
                item = json.loads(line)
            except ValueError:
                raise LibraryError(f"line {len(items) + 1} of the library index is not JSON; the download "
                                   "was damaged: try again") from None
            if not isinstance(item, dict):
                raise LibraryError(f"line {len(items) + 1} of the library index is not a JSON object")
            if item.get("end") is True:
                end = item
                continue
            items.append(item)
            if progress is not None and len(items) % 1000 == 0:
                progress(len(items), max(total, len(items)))
        if end is None:
            raise LibraryError(f"the library index from {self.base_url} ended after {len(items)} processes "
                               "without its closing line (the download was cut off); try again")
        if end.get("count") != len(items):
            raise LibraryError(f"the library index announced {end.get('count')} processes but "
                               f"{len(items)} arrived; try again")
        if progress is not None:
            progress(len(items), len(items))
        return items

    def process(self, publisher, slug):
        return self._request("GET", f"/processes/{publisher}/{slug}", f"read {publisher}/{slug}").json()

    def manifest(self, ref):
        version = ref.version or "latest"
        return self._request("GET", f"/processes/{ref.publisher}/{ref.slug}/{version}",
                             f"read {ref}").json()

    def download_model(self, manifest):
        """The model bytes of a manifest, verified against its sha256 (IntegrityError otherwise)."""
        ref = package.ref_of(manifest)
        response = self._request("GET", f"/processes/{ref.publisher}/{ref.slug}/{ref.version}/model",
                                 f"download {ref}")
        data = response.content
        expected = manifest["model"]["sha256"]
        actual = package.sha256_bytes(data)
        if actual != expected:
            raise IntegrityError(f"download of {ref} does not match its sha256 (expected {expected[:12]}…, "
                                 f"got {actual[:12]}…); nothing was written. The library or the network "
                                 "altered the file: try again, or tell the library operator")
        return data

    def adoptions(self, publisher, slug):
        return self._request("GET", f"/processes/{publisher}/{slug}/adoptions",
                             f"list adoptions of {publisher}/{slug}").json()

    # --- writing ------------------------------------------------------------------------------
    def publish(self, manifest, model_bytes):
        """Upload a version. Returns (status, stored manifest): 201 created, 200 already there."""
        ref = package.ref_of(manifest)
        files = {"manifest": ("manifest.json", json.dumps(manifest, ensure_ascii=False).encode("utf-8"),
                              "application/json"),
                 "model": (manifest["model"]["file"], model_bytes, "application/xml")}
        response = self._request("PUT", f"/processes/{ref.publisher}/{ref.slug}/{ref.version}",
                                 f"publish {ref}", expect=(200, 201), files=files)
        return response.status_code, response.json()

    def adopt(self, ref):
        response = self._request("POST", f"/processes/{ref.publisher}/{ref.slug}/{ref.version}/adoptions",
                                 f"record the adoption of {ref}", expect=(200, 201))
        return response.json()

    def yank(self, ref, reason):
        return self._request("POST", f"/processes/{ref.publisher}/{ref.slug}/{ref.version}/yank",
                             f"yank {ref}", json={"reason": reason}).json()
