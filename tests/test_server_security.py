"""Findings of a security review of the library server, each checked over HTTP against a real
`procex serve` (SQLite and PostgreSQL):

1. no request but the package upload may send more than 64 KiB, and the yank body is read only
   after the token is checked (an unauthenticated 32 MiB JSON list took the server from 166 MB
   to 938 MB);
2. a member publishes only with its own registered AGS as the manifest's region;
3. derived_from tells nothing about versions the publisher may not read, and never the stored sha256;
4. manifest lists have maxItems, and error messages quote at most 200 characters of a value;
5. a deeply nested manifest is a 422, not a 500 with a traceback;
6. contact.mailbox is a plain e-mail address (no javascript: in a mailto: link);
7. no Swagger UI or ReDoc page (they load JavaScript from a CDN into the library's origin).
"""

import json

import pytest
import requests

from procex.exchange.library import package
from procex.exchange.server.storage.store import Store, members
from tests.libserver import assert_error, manifest_for, tiny_model

MiB = 1024 * 1024


@pytest.fixture
def lib(servers):
    return servers("reciprocal")


def _peak_rss_kib(pid):
    """The process's peak resident set size (VmHWM) in KiB."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise AssertionError("no VmHWM in /proc")


def _upload(lib, member, manifest, model):
    """put_package with the manifest exactly as given (no re-encoding)."""
    text = manifest if isinstance(manifest, (str, bytes)) else json.dumps(manifest)
    files = {
        "manifest": ("manifest.json", text, "application/json"),
        "model": ("gewerbe.bpmn", model, "application/xml"),
    }
    return requests.put(
        f"{lib.api}/processes/{member.slug}/gewerbe/1.0.0", files=files, headers=member.headers, timeout=120
    )


# --- 1. body limits and authentication before the body ---------------------------------------


def test_unauthenticated_32_mib_json_body_is_refused_unread(lib):
    trier = lib.member()
    assert lib.publish(trier)[0].status_code == 201
    url = f"/processes/{trier.slug}/gewerbeanmeldung/1.0.0/yank"
    body = b"[" + b",".join([b"{}"] * (32 * MiB // 3)) + b"]"  # what the review sent
    before = _peak_rss_kib(lib.process.pid)
    error = assert_error(lib.post(url, data=body, headers={"Content-Type": "application/json"}), 413, "too_large")
    assert "64 KiB" in error["message"] and error["details"] == [{"limit_bytes": 65536}]

    def chunks():  # no Content-Length: the token is checked before the body is read
        for _ in range(32):
            yield b"[" + b"{}," * (MiB // 3)

    response = requests.post(lib.api + url, data=chunks(), headers={"Content-Type": "application/json"}, timeout=60)
    assert response.status_code in (401, 413), response.text
    grown = _peak_rss_kib(lib.process.pid) - before
    assert grown < 32 * 1024, f"the server's peak RSS grew by {grown} KiB"  # was ~770 MiB before the fix
    # Under the limit, the token still comes first: no token 401, another member 403, not 422.
    koblenz = lib.member()
    assert_error(lib.post(url, data=b"{not json", headers={"Content-Type": "application/json"}), 401, "unauthorized")
    assert_error(
        lib.post(url, koblenz, data=b"[" * 60000, headers={"Content-Type": "application/json"}), 403, "wrong_namespace"
    )
    # The owner's bad bodies are 4xx with the one error shape, never a 500.
    error = assert_error(
        lib.post(url, trier, data=b"[" * 60000, headers={"Content-Type": "application/json"}), 422, "invalid_request"
    )
    assert "nested too deeply" in error["message"]
    assert_error(
        lib.post(url, trier, data=b"{not json", headers={"Content-Type": "application/json"}), 422, "invalid_request"
    )
    assert_error(
        lib.post(url, trier, data="reason=weg", headers={"Content-Type": "application/x-www-form-urlencoded"}),
        415,
        "unsupported_media_type",
    )
    error = assert_error(lib.post(url, trier, json={"reason": "x" * 2001}), 422, "invalid_request")
    assert error["details"][0]["location"] == "body.reason"
    assert lib.post(url, trier, json={"reason": "ersetzt"}).json()["yanked"]["reason"] == "ersetzt"


def test_only_the_package_upload_takes_a_large_body(lib):
    trier = lib.member()
    assert lib.publish(trier)[0].status_code == 201
    big = b"x" * (100 * 1024)
    for path in (
        f"/processes/{trier.slug}/gewerbeanmeldung/1.0.0/adoptions",
        "/processes",
        f"/processes/{trier.slug}/gewerbeanmeldung/1.0.0/yank",
    ):
        assert_error(lib.post(path, data=big), 413, "too_large")
    # A model of 1 MiB is still an ordinary upload (the upload limit is 32 MiB).
    response, _, _ = lib.publish(trier, slug="gross", model=tiny_model(padding=MiB))
    assert response.status_code == 201, response.text


# --- 2. the region is the member's own ---------------------------------------------------------


def test_a_member_publishes_only_with_its_registered_ags(lib):
    koblenz = lib.member(ags="07111000")
    trier_region = {"ags": "07211000", "name": "Stadt Trier"}
    response, _, _ = lib.publish(
        koblenz, region=trier_region, contact={"office": "Digitalisierung", "mailbox": "digitalisierung@trier.de"}
    )
    error = assert_error(response, 422, "region_mismatch")
    assert "07211000" in error["message"] and "07111000" in error["message"]
    assert "Stadt Trier" in error["message"] and f"Gemeinde {koblenz.slug}" in error["message"]
    assert error["details"] == [{"manifest_ags": "07211000", "member_ags": "07111000"}]
    assert lib.get(f"/processes/{koblenz.slug}/gewerbeanmeldung", koblenz).status_code == 404
    response, _, _ = lib.publish(koblenz, region={"ags": "07111000", "name": "Stadt Koblenz"})
    assert response.status_code == 201, response.text


def test_a_member_without_a_recorded_ags_cannot_publish(lib):
    # procex never records one (member add checks 8 digits, the column is NOT NULL); a row edited
    # by hand might, and then nothing can be checked.
    member = lib.member()
    store = Store(lib.db)
    try:
        with store.write() as conn:
            conn.execute(members.update().where(members.c.slug == member.slug).values(ags=""))
    finally:
        store.close()
    error = assert_error(lib.publish(member)[0], 403, "member_without_ags")
    assert member.slug in error["message"] and "administrator" in error["message"]


# --- 3. derived_from reveals nothing the publisher may not read -------------------------------


def test_derived_from_needs_read_access_and_never_echoes_the_stored_sha256(lib):
    trier, mayen, koblenz = lib.member(), lib.member(agreed=False), lib.member()
    _, original, _ = lib.publish(trier)
    real = original["model"]["sha256"]
    adapted = tiny_model(task="Antrag im Bürgeramt prüfen")
    # Without the agreement: the same 403 for a version that exists and one that does not.
    for ref in (f"{trier.slug}/gewerbeanmeldung@1.0.0", f"{trier.slug}/fehlt@1.0.0"):
        response, _, _ = lib.publish(mayen, model=adapted, derived_from={"ref": ref, "sha256": "0" * 64})
        error = assert_error(response, 403, "agreement_required")
        assert real not in response.text and "fehlt" not in error["message"]
    # With it: a wrong sha256 is named wrong, the stored one is not told.
    response, _, _ = lib.publish(
        koblenz, model=adapted, derived_from={"ref": f"{trier.slug}/gewerbeanmeldung@1.0.0", "sha256": "0" * 64}
    )
    error = assert_error(response, 422, "derived_from_mismatch")
    assert real not in response.text and "does not match" in error["message"]
    # Its own processes a member may name without the agreement.
    _, own, _ = lib.publish(mayen, slug="eigen")
    response, _, _ = lib.publish(
        mayen,
        slug="eigen-angepasst",
        model=adapted,
        derived_from={"ref": f"{mayen.slug}/eigen@1.0.0", "sha256": own["model"]["sha256"]},
    )
    assert response.status_code == 201, response.text


# --- 4. bounded lists, short error messages --------------------------------------------------


def test_manifest_lists_are_bounded_and_errors_quote_little(lib):
    trier = lib.member()
    model = tiny_model()
    manifest = manifest_for(trier.slug, "gewerbe", "1.0.0", model)
    huge = dict(manifest, keywords=[f"k{i}" for i in range(300_000)])  # what the review sent: 3 MB
    response = _upload(lib, trier, huge, model)
    error = assert_error(response, 413, "too_large")  # a manifest part is at most 1 MiB
    assert "1024 KiB" in error["message"] and len(response.content) < 1024
    error = assert_error(
        _upload(lib, trier, dict(manifest, keywords=[f"k{i}" for i in range(1000)]), model), 422, "invalid_manifest"
    )
    assert "1,000 entries; at most 50" in error["message"]
    duplicates = dict(manifest, keywords=["x" * 90] * 10_000)  # 0.9 MB of one keyword
    response = _upload(lib, trier, duplicates, model)
    assert_error(response, 422, "invalid_manifest")
    assert len(response.content) < 4096, len(response.content)
    assert all(len(d["message"]) < 400 for d in response.json()["error"]["details"])
    for field, count in (("keywords", 51), ("legal_basis", 51), ("leistungsschluessel", 21)):
        values = (
            [f"{i:014d}" for i in range(count)] if field == "leistungsschluessel" else [f"v{i}" for i in range(count)]
        )
        error = assert_error(_upload(lib, trier, dict(manifest, **{field: values}), model), 422, "invalid_manifest")
        assert error["details"][0]["path"] == field
        fits = dict(manifest, **{field: values[:-1]}, slug=f"passt-{field.replace('_', '-')}")
        response = requests.put(
            f"{lib.api}/processes/{trier.slug}/{fits['slug']}/1.0.0",
            headers=trier.headers,
            files={"manifest": ("m.json", json.dumps(fits)), "model": ("g.bpmn", model)},
        )
        assert response.status_code == 201, response.text
    # A thousand bad keys: every one counted, fifty listed.
    many = dict(manifest, leistungsschluessel=[str(i) for i in range(1000)])
    error = assert_error(_upload(lib, trier, many, model), 422, "invalid_manifest")
    assert len(error["details"]) == 50 and "(and 1000 more)" in error["message"]


def test_problem_messages_quote_at_most_200_characters():
    manifest = manifest_for("trier", "gewerbe", "1.0.0", tiny_model())
    bad = dict(
        manifest,
        keywords=["wort"] * 3,
        name="N" * 5000,
        license="L" * 5000,
        region={"ags": "1" * 5000, "name": "Trier"},
        legal_basis=list(range(3000)),
    )
    problems = package.manifest_problems(bad)
    assert {p["path"] for p in problems} >= {"keywords", "name", "license", "region/ags", "legal_basis"}
    assert all(len(p["message"]) <= 500 for p in problems), [len(p["message"]) for p in problems]
    messages = {p["path"]: p["message"] for p in problems}
    assert messages["keywords"] == "'wort' is listed more than once; list each entry once"
    assert "5,000 characters; at most 300" in messages["name"]
    assert "5,002 characters)" in messages["license"]  # repr cut at 200, with the full length


# --- 5. nesting --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "[" * 5000 + "]" * 5000,  # beyond the parser's recursion limit
        '{"keywords": [' + "[" * 500 + "]" * 500 + ", " + "[" * 500 + "]" * 500 + "]}",  # parses; deep to compare
    ],
)
def test_deeply_nested_manifest_is_422_without_a_traceback(lib, text):
    trier = lib.member()
    error = assert_error(_upload(lib, trier, text, tiny_model()), 422, "invalid_manifest")
    assert "nested too deeply" in error["message"] or "levels deep" in error["message"]
    assert "Traceback" not in lib.log() and "RecursionError" not in lib.log()


# --- 6. mailbox --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "mailbox",
    [
        "javascript:alert(1)//@x.de",
        "mailto:gewerbe@trier.de",
        "gewerbe @trier.de",
        "a/b@trier.de",
        "gewerbe@trier.de?cc=x@y.de",
        "gewerbe@trier.de\n",
        "gewerbe@trier",
        ".gewerbe@trier.de",
    ],
)
def test_mailbox_must_be_a_plain_address(mailbox):
    manifest = manifest_for("trier", "gewerbe", "1.0.0", tiny_model())
    problems = package.manifest_problems(dict(manifest, contact={"office": "Ordnungsamt", "mailbox": mailbox}))
    assert [p["path"] for p in problems] == ["contact/mailbox"]
    assert "plain e-mail address" in problems[0]["message"]


def test_mailbox_with_a_scheme_is_refused_over_http(lib):
    trier = lib.member()
    response, _, _ = lib.publish(trier, contact={"office": "Ordnungsamt", "mailbox": "gewerbe@trier.example"})
    assert response.status_code == 201
    model = tiny_model(task="Anders")
    manifest = manifest_for(trier.slug, "gewerbe", "1.0.0", model)
    manifest["contact"]["mailbox"] = "javascript:alert(1)//@x.de"
    error = assert_error(_upload(lib, trier, manifest, model), 422, "invalid_manifest")
    assert error["details"][0]["path"] == "contact/mailbox"
    for good in ("buergeramt@stadt-mayen.de", "info+bpmn@kreis.example", "poststelle@müllheim.de"):
        problems = package.manifest_problems(dict(manifest, contact={"office": "Amt", "mailbox": good}))
        assert problems == [], problems


# --- 7. no API documentation pages with foreign JavaScript -----------------------------------


def test_no_swagger_or_redoc_pages_but_the_openapi_document(lib):
    for path in ("/api/docs", "/docs", "/redoc", "/docs/oauth2-redirect"):
        response = requests.get(lib.url + path, timeout=30)
        assert response.status_code == 404, path
        assert "cdn.jsdelivr.net" not in response.text and "swagger" not in response.text.lower()
    document = requests.get(f"{lib.url}/openapi.json", timeout=30).json()
    yank = document["paths"]["/api/v1/processes/{publisher}/{slug}/{version}/yank"]["post"]
    assert yank["requestBody"]["content"]["application/json"]["schema"]["required"] == ["reason"]
