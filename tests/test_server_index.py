"""GET /api/v1/index: the whole library listing in one streamed answer, against a real server.

The listing's content (latest unyanked version per process, adoptions, task labels capped at 50,
the validation summary counted at publish, the closing count line), ETag and 304, the access matrix
(search's rules), the chunked stream over more processes than one chunk, on SQLite and PostgreSQL; and
LibraryClient.index(): the closing line checked, a cut-off stream refused, 304 with the cached ETag.
"""

import gzip
import http.server
import json
import threading
from itertools import pairwise

import pytest

from procex.exchange.library.client import LibraryClient, LibraryError
from procex.exchange.server import admin
from procex.exchange.server.api import compression
from procex.exchange.server.storage.store import Store
from tests.libserver import manifest_for, tiny_model, warned_model


def lines(response):
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("application/x-ndjson")
    return [json.loads(line) for line in response.text.splitlines()]


def many_tasks_model(count):
    """A valid model whose one path runs through ``count`` tasks named Schritt 1..count."""
    tasks = "".join(f'<bpmn:task id="t{i}" name="Schritt {i}"/>' for i in range(1, count + 1))
    nodes = ["s"] + [f"t{i}" for i in range(1, count + 1)] + ["e"]
    flows = "".join(
        f'<bpmn:sequenceFlow id="f{i}" sourceRef="{a}" targetRef="{b}"/>' for i, (a, b) in enumerate(pairwise(nodes))
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions '
        f'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="http://t/">'
        f'<bpmn:process id="p" isExecutable="false"><bpmn:startEvent id="s"/>{tasks}'
        f'<bpmn:endEvent id="e"/>{flows}</bpmn:process></bpmn:definitions>'
    ).encode()


def test_listing_holds_every_latest_unyanked_version(servers):
    lib = servers("reciprocal")
    trier, mainz, bonn = lib.member(prefix="a"), lib.member(prefix="b"), lib.member(prefix="c")
    assert lib.publish(trier, "gewerbeanmeldung", "1.0.0")[0].status_code == 201
    assert (
        lib.publish(trier, "gewerbeanmeldung", "1.1.0", model=tiny_model(task="Gewerbe prüfen"), keywords=["Gewerbe"])[
            0
        ].status_code
        == 201
    )
    assert lib.publish(trier, "gewerbeanmeldung", "2.0.0")[0].status_code == 201
    assert (
        lib.post(
            f"/processes/{trier.slug}/gewerbeanmeldung/2.0.0/yank", trier, json={"reason": "falsche Frist"}
        ).status_code
        == 200
    )
    assert lib.publish(trier, "abriss", "1.0.0", name="Abrissgenehmigung")[0].status_code == 201
    assert (
        lib.post(f"/processes/{trier.slug}/abriss/1.0.0/yank", trier, json={"reason": "zurückgezogen"}).status_code
        == 200
    )
    assert (
        lib.publish(
            mainz,
            "hundesteuer",
            "0.1.0",
            model=many_tasks_model(60),
            name="Hundesteuer",
            leistungsschluessel=["99102013104000", "99102013070000"],
            keywords=[],
        )[0].status_code
        == 201
    )
    for member, version in ((mainz, "1.0.0"), (bonn, "1.0.0"), (bonn, "1.1.0")):
        assert lib.post(f"/processes/{trier.slug}/gewerbeanmeldung/{version}/adoptions", member).status_code == 201

    response = lib.get("/index", bonn)
    found = lines(response)
    assert found[-1] == {"end": True, "count": len(found) - 1}
    assert response.headers["X-Procex-Count"] == str(len(found) - 1)
    ours = (trier.slug, mainz.slug, bonn.slug)
    mine = {(item["publisher"], item["slug"]): item for item in found[:-1] if item["publisher"] in ours}
    # Ordered by publisher and slug; the yanked 2.0.0 is skipped, the all-yanked process absent.
    assert list(mine) == [(trier.slug, "gewerbeanmeldung"), (mainz.slug, "hundesteuer")]
    assert mine[(trier.slug, "gewerbeanmeldung")] == {
        "publisher": trier.slug,
        "slug": "gewerbeanmeldung",
        "latest": "1.1.0",
        "name": "Gewerbeanmeldung",
        "leistungsschluessel": ["99050012104000"],
        "keywords": ["Gewerbe"],
        "adoptions": 2,  # mainz and bonn; bonn's two versions count once
        "tasks": ["Gewerbe anmelden", "Antrag eingegangen", "Gewerbe prüfen", "Bescheid versandt"],
        "validation": {"errors": 1, "warnings": 0},
    }  # tiny_model has no diagram: no-bpmndi
    hund = mine[(mainz.slug, "hundesteuer")]
    assert hund["adoptions"] == 0 and hund["keywords"] == []
    assert hund["leistungsschluessel"] == ["99102013104000", "99102013070000"]
    assert hund["tasks"] == [f"Schritt {i}" for i in range(1, 51)]  # capped at 50, in model order


def test_validation_summary_is_counted_at_publish_and_listed(servers):
    """Index lines and search items carry the recommended preset's counts of the latest version;
    the stored counts are the validator's (warnings do not refuse, neither do lint errors)."""
    from procex.bpmn.validate import validate_bytes

    lib = servers("reciprocal")
    trier, reader = lib.member(prefix="a"), lib.member(prefix="b")
    report = validate_bytes(warned_model(), "x.bpmn", rules="recommended")
    assert (report.errors, report.warnings) == (0, 2)
    assert lib.publish(trier, "gewerbe", "1.0.0")[0].status_code == 201
    assert lib.publish(trier, "gewerbe", "1.1.0", model=warned_model())[0].status_code == 201
    assert lib.publish(trier, "abriss", "1.0.0", name="Abrissgenehmigung")[0].status_code == 201

    listed = {i["slug"]: i["validation"] for i in lines(lib.get("/index", reader))[:-1] if i["publisher"] == trier.slug}
    assert listed == {"abriss": {"errors": 1, "warnings": 0}, "gewerbe": {"errors": 0, "warnings": 2}}
    found = lib.get("/processes", reader, params={"publisher": trier.slug}).json()["items"]
    assert {i["slug"]: i["validation"] for i in found} == listed
    # A yank makes 1.0.0 the latest again: its own summary, kept since its publish, is listed.
    assert lib.post(f"/processes/{trier.slug}/gewerbe/1.1.0/yank", trier, json={"reason": "x"}).status_code == 200
    (item,) = [
        i for i in lines(lib.get("/index", reader))[:-1] if i["slug"] == "gewerbe" and i["publisher"] == trier.slug
    ]
    assert (item["latest"], item["validation"]) == ("1.0.0", {"errors": 1, "warnings": 0})


def test_the_publish_check_refuses_exactly_what_schema_and_references_refuse():
    """review_model checks once with the recommended preset; the findings that decide acceptance
    are still exactly those of rules="none" (lint errors never refuse)."""
    from pathlib import Path

    from procex.bpmn.errors import BpmnReadError
    from procex.bpmn.validate import validate_bytes
    from procex.exchange.server.checks import review_model

    models = [
        tiny_model(),
        warned_model(),
        tiny_model().replace(b'<bpmn:task id="task"', b'<bpmn:task id="task" bogus="1"'),
        tiny_model().replace(b'targetRef="end"', b'targetRef="nowhere"'),
    ]
    models += [p.read_bytes() for p in sorted(Path(__file__).parent.glob("fixtures/rules/*/*.bpmn"))]
    assert len(models) > 20
    lint_errors = 0
    for data in models:
        findings, summary = review_model(data, "m.bpmn")
        try:
            expected = validate_bytes(data, "m.bpmn", rules="none", lang="en").findings
            full = validate_bytes(data, "m.bpmn", rules="recommended", lang="en")
        except BpmnReadError:
            assert summary is None and findings[0].code == "not-readable"
            continue
        assert findings == expected
        assert summary == {"errors": full.errors, "warnings": full.warnings}
        lint_errors += not any(f.severity == "error" for f in findings) and full.errors > 0
    assert lint_errors > 5  # models the library accepts although the recommended rules find errors


def test_etag_and_conditional_get(servers):
    lib = servers("members")
    trier, mainz = lib.member(), lib.member()
    assert lib.publish(trier, "gewerbe", "1.0.0")[0].status_code == 201
    first = lib.get("/index", mainz)
    etag = first.headers["ETag"]
    assert etag.startswith('"ix-') and lines(first)[-1]["end"] is True
    assert lib.get("/index", trier).headers["ETag"] == etag  # the same listing for every reader
    cached = lib.get("/index", mainz, headers={"If-None-Match": etag})
    assert cached.status_code == 304 and cached.content == b"" and cached.headers["ETag"] == etag
    assert lib.get("/index", mainz, headers={"If-None-Match": f'"other", W/{etag}'}).status_code == 304
    assert lib.get("/index", mainz, headers={"If-None-Match": '"ix-0"'}).status_code == 200

    # Every change of the listing changes the ETag: publish, adoption, yank of the latest version.
    seen = {etag}
    for change in (
        lambda: lib.publish(trier, "gewerbe", "1.1.0"),
        lambda: lib.post(f"/processes/{trier.slug}/gewerbe/1.1.0/adoptions", mainz),
        lambda: lib.post(f"/processes/{trier.slug}/gewerbe/1.1.0/yank", trier, json={"reason": "x"}),
    ):
        response = change()
        response = response[0] if isinstance(response, tuple) else response
        assert response.status_code in (200, 201), response.text
        now = lib.get("/index", mainz)
        assert now.headers["ETag"] not in seen
        seen.add(now.headers["ETag"])
        assert lib.get("/index", mainz, headers={"If-None-Match": now.headers["ETag"]}).status_code == 304
        assert lib.get("/index", mainz, headers={"If-None-Match": etag}).status_code == 200
    (item,) = [i for i in lines(lib.get("/index", mainz))[:-1] if i["publisher"] == trier.slug]
    assert (item["latest"], item["adoptions"]) == ("1.0.0", 1)  # 1.1.0 yanked, its adoption counts


def test_gzip_when_asked_and_the_same_listing_either_way(servers):
    """gzip only when Accept-Encoding admits it; each representation has its own ETag, and either
    ETag answers 304 (a client cache written before gzip keeps working)."""
    lib = servers("members")
    trier = lib.member()
    for n in range(30):
        assert lib.publish(trier, f"gewerbe-{n}", "1.0.0")[0].status_code == 201

    def raw(accept, **headers):
        response = lib.get("/index", trier, headers={"Accept-Encoding": accept, **headers}, stream=True)
        body = response.raw.read(decode_content=False)
        response.close()
        return response, body

    plain, plain_body = raw("identity")
    packed, packed_body = raw("br, gzip;q=0.8")
    refused, refused_body = raw("gzip;q=0, identity")
    assert "Content-Encoding" not in plain.headers and "Content-Encoding" not in refused.headers
    assert packed.headers["Content-Encoding"] == "gzip" and packed.headers["Vary"] == "Accept-Encoding"
    assert gzip.decompress(packed_body) == plain_body == refused_body
    assert len(packed_body) * 4 < len(plain_body)  # JSON lines of look-alike processes compress well
    assert plain.headers["ETag"] != packed.headers["ETag"] == plain.headers["ETag"][:-1] + '-gzip"'
    for asked, etag in (("gzip", plain.headers["ETag"]), ("identity", packed.headers["ETag"])):
        assert raw(asked, **{"If-None-Match": etag})[0].status_code == 304


def test_accept_encoding_parsing():
    assert compression.accepts_gzip("gzip, deflate") and compression.accepts_gzip("GZIP;q=0.5")
    assert compression.accepts_gzip("*") and not compression.accepts_gzip("*, gzip;q=0")
    assert not compression.accepts_gzip(None) and not compression.accepts_gzip("identity")
    assert not compression.accepts_gzip("gzip;q=0.0") and not compression.accepts_gzip("gzip;q=x")


def test_access_matrix(servers):
    lib = servers("reciprocal")
    reader, newcomer = lib.member(), lib.member(agreed=False)
    assert lib.publish(reader, "gewerbe", "1.0.0")[0].status_code == 201
    assert lib.publish(newcomer, "eigenes", "1.0.0")[0].status_code == 201
    no_token = lib.get("/index")
    assert no_token.status_code == 401 and no_token.json()["error"]["code"] == "unauthorized"
    refused = lib.get("/index", newcomer)
    assert refused.status_code == 403, refused.text
    error = refused.json()["error"]
    assert error["code"] == "agreement_required" and set(refused.json()) == {"error"}
    assert "sharing agreement" in error["message"] and f"member agree {newcomer.slug}" in error["message"]
    # The ETag does not let a non-participating member probe the library either.
    etag = lib.get("/index", reader).headers["ETag"]
    assert lib.get("/index", newcomer, headers={"If-None-Match": etag}).status_code == 403
    assert "eigenes" in [i["slug"] for i in lines(lib.get("/index", reader))[:-1]]
    admin.token_revoke(lib.db, reader.token[:12])
    assert lib.get("/index", reader).status_code == 401
    admin.member_agree(lib.db, newcomer.slug, "dl-de/by-2-0")
    assert lib.get("/index", newcomer).status_code == 200


def test_public_policy_needs_no_token(servers):
    lib = servers("public")
    trier = lib.member()
    assert lib.publish(trier, "gewerbe", "1.0.0")[0].status_code == 201
    response = lib.get("/index")
    assert [i["slug"] for i in lines(response)[:-1]] == ["gewerbe"]
    assert response.headers["Cache-Control"] == "no-cache"


def test_stream_spans_many_chunks(servers):
    """More processes than one read chunk (500): all arrive, in order, and the count agrees."""
    lib = servers("members")
    reader = lib.member()
    before = int(lib.get("/index", reader).headers["X-Procex-Count"])
    store = Store(lib.db)
    try:
        model = tiny_model()
        for n in range(1100):
            store.publish(manifest_for("zz-bulk", f"p{n:04d}", "1.0.0", model), model, ["Antrag prüfen"])
    finally:
        store.close()
    found = lines(lib.get("/index", reader))
    assert found[-1] == {"end": True, "count": before + 1100}
    bulk = [item["slug"] for item in found[:-1] if item["publisher"] == "zz-bulk"]
    assert bulk == [f"p{n:04d}" for n in range(1100)]


def test_openapi_documents_the_index(servers):
    spec = servers("reciprocal").session.get(servers("reciprocal").url + "/openapi.json").json()
    operation = spec["paths"]["/api/v1/index"]["get"]
    assert "application/x-ndjson" in operation["responses"]["200"]["content"]
    assert "304" in operation["responses"]


# --- the client -----------------------------------------------------------------------------------


def test_client_reads_the_index_and_answers_304_with_its_etag(servers):
    lib = servers("members")
    trier = lib.member()
    assert lib.publish(trier, "gewerbe", "1.0.0")[0].status_code == 201
    client = LibraryClient(lib.url, trier.token)
    seen = []
    items, etag = client.index(progress=lambda fetched, total: seen.append((fetched, total)))
    assert (trier.slug, "gewerbe") in {(i["publisher"], i["slug"]) for i in items}
    assert seen[-1] == (len(items), len(items))
    assert client.index(etag=etag) == (None, etag)
    with pytest.raises(LibraryError) as refused:
        LibraryClient(lib.url, "pxl_wrong").index()
    assert refused.value.status == 401


class _Canned(http.server.BaseHTTPRequestHandler):
    """Answers GET /api/v1/index with the class's ``body`` (no closing line, or a wrong count)."""

    body = b""
    status = 200

    def do_GET(self):
        self.send_response(self.status)
        self.send_header("Content-Type", "application/x-ndjson" if self.status == 200 else "application/json")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


@pytest.fixture
def canned():
    servers = []

    def start(body, status=200):
        handler = type("Handler", (_Canned,), {"body": body, "status": status})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


ITEM = {
    "publisher": "trier",
    "slug": "gewerbe",
    "latest": "1.0.0",
    "name": "Gewerbe",
    "leistungsschluessel": [],
    "keywords": [],
    "adoptions": 0,
    "tasks": [],
}


@pytest.mark.parametrize(
    "body, says",
    [
        ((json.dumps(ITEM) + "\n") * 3, "without its closing line"),
        ((json.dumps(ITEM) + "\n") * 3 + '{"end": true, "count": 4}\n', "announced 4 processes but 3 arrived"),
        (json.dumps(ITEM) + "\n{not json\n", "line 2 of the library index is not JSON"),
    ],
)
def test_client_refuses_an_incomplete_index(canned, body, says):
    url = canned(body.encode("utf-8"))
    with pytest.raises(LibraryError) as refused:
        LibraryClient(url, "pxl_x", retries=0).index()
    assert says in str(refused.value)


def test_client_reports_404_from_an_older_server(canned):
    url = canned(
        json.dumps({"error": {"code": "not_found", "message": "no such resource", "details": []}}).encode(), status=404
    )
    with pytest.raises(LibraryError) as refused:
        LibraryClient(url, "pxl_x", retries=0).index()
    assert refused.value.status == 404
