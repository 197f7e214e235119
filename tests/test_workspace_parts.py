"""Workspace building blocks: mapping rules, personal-data check, client failures, workspace files."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from procex.bpmn.model import Model
from procex.exchange.library.client import IntegrityError
from procex.exchange.workspace import mapping
from procex.exchange.workspace.folder import Workspace, WorkspaceError, slugify
from procex.exchange.workspace.privacy import find_personal_data
from tests.models import SMALL

from .conftest import REPO
from .libserver import manifest_for

TRIER = REPO / "exchange" / "examples" / "trier"


def rules(*specs):
    return mapping.parse_rules([dict(name=n, kind=k, **{"from": f, "to": t}) for n, k, f, t in specs])


def test_mapping_rules_apply_deterministically_and_idempotently():
    model = Model.from_bytes(SMALL, "small.bpmn")
    rule_set = rules(
        ("stadt", "participant", "Stadt Trier", "Stadt Koblenz"),
        ("buergeramt", "lane", "Buergerbuero", "Bürgeramt Koblenz"),
        ("pruefen", "text", "pruefen", "prüfen"),
    )
    applied = mapping.apply_rules(model, rule_set)
    assert [(a.rule, a.element, a.property, a.new) for a in applied] == [
        ("stadt", "pool", "name", "Stadt Koblenz"),
        ("buergeramt", "lane_a", "name", "Bürgeramt Koblenz"),
        ("pruefen", "check", "name", "Antrag prüfen"),
    ]
    once = model.to_bytes()
    assert mapping.apply_rules(model, rule_set) == []
    assert model.to_bytes() == once


def test_mapping_rule_whose_target_contains_its_source_is_idempotent():
    rule = rules(("amt", "text", "Ordnungsamt", "Ordnungsamt Koblenz"))[0]
    once = mapping.replace_text(rule, "Ordnungsamt prüft; Ordnungsamtsleitung")
    assert once == "Ordnungsamt Koblenz prüft; Ordnungsamtsleitung"
    assert mapping.replace_text(rule, once) == once


@pytest.mark.parametrize(
    "items, message",
    [
        ([{"kind": "lane", "from": "a", "to": "b"}], "needs a name"),
        ([{"name": "x", "kind": "pool", "from": "a", "to": "b"}], "kind 'pool'"),
        ([{"name": "x", "from": "", "to": "b"}], "needs 'from'"),
        ([{"name": "x", "from": "a", "to": "b"}, {"name": "x", "from": "c", "to": "d"}], "used twice"),
    ],
)
def test_mapping_errors_name_the_rule(items, message):
    with pytest.raises(mapping.MappingError, match=message):
        mapping.parse_rules(items)


def test_personal_data_is_found():
    xml = (
        SMALL.replace(b'name="Buergerbuero"', b'name="Frau M\xc3\xbcller"')
        .replace(b'name="Ordnungsamt"', b'name="Hans Schmidt"')
        .replace(
            b'<bpmn:startEvent id="start" name="Antrag eingegangen">',
            b'<bpmn:startEvent id="start" name="Antrag eingegangen"><bpmn:documentation>R\xc3\xbcckfragen an '
            b"m.mueller@koblenz.de oder 0261 129-4711, sonst gewerbe@koblenz.de</bpmn:documentation>",
        )
    )
    found = [(p.element, p.what, p.text) for p in find_personal_data(Model.from_bytes(xml, "p.bpmn"))]
    assert found == [
        ("lane_a", "a person's name", "Frau Müller"),
        ("lane_b", "a person's name", "Hans Schmidt"),
        ("start", "e-mail address", "m.mueller@koblenz.de"),
        ("start", "phone number", "0261 129-4711"),
    ]
    assert find_personal_data(Model.from_bytes(SMALL, "clean.bpmn")) == []


class _Handler(BaseHTTPRequestHandler):
    model = b"<definitions/>"
    announced = b""

    def do_GET(self):
        if self.path.endswith("/model"):
            body, kind = self.model, "application/xml"
        else:
            # a valid manifest for the announced model, whose sha256 the sent model does not have
            body = json.dumps(manifest_for("trier", "x", "1.0.0", self.announced)).encode()
            kind = "application/json"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def tampering_server():
    _Handler.announced = b"the real model"
    _Handler.model = b"something else"
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_tampered_download_is_refused_and_nothing_written(tampering_server, tmp_path, monkeypatch):
    ws = Workspace.init(tmp_path / "ws", "Stadt Koblenz", "07111000", tampering_server)
    before = {p: p.read_bytes() for p in ws.root.rglob("*") if p.is_file()}
    monkeypatch.setenv("PROCEX_TOKEN", "t")
    from procex.exchange.workspace.importing import import_process

    with pytest.raises(IntegrityError, match="does not match its sha256"):
        import_process(ws, "trier/x@1.0.0")
    after = {p: p.read_bytes() for p in ws.root.rglob("*") if p.is_file()}
    assert after == before


def test_server_down_gives_one_line(tmp_path, run_cli):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    Workspace.init(tmp_path, "Stadt Koblenz", "07111000", f"http://127.0.0.1:{port}")
    # a real process: a refused connection must not end in the interpreter's traceback; the
    # timeout only stops a hang (the client's own time limits are test_client's)
    result = run_cli("search", "Gewerbe", cwd=tmp_path, env={"PROCEX_TOKEN": "x"}, separate=True, timeout=120)
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "cannot reach the library" in result.stderr and "Traceback" not in result.stderr


def test_client_sentences_for_status_codes():
    from procex.exchange.library.client import _sentence

    assert "PROCEX_TOKEN" in _sentence(401, {"message": "x"}, "u", "read")
    assert "has not accepted the sharing agreement" in _sentence(
        403, {"code": "agreement_required", "message": "no"}, "u", "read"
    )
    # the full command, with the member the server named in the details (or the caller's own slug,
    # never one read out of the message) and the licence the agreement needs
    assert "(procex admin member agree koblenz --license dl-de/by-2-0)" in _sentence(
        403,
        {"code": "agreement_required", "message": "agree trier", "details": [{"member": "koblenz"}]},
        "u",
        "read",
    )
    assert "(procex admin member agree mainz --license dl-de/by-2-0)" in _sentence(
        403, {"code": "agreement_required", "message": "procex admin member agree trier"}, "u", "read", "mainz"
    )
    # a message that says "agree" decides nothing: only the code does
    assert _sentence(403, {"code": "forbidden", "message": "please agree"}, "u", "read") == (
        "not allowed to read: please agree"
    )
    assert "(procex admin member agree SLUG --license dl-de/by-2-0)" in _sentence(
        403, {"code": "agreement_required", "message": "no"}, "u", "read"
    )
    assert "new --version" in _sentence(409, {"message": "exists"}, "u", "publish")
    assert "line 3 [t1] label missing" in _sentence(
        422,
        {"message": "invalid", "details": [{"line": 3, "element": "t1", "message": "label missing"}]},
        "u",
        "publish",
    )


def test_workspace_init_and_open(tmp_path):
    ws = Workspace.init(tmp_path / "k", "Stadt Koblenz", "07111000", "http://lib.example")
    assert ws.slug == "koblenz"
    for name in ("procex.toml", "catalogue.csv", "mapping.toml", "procex.lock", "processes", ".procex/cache"):
        assert (ws.root / name).exists(), name
    nested = ws.root / "processes"
    opened = Workspace.open(nested)
    assert opened.root == ws.root and opened.municipality["ags"] == "07111000"
    assert opened.library_url == "http://lib.example"
    assert (
        "PROCEX_TOKEN" not in (ws.root / "procex.toml").read_text()
        and "token =" not in (ws.root / "procex.toml").read_text()
    )
    with pytest.raises(WorkspaceError, match="already exists"):
        Workspace.init(tmp_path / "k", "Stadt Koblenz", "07111000")
    with pytest.raises(WorkspaceError, match="8 digits"):
        Workspace.init(tmp_path / "x", "Stadt Koblenz", "0711")
    with pytest.raises(WorkspaceError, match="no procex workspace"):
        Workspace.open(tmp_path)


def test_slugify():
    assert slugify("Stadt Koblenz") == "koblenz"
    assert slugify("Gemeinde Bad Dürkheim") == "bad-duerkheim"


def test_xprozess_import_into_a_workspace_links_catalogue_and_lock(tmp_path, shared, run_cli):
    from procex.exchange.catalogue.entries import CatalogueEntry

    ws = Workspace.init(tmp_path / "ws", "Stadt Koblenz", "07111000")
    ws.save_catalogue([CatalogueEntry("99006028261000", "Schwangere Beschäftigte anzeigen", "planned", "Amt 32", "")])
    message = shared / "corpora/fim/99006028261000_Anzeige_Beschaeftigung_schwangere_stillende_Frau.xprozess2.xml"
    result = run_cli("xprozess", "import", message, "--into", ws.root)
    assert result.exit_code == 0, result.output
    slug = "anzeige-zur-beschaeftigung-einer-schwangeren-oder-stillenden"
    entry = ws.lock().processes[slug]
    assert entry.upstream == "xprozess:99006028261000@01.00.00" and entry.entry == "99006028261000"
    assert ws.cache_get(entry.sha256) == ws.process_path(slug).read_bytes()
    assert [(e.process, e.status) for e in ws.catalogue()] == [(f"processes/{slug}.bpmn", "in_progress")]
