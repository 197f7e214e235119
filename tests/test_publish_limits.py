"""publish with texts over the manifest's limits, and after an upload that got no answer
(issue 15, finding 8, client side).

A description taken from a long process documentation is shortened at a word boundary, with "…",
and publish says so in one line (it used to fail with "invalid manifest at description"). When the
upload gets no answer (the server was stopped, the network went), publish asks the library whether
the version arrived and says which it is, instead of "cannot reach the library … is the server
running?" for a version that was committed.
"""

import pytest

from procex.exchange.library import package
from procex.exchange.library.client import UNREACHABLE, LibraryError
from procex.exchange.workspace.folder import Workspace
from procex.exchange.workspace.publishing import PublishRefused, publish_process
from tests.hostile_library import HostileLibrary, json_answer
from tests.models import SMALL


def with_documentation(text):
    return SMALL.replace(
        b'<bpmn:process id="proc" isExecutable="false">',
        b'<bpmn:process id="proc" isExecutable="false"><bpmn:documentation>'
        + text.encode("utf-8")
        + b"</bpmn:documentation>",
    )


class StubClient:
    """publish() fails as ``publish_error`` says (or succeeds); manifest() answers ``stored`` or fails."""

    def __init__(self, publish_error=None, stored=None, check_error=None):
        self.publish_error, self.stored, self.check_error = publish_error, stored, check_error
        self.published = []

    def publish(self, manifest, data):
        self.published.append(manifest)
        if self.publish_error:
            raise self.publish_error
        return 201, manifest

    def manifest(self, ref):
        if self.check_error:
            raise self.check_error
        return self.stored or self.published[-1]


def workspace(tmp_path, model=SMALL, client=None, url="http://127.0.0.1:9"):
    ws = Workspace.init(tmp_path / "bonn", "Stadt Bonn", "05314000", url, mailbox="poststelle@bonn.de")
    ws.process_path("hundesteuer").write_bytes(model)
    if client is not None:
        ws.client = lambda: client
    return ws


def test_a_long_documentation_becomes_a_shortened_description_said_in_one_line(tmp_path):
    documentation = " ".join(f"Schritt{n} prüfen" for n in range(2500))  # 33,389 characters
    stub = StubClient()
    ws = workspace(tmp_path, with_documentation(documentation), stub)
    said = []
    result = publish_process(ws, "hundesteuer", progress=said.append)
    assert result.status == "created"
    description = stub.published[0]["description"]
    assert len(description) <= 20_000 and description.endswith("prüfen…")
    assert documentation.startswith(description[:-1])  # cut at a word boundary, nothing else changed
    assert said[0] == (
        f"manifest description shortened from {len(documentation):,} to {len(description):,} characters at a "
        "word boundary (the library takes at most 20,000); the model keeps the full text"
    )
    assert package.manifest_problems(stub.published[0]) == []


def test_shorten_cuts_at_a_word_boundary_or_at_the_limit():
    assert package.shorten("kurz", 10) == "kurz"
    assert package.shorten("eins zwei drei vier", 12) == "eins zwei…"
    assert package.shorten("x" * 30, 10) == "x" * 9 + "…"  # no boundary in reach


BROKEN = LibraryError(
    "cannot reach the library at http://x to publish bonn/hundesteuer@1.0.0: is the URL right and the server running?",
    code=UNREACHABLE,
)


def test_an_upload_without_answer_that_arrived_counts_as_published(tmp_path):
    ws = workspace(tmp_path, client=StubClient(publish_error=BROKEN))
    said = []
    result = publish_process(ws, "hundesteuer", progress=said.append)
    assert result.status == "created" and result.ref == "bonn/hundesteuer@1.0.0"
    assert said[-1] == (
        "the upload got no answer, but the library has bonn/hundesteuer@1.0.0 with this model: it was published"
    )
    assert ws.lock().processes["hundesteuer"].published["ref"] == "bonn/hundesteuer@1.0.0"


def test_an_upload_without_answer_that_did_not_arrive_says_so(tmp_path):
    missing = LibraryError("not found: no such version", status=404, code="not_found")
    ws = workspace(tmp_path, client=StubClient(publish_error=BROKEN, check_error=missing))
    with pytest.raises(PublishRefused, match=r"^bonn/hundesteuer@1\.0\.0 was not published: the library does not"):
        publish_process(ws, "hundesteuer")
    assert ws.lock().processes.get("hundesteuer") is None or not ws.lock().processes["hundesteuer"].published


def test_an_upload_without_answer_and_no_library_afterwards_says_it_cannot_tell(tmp_path):
    ws = workspace(tmp_path, client=StubClient(publish_error=BROKEN, check_error=BROKEN))
    with pytest.raises(PublishRefused, match=r"^cannot tell whether bonn/hundesteuer@1\.0\.0 was published: "):
        publish_process(ws, "hundesteuer")


def test_a_refusal_with_an_answer_is_not_second_guessed(tmp_path):
    refused = LibraryError("the library refused it: invalid", status=422, code="invalid_manifest")
    stub = StubClient(publish_error=refused, check_error=AssertionError("must not ask"))
    with pytest.raises(LibraryError, match="refused it"):
        publish_process(workspace(tmp_path, client=stub), "hundesteuer")


def test_over_http_a_connection_closed_during_the_upload_is_checked(tmp_path, monkeypatch):
    """The library closes the connection without answering the PUT (as a server killed after its
    commit would), and then serves the version: publish reports it as published."""
    with HostileLibrary() as library:
        ws = workspace(tmp_path, url=library.url)
        data = ws.process_path("hundesteuer").read_bytes()
        from procex.exchange.workspace.publishing import build_manifest

        manifest = build_manifest(ws, "hundesteuer", data, "1.0.0", None)
        path = "/processes/bonn/hundesteuer/1.0.0"
        library.on(path, lambda conn, stopped: None)  # PUT: the connection closes, no answer
        monkeypatch.setenv("PROCEX_TOKEN", "pxl_bonn")
        said = []
        original = library.routes["/api/v1" + path]

        def put_then_get(conn, stopped):
            if library.requests[-1][0] == "PUT":
                return original(conn, stopped)
            return json_answer(dict(manifest, published_at="2026-12-06T20:00:00Z"))(conn, stopped)

        library.routes["/api/v1" + path] = put_then_get
        result = publish_process(ws, "hundesteuer", progress=said.append)
    assert result.status == "created"
    assert [method for method, _ in library.requests] == ["PUT", "GET"]
    assert said[-1].endswith("with this model: it was published")
