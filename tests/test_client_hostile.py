"""The client against a malicious library (tests/hostile_library.py): it believes nothing.

Issue 15, finding 4: answers bigger than their cap are refused (announced: before reading; not
announced: after reading the cap and one piece, never all of it); a head that trickles in ends at
the call's deadline; a manifest that breaks the schema or is another process's, a JSON list, a
non-JSON answer, a redirect to file:// or to itself end in one line, exit status 2, and nothing in
the workspace changes. Finding 5: escape sequences from the server never reach the terminal.
Peak memory against a 1.5 GiB answer is measured by bench/hostile_client.py.
"""

import hashlib
import json
import time

import pytest

from procex.core.terminal import printable
from procex.exchange.library import package
from procex.exchange.library.answers import AnswerLimits
from procex.exchange.library.client import (
    UNREACHABLE,
    IntegrityError,
    LibraryClient,
    LibraryError,
    Timeouts,
    UnusableAnswerError,
)
from procex.exchange.workspace.folder import Workspace
from tests.hostile_library import (
    HostileLibrary,
    body_answer,
    dripping_head,
    error_answer,
    huge_answer,
    json_answer,
    manifest_of,
    redirect_answer,
)

GIB = 1 << 30
REF = package.Ref("trier", "gewerbeanmeldung", "1.0.0")
MANIFEST_PATH = "/processes/trier/gewerbeanmeldung/1.0.0"
TITLE_ESCAPE = "\x1b]0;pwned\x07"


@pytest.fixture
def hostile():
    with HostileLibrary() as server:
        yield server


def small_client(url, **limits):
    return LibraryClient(url, "pxl_x", timeout=Timeouts(2, 2, 4), retries=0, limits=AnswerLimits()._replace(**limits))


# --- sizes ----------------------------------------------------------------------------------------


def test_an_announced_huge_manifest_is_refused_before_its_body_is_read(hostile):
    hostile.on(MANIFEST_PATH, huge_answer(int(1.5 * GIB)))
    with pytest.raises(UnusableAnswerError) as refused:
        LibraryClient(hostile.url, "pxl_x").manifest(REF)
    message = str(refused.value)
    assert "is larger than 1.0 MiB, the most procex reads (it announced 1.5 GiB)" in message
    assert refused.value.exit_code == 2 and "\n" not in message
    assert hostile.sent_to(MANIFEST_PATH) < 64 * (1 << 20)  # what fit into the socket buffers, not 1.5 GiB


@pytest.mark.parametrize("kind", ["manifest", "listing"])
def test_an_unannounced_huge_answer_is_read_up_to_its_cap_only(hostile, kind):
    path, call = (
        (MANIFEST_PATH, lambda client: client.manifest(REF))
        if kind == "manifest"
        else ("/processes", lambda client: client.search("x"))
    )
    hostile.on(path, huge_answer(GIB, announce=False))
    client = small_client(hostile.url, **{kind: 256 << 10})
    with pytest.raises(UnusableAnswerError, match=r"is larger than 256\.0 KiB, the most procex reads; nothing"):
        call(client)
    client.close()
    time.sleep(0.2)  # let the server notice the hang-up
    assert hostile.sent_to(path) < 128 * (1 << 20)  # stopped early: not the gigabyte


def test_a_model_bigger_than_its_manifest_says_is_not_read_on(hostile):
    model = b"<definitions/>"
    manifest = manifest_of(model=model)
    hostile.on(MANIFEST_PATH, json_answer(manifest))
    hostile.on(MANIFEST_PATH + "/model", huge_answer(GIB, announce=False, prefix=b"<"))
    client = LibraryClient(hostile.url, "pxl_x")
    with pytest.raises(IntegrityError, match=r"sent more, but its manifest says the model has 14; nothing"):
        client.download_model(client.manifest(REF))
    client.close()
    time.sleep(0.2)
    assert hostile.sent_to(MANIFEST_PATH + "/model") < 128 * (1 << 20)


def test_a_model_announced_over_the_limit_is_not_even_asked_for(hostile):
    manifest = manifest_of()
    manifest["model"]["size"] = int(1.5 * GIB)
    hostile.on(MANIFEST_PATH, json_answer(manifest))
    client = LibraryClient(hostile.url, "pxl_x")
    with pytest.raises(UnusableAnswerError, match=r"announces a model of 1\.5 GiB, over the 64\.0 MiB procex reads"):
        client.download_model(client.manifest(REF))
    assert ("GET", "/api/v1" + MANIFEST_PATH + "/model") not in hostile.requests


def test_an_index_line_without_end_is_cut_at_the_line_cap(hostile):
    hostile.on("/index", huge_answer(GIB, announce=False, prefix=b'{"name": "'))
    client = small_client(hostile.url, index_line=64 << 10)
    with pytest.raises(UnusableAnswerError, match=r"a line of the index is larger than 64\.0 KiB"):
        client.index()


def test_a_huge_error_body_is_not_read_and_its_status_still_speaks(hostile):
    hostile.on(MANIFEST_PATH, huge_answer(GIB, announce=False))
    hostile.routes["/api/v1" + MANIFEST_PATH] = lambda conn, stopped: _huge_error(conn, stopped)
    client = small_client(hostile.url)
    with pytest.raises(LibraryError) as refused:
        client.manifest(REF)
    assert refused.value.status == 404 and str(refused.value).startswith("not found: ")


def _huge_error(conn, stopped):
    conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n")
    piece = b"x" * (1 << 20)
    for _ in range(1024):
        if stopped.is_set():
            return
        conn.sendall(piece)


# --- time -------------------------------------------------------------------------------------------


def test_a_head_that_trickles_in_ends_at_the_calls_deadline(hostile):
    """One byte of the status line and headers every 0.1 s never leaves the socket silent for the
    read timeout; the deadline for the start of the answer still ends the call."""
    hostile.on("/me", dripping_head(0.1))
    client = LibraryClient(hostile.url, "pxl_x", timeout=Timeouts(connect=1, read=1, total=1.5), backoff=0.05)
    with pytest.raises(LibraryError) as refused:
        client.me()
    assert "accepted the connection but did not answer within" in str(refused.value)
    assert refused.value.code == UNREACHABLE
    # the head was not complete when the client gave up (all of it would take over 8 s)
    assert hostile.sent_to("/me") < 80


def test_a_head_that_trickles_in_fast_enough_is_read(hostile):
    hostile.on("/me", dripping_head(0.001, b'{"member": "koblenz"}'))
    client = LibraryClient(hostile.url, "pxl_x", timeout=Timeouts(connect=5, read=5, total=20))
    assert client.me() == {"member": "koblenz"}


# --- what the CLI says, and what it leaves alone ---------------------------------------------------


@pytest.fixture
def workspace(tmp_path, monkeypatch, hostile):
    ws = Workspace.init(tmp_path / "koblenz", "Stadt Koblenz", "07111000", hostile.url)
    monkeypatch.chdir(ws.root)
    monkeypatch.setenv("PROCEX_TOKEN", "pxl_koblenz")
    monkeypatch.setenv("PROCEX_TIMEOUT", "5")
    monkeypatch.delenv("PROCEX_LIBRARY", raising=False)
    return ws


def snapshot(root):
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*") if p.is_file()
    }


MODEL = b"<definitions/>"
NO_MODEL = {k: v for k, v in manifest_of(model=MODEL).items() if k != "model"}
WRONG_SIZE = {**manifest_of(model=MODEL), "model": {"file": "g.bpmn", "size": -1, "sha256": "0" * 64}}


@pytest.mark.parametrize(
    "answer, said",
    [
        (json_answer(NO_MODEL), "the manifest is invalid: 'model' is a required property"),
        (json_answer(WRONG_SIZE), "the manifest is invalid at model/size: -1 is less than the minimum of 0"),
        (json_answer([manifest_of(model=MODEL)]), "the manifest is a JSON list, not a JSON object"),
        (json_answer("a string"), "the manifest is a string, not a JSON object"),
        (
            json_answer(manifest_of("koblenz", "other", model=MODEL)),
            "the manifest is the one of koblenz/other@1.0.0, not of trier/gewerbeanmeldung@1.0.0",
        ),
        (
            json_answer(manifest_of(version="2.0.0", model=MODEL)),
            "the manifest is the one of trier/gewerbeanmeldung@2.0.0, not of trier/gewerbeanmeldung@1.0.0",
        ),
        (
            body_answer(b"<!doctype html><title>Portal</title>", content_type="text/html"),
            "the answer is not JSON (it begins '<!doctype html><title>Portal</title>')",
        ),
        (body_answer(b""), "the answer is not JSON (it is empty)"),
        (redirect_answer("file:///etc/passwd"), "it redirected to file:///etc/passwd, which is not the library's"),
        (redirect_answer("https://evil.example/x"), "it redirected to https://evil.example/x, which is not"),
        (redirect_answer("/api/v1" + MANIFEST_PATH), "it redirected more than 5 times"),
        (
            json_answer(manifest_of(model=MODEL, name="Gewerbe" + TITLE_ESCAPE, keywords=[TITLE_ESCAPE] * 2)),
            "the manifest is invalid at keywords: '\\x1b]0;pwned\\x07' is listed more than once",
        ),
    ],
    ids=[
        "no-model",
        "negative-size",
        "json-list",
        "json-string",
        "other-process",
        "other-version",
        "html",
        "empty",
        "file-redirect",
        "foreign-redirect",
        "redirect-loop",
        "escape-and-null",
    ],
)
def test_an_unusable_manifest_answer_ends_in_one_line_exit_2_and_writes_nothing(
    workspace, hostile, run_cli, answer, said
):
    hostile.on(MANIFEST_PATH, answer)
    hostile.on(MANIFEST_PATH + "/model", body_answer(MODEL, content_type="application/xml"))
    before = snapshot(workspace.root)
    status, out, err = run_cli("import", "trier/gewerbeanmeldung@1.0.0")
    lines = err.strip().splitlines()
    assert status == 2, err
    assert lines[-1].startswith("procex: error: the library at") and said in lines[-1], err
    assert "nothing was written" in lines[-1]
    assert all(line.startswith("· ") for line in lines[:-1]), err  # only the progress line before it
    assert "internal error" not in err and "check the path" not in err and "\x1b" not in err
    assert snapshot(workspace.root) == before


def test_a_model_answer_that_differs_from_its_manifest_writes_nothing(workspace, hostile, run_cli):
    hostile.on(MANIFEST_PATH, json_answer(manifest_of(model=MODEL)))
    hostile.on(MANIFEST_PATH + "/model", body_answer(b"<definitions/>" + b" " * 100, content_type="application/xml"))
    before = snapshot(workspace.root)
    status, _out, err = run_cli("import", "trier/gewerbeanmeldung@1.0.0")
    assert status == 2 and "announced 114 bytes, but its manifest says the model has 14; nothing" in err
    assert snapshot(workspace.root) == before


# --- escape sequences -------------------------------------------------------------------------------


def test_printable_strips_escape_sequences_and_controls():
    assert printable("a\x1b]0;pwned\x07b") == "ab"
    assert printable("\x1b[2J\x1b[31mrot\x1b[0m") == "rot"
    assert printable("a\x9b31mb\x9d0;x\x9cc") == "abc"  # the 8-bit forms
    assert printable("ok\x00\x08\x7f!") == "ok!"
    assert printable("zeile\nneue\r\nzeile\tx") == "zeile neue zeile x"
    assert printable("abc\u202edef") == "abcdef"  # no right-to-left override
    assert printable("Gewerbe „Anmeldung“ – § 14 GewO") == "Gewerbe „Anmeldung“ – § 14 GewO"
    assert printable(None) == "" and printable(3) == "3"


def test_escape_sequences_in_an_error_message_never_reach_stderr(workspace, hostile, run_cli):
    hostile.on(
        MANIFEST_PATH,
        error_answer(403, "forbidden", f"nope{TITLE_ESCAPE}\x1b[2J", [{"message": "x\x1b[31m\nprocex: fake"}]),
    )
    status, _out, err = run_cli("import", "trier/gewerbeanmeldung@1.0.0")
    assert status == 1
    assert "\x1b" not in err and "\x07" not in err
    assert err.strip().splitlines()[-1] == "procex: error: not allowed to read trier/gewerbeanmeldung@1.0.0: nope"


def test_escape_sequences_in_a_yank_reason_never_reach_stderr(workspace, hostile, run_cli):
    yanked = manifest_of(model=MODEL, yanked={"reason": f"withdrawn{TITLE_ESCAPE}\nprocex: fake", "at": "2026-12-02"})
    hostile.on(MANIFEST_PATH, json_answer(yanked))
    status, _out, err = run_cli("import", "trier/gewerbeanmeldung@1.0.0")
    assert status == 1
    assert "\x1b" not in err and "\x07" not in err
    assert "(yanked 2026-12-02: withdrawn procex: fake)" in err
    assert [line[:8] for line in err.strip().splitlines()] == ["· fetchi", "procex: "]  # no line of theirs


def test_escape_sequences_in_search_hits_never_reach_the_terminal(workspace, hostile, run_cli):
    hits = {
        "items": [
            {"ref": "trier/a@1.0.0\x1b[2J", "name": f"Gewerbe{TITLE_ESCAPE}", "leistungsschluessel": ["1\x1b[A"]}
        ],
        "total": 1,
    }
    hostile.on("/processes", json_answer(hits))
    status, out, err = run_cli("search", "Gewerbe")
    assert status == 0
    assert "\x1b" not in out + err and "\x07" not in out + err
    assert out.startswith("trier/a@1.0.0  Gewerbe\n")  # the escapes gone, the text kept


def test_yank_reasons_are_printable_in_outdated_status_and_update():
    from procex.exchange.workspace.outdated import yank_words
    from procex.exchange.workspace.status import ProcessStatus, format_status

    yanked = {"reason": f"Fehler{TITLE_ESCAPE}\x1b[2J\nzweite Zeile", "at": "2026-12-02\x1b[A"}
    assert yank_words(yanked, "en") == "yanked by its publisher on 2026-12-02: “Fehler zweite Zeile”"
    row = ProcessStatus("g", "trier/g@1.0.0", None, None, False, None, True, upstream_yanked=yanked)
    shown = format_status([row], "de")
    assert "\x1b" not in shown and "\x07" not in shown and "„Fehler zweite Zeile“" in shown


def test_an_index_line_without_the_fields_suggest_relies_on_is_refused(hostile):
    lines = [{"publisher": "trier", "slug": "a", "latest": "1.0.0", "name": "A"}, {"slug": "b", "name": ["x"]}]
    body = "".join(json.dumps(line) + "\n" for line in lines) + '{"end": true, "count": 2}\n'
    hostile.on("/index", body_answer(body.encode(), content_type="application/x-ndjson"))
    with pytest.raises(UnusableAnswerError, match=r"line 2 of the index has no 'publisher'"):
        small_client(hostile.url).index()
