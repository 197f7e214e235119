"""Test helpers for the library server: a real `procex serve` subprocess on 127.0.0.1.

``LibraryServer`` starts the server on a free port against a SQLite file or a fresh PostgreSQL
database, waits until /api/v1/health answers, and kills it at the end. Members and tokens are
seeded through exchange.server.admin on the same database (as an administrator would).
``tiny_model``, ``warned_model`` and ``manifest_for`` make small valid uploads; ``example``,
``publish_example`` and ``publish_package`` publish the packages in exchange/examples/.
"""

import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests

from procex.exchange.library import package
from procex.exchange.server import admin
from tests.env import IN_CI, REPO

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
_counter = itertools.count(1)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_available():
    try:
        import psycopg

        with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=test", connect_timeout=3):
            return True
    except Exception:
        return False


def need_postgres():
    """Skip without PostgreSQL on 127.0.0.1:5432, but fail in CI where it must be there."""
    if not postgres_available():
        if IN_CI:
            pytest.fail("PostgreSQL at 127.0.0.1:5432 (user postgres, database test) is not reachable in CI")
        pytest.skip("PostgreSQL at 127.0.0.1:5432 not reachable")


class PostgresDatabase:
    """A fresh database per test run, dropped at the end."""

    def __init__(self):
        import psycopg

        self.name = f"procex_test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=test", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')
        self.url = f"postgresql://postgres@127.0.0.1:5432/{self.name}"

    def drop(self):
        import psycopg

        with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=test", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def make_db(backend, tmp_dir):
    """(db, cleanup) for backend "sqlite" (a file in tmp_dir) or "postgresql" (a fresh database)."""
    if backend == "postgresql":
        need_postgres()
        database = PostgresDatabase()
        return database.url, database.drop
    return str(Path(tmp_dir) / f"library-{uuid.uuid4().hex[:8]}.sqlite"), lambda: None


class Member:
    def __init__(self, slug, token):
        self.slug = slug
        self.token = token

    @property
    def headers(self):
        return {"Authorization": f"Bearer {self.token}"}


class LibraryServer:
    """`procex serve` as a subprocess; use as a context manager."""

    def __init__(self, db, policy="reciprocal", max_upload_mib=None, workers=1, log_dir=None, operator_contact=None):
        self.db = db
        self.policy = policy
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.api = f"{self.url}/api/v1"
        self.args = [
            sys.executable,
            "-m",
            "procex.cli",
            "serve",
            "--db",
            str(db),
            "--port",
            str(self.port),
            "--policy",
            policy,
            "--workers",
            str(workers),
        ]
        if max_upload_mib is not None:
            self.args += ["--max-upload", str(max_upload_mib)]
        if operator_contact is not None:
            self.args += ["--operator-contact", operator_contact]
        self.log_path = Path(log_dir or "/tmp") / f"procex-serve-{self.port}.log"
        self.process = None
        self.session = requests.Session()

    def start(self, timeout=60):
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                self.args, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"procex serve exited with {self.process.returncode}: {self.log()}")
            try:
                if requests.get(f"{self.api}/health", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"procex serve did not answer within {timeout}s: {self.log()}")

    def log(self):
        try:
            return self.log_path.read_text(errors="replace")[-3000:]
        except OSError:
            return ""

    def kill(self, sig=signal.SIGKILL):
        """Signal the whole server process group (uvicorn workers included) and reap it."""
        if self.process and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                pass
            self.process.wait(timeout=30)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.kill(signal.SIGTERM)
        self.session.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *_exc):
        self.stop()

    # --- administrator's side -------------------------------------------------------------

    def member(self, agreed=True, prefix="m", ags="07211000"):
        """A new member with a token (agreed to the sharing agreement unless ``agreed=False``),
        registered with ``ags``: manifest_for's region AGS, which the library requires."""
        slug = f"{prefix}{next(_counter)}-{uuid.uuid4().hex[:6]}"
        spec = {"slug": slug, "name": f"Gemeinde {slug}", "ags": ags, "contact": f"it@{slug}.example"}
        if agreed:
            spec["license"] = "dl-de/by-2-0"
        tokens = admin.seed(self.db, [spec])
        return Member(slug, tokens[slug])

    # --- client's side --------------------------------------------------------------------

    def get(self, path, member=None, **kwargs):
        headers = dict(kwargs.pop("headers", {}), **(member.headers if member else {}))
        return self.session.get(self.api + path, headers=headers, timeout=60, **kwargs)

    def post(self, path, member=None, **kwargs):
        headers = dict(kwargs.pop("headers", {}), **(member.headers if member else {}))
        return self.session.post(self.api + path, headers=headers, timeout=60, **kwargs)

    def put_package(self, member, manifest, model, publisher=None, slug=None, version=None, session=None):
        path = "/processes/{}/{}/{}".format(
            publisher or manifest["publisher"], slug or manifest["slug"], version or manifest["version"]
        )
        files = {
            "manifest": ("manifest.json", json.dumps(manifest), "application/json"),
            "model": (manifest["model"]["file"], model, "application/xml"),
        }
        headers = member.headers if member else {}
        return (session or requests).put(self.api + path, files=files, headers=headers, timeout=120)

    def publish(self, member, slug="gewerbeanmeldung", version="1.0.0", model=None, **fields):
        model = model if model is not None else tiny_model()
        manifest = manifest_for(member.slug, slug, version, model, **fields)
        return self.put_package(member, manifest, model), manifest, model


def tiny_model(name="Gewerbe anmelden", task="Antrag prüfen", padding=0):
    """A small XSD-valid BPMN 2.0 model (start, one task, end); ``padding`` adds documentation text."""
    documentation = f"<bpmn:documentation>{'x' * padding}</bpmn:documentation>" if padding else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs" targetNamespace="http://procex.test/model">
  <bpmn:process id="process" name="{name}" isExecutable="false">
    {documentation}
    <bpmn:startEvent id="start" name="Antrag eingegangen"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:task id="task" name="{task}"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:task>
    <bpmn:endEvent id="end" name="Bescheid versandt"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="task"/>
    <bpmn:sequenceFlow id="f2" sourceRef="task" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>
""".encode()


def warned_model():
    """A valid model with a diagram whose check by the recommended lint preset finds no errors and
    exactly 2 warnings: a superfluous gateway (one way in, one out) and a lane without members.
    (tiny_model, without a diagram, finds 1 error there: no-bpmndi.)"""
    shapes = {
        "start": (100, 100, 36, 36),
        "gw": (180, 93, 50, 50),
        "task": (280, 78, 100, 80),
        "end": (430, 100, 36, 36),
    }
    edges = {"f1": ((136, 118), (180, 118)), "f2": ((230, 118), (280, 118)), "f3": ((380, 118), (430, 118))}
    di = "".join(
        f'<bpmndi:BPMNShape id="{k}_di" bpmnElement="{k}"><dc:Bounds x="{x}" y="{y}" width="{w}" '
        f'height="{h}"/></bpmndi:BPMNShape>'
        for k, (x, y, w, h) in shapes.items()
    )
    di += "".join(
        f'<bpmndi:BPMNEdge id="{k}_di" bpmnElement="{k}"><di:waypoint x="{a[0]}" y="{a[1]}"/>'
        f'<di:waypoint x="{b[0]}" y="{b[1]}"/></bpmndi:BPMNEdge>'
        for k, (a, b) in edges.items()
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="defs" targetNamespace="http://procex.test/model">
  <bpmn:process id="process" name="Gewerbe anmelden" isExecutable="false">
    <bpmn:laneSet id="ls"><bpmn:lane id="lane" name="Ordnungsamt"/></bpmn:laneSet>
    <bpmn:startEvent id="start" name="Antrag eingegangen"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:exclusiveGateway id="gw" name="Vollständig?"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:task id="task" name="Antrag prüfen"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing></bpmn:task>
    <bpmn:endEvent id="end" name="Bescheid versandt"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="gw"/>
    <bpmn:sequenceFlow id="f2" sourceRef="gw" targetRef="task"/>
    <bpmn:sequenceFlow id="f3" sourceRef="task" targetRef="end"/>
  </bpmn:process>
  <bpmndi:BPMNDiagram id="diagram"><bpmndi:BPMNPlane id="plane" bpmnElement="process">{di}</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>
""".encode()


def manifest_for(publisher, slug, version, model, **fields):
    """A valid manifest for ``model``; keyword arguments override fields."""
    values = dict(
        publisher=publisher,
        slug=slug,
        version=version,
        name="Gewerbeanmeldung",
        model_bytes=model,
        model_file=f"{slug}.bpmn",
        region={"ags": "07211000", "name": "Trier"},
        contact={"office": "Ordnungsamt", "mailbox": "gewerbe@trier.example"},
        license="dl-de/by-2-0",
        leistungsschluessel=["99050012104000"],
        description="Anmeldung eines Gewerbes beim Ordnungsamt",
        keywords=["Gewerbe", "Anmeldung"],
        legal_basis=["§ 14 GewO"],
    )
    values.update(fields)
    return package.build_manifest(**values)


def assert_error(response, status, code):
    """The API's error answer: this status, the body {"error": {code, message, details}} with this code."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "details"}, body
    assert body["error"]["code"] == code, body
    assert isinstance(body["error"]["details"], list)
    assert body["error"]["message"]
    return body["error"]


EXAMPLES = REPO / "exchange" / "examples"


def example(folder, slug="gewerbeanmeldung"):
    """exchange/examples/<folder>/<slug>: (its manifest fields, its model's bytes)."""
    manifest = json.loads((EXAMPLES / folder / f"{slug}.json").read_text("utf-8"))
    return manifest, (EXAMPLES / folder / f"{slug}.bpmn").read_bytes()


def publish_example(server, token, folder, slug):
    """Publish an example through the library client, as a member's procex does: (status, body)."""
    from procex.exchange.demo import manifest_from_example
    from procex.exchange.library.client import LibraryClient

    fields, data = example(folder, slug)
    return LibraryClient(server.url, token).publish(manifest_from_example(fields, data), data)


def publish_package(lib, member, manifest, model, **changes):
    """PUT ``manifest`` (with ``changes``) and ``model`` as ``member``; it must be taken (201)."""
    manifest = dict(manifest, **changes)
    manifest["publisher"] = member.slug
    manifest["model"] = {"file": f"{manifest['slug']}.bpmn", "size": len(model), "sha256": package.sha256_bytes(model)}
    response = lib.put_package(member, manifest, model)
    assert response.status_code == 201, response.text
    return manifest


def signed_in(lib, member):
    """A requests session signed in to the web pages through the sign-in form."""
    session = requests.Session()
    response = session.post(
        f"{lib.url}/signin",
        data={"token": member.token, "next": "/"},
        headers={"Origin": lib.url},
        allow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return session


def fill_web_library(lib, db, trier_contact=None):
    """The web pages' library on a started server: Trier's Gewerbeanmeldung 1.0.0, 1.1.0 and a
    yanked 1.0.1, Koblenz's adaptation (derived from Trier 1.0.0, adopted), and Mayen, which has not
    accepted the sharing agreement, with its own process. Returns the three members by slug."""
    from procex.bpmn import edit
    from procex.bpmn.model import Model

    trier_fields = {"slug": "trier", "name": "Stadt Trier", "ags": "07211000", "license": "dl-de/by-2-0"}
    if trier_contact:
        trier_fields["contact"] = trier_contact
    tokens = admin.seed(
        db,
        [
            trier_fields,
            {"slug": "koblenz", "name": "Stadt Koblenz", "ags": "07111000", "license": "dl-de/by-2-0"},
            {"slug": "mayen", "name": "Stadt Mayen", "ags": "07137068"},
        ],
    )
    members = {slug: Member(slug, token) for slug, token in tokens.items()}
    trier, koblenz, mayen = members["trier"], members["koblenz"], members["mayen"]
    v1, model1 = example("trier")
    v2, model2 = example("trier-v2")
    publish_package(lib, trier, v1, model1)
    publish_package(lib, trier, v1, model1.replace(b"Gewerbe soll", b"Gewerbe will"), version="1.0.1")
    yanked = lib.post(
        "/processes/trier/gewerbeanmeldung/1.0.1/yank", trier, json={"reason": "Tippfehler im Startereignis"}
    )
    assert yanked.status_code == 200
    publish_package(lib, trier, v2, model2)
    # Koblenz adapts Trier 1.0.0: its own name on the pool, a renamed lane
    adapted = Model.from_bytes(model1, "koblenz.bpmn")
    edit.rename(adapted, "Participant_Stadtverwaltung", "Stadt Koblenz")
    edit.rename(adapted, "Lane_Gewerbe", "Ordnungsamt – Gewerbestelle")
    publish_package(
        lib,
        koblenz,
        v1,
        adapted.to_bytes(),
        region={"ags": "07111000", "name": "Stadt Koblenz"},
        derived_from={"ref": "trier/gewerbeanmeldung@1.0.0", "sha256": package.sha256_bytes(model1)},
    )
    assert lib.post("/processes/trier/gewerbeanmeldung/1.0.0/adoptions", koblenz).status_code == 201
    # Mayen (no agreement) publishes its own process
    publish_package(
        lib,
        mayen,
        v1,
        model1,
        slug="gewerbe-mayen",
        name="Gewerbeanmeldung Mayen",
        region={"ags": "07137068", "name": "Stadt Mayen"},
    )
    return members


BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="module", params=BACKENDS)
def servers(request, tmp_path_factory):
    """servers(policy) -> a running LibraryServer for this backend (one per policy, module-wide).

    tests/conftest.py makes it available to every test module.
    """
    started, cleanups = {}, []
    tmp = tmp_path_factory.mktemp(f"lib-{request.param}")

    def get(policy="reciprocal"):
        if policy not in started:
            db, cleanup = make_db(request.param, tmp)
            cleanups.append(cleanup)
            started[policy] = LibraryServer(db, policy=policy, log_dir=tmp).start()
        return started[policy]

    yield get
    for server in started.values():
        server.stop()
    for cleanup in cleanups:
        cleanup()
