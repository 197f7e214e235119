"""The library server's API v1 through HTTP against a real `procex serve`, on SQLite and PostgreSQL.

Covers the access matrix (no token, revoked token, wrong namespace, non-participating and
participating readers, members and public policies), immutability, yank, adoptions, sha256
mismatch, invalid models (422 with findings), the upload limit (413), ETag/304, search and the
one error shape.
"""

import hashlib
import json

import pytest
import requests

from procex.exchange.library import package
from procex.exchange.server import admin
from tests.libserver import assert_error, manifest_for, tiny_model


@pytest.fixture
def lib(servers):
    return servers("reciprocal")


# --- access matrix ------------------------------------------------------------------------------


def test_no_token_is_401_everywhere_but_health(lib):
    trier = lib.member()
    assert lib.publish(trier)[0].status_code == 201
    for path in (
        "/me",
        "/processes",
        f"/processes/{trier.slug}/gewerbeanmeldung",
        f"/processes/{trier.slug}/gewerbeanmeldung/1.0.0",
        f"/processes/{trier.slug}/gewerbeanmeldung/1.0.0/model",
        f"/processes/{trier.slug}/gewerbeanmeldung/adoptions",
    ):
        error = assert_error(lib.get(path), 401, "unauthorized")
        assert "token" in error["message"]
    model = tiny_model()
    response = lib.put_package(None, manifest_for(trier.slug, "anders", "1.0.0", model), model)
    assert_error(response, 401, "unauthorized")
    assert lib.get("/health").status_code == 200


def test_revoked_and_unknown_tokens_are_401(lib):
    member = lib.member()
    assert lib.get("/me", member).status_code == 200
    admin.token_revoke(lib.db, member.token[:12])
    error = assert_error(lib.get("/me", member), 401, "unauthorized")
    assert "revoked" in error["message"]
    assert_error(lib.get("/me", headers={"Authorization": "Bearer pxl_not-a-token"}), 401, "unauthorized")
    assert_error(lib.get("/me", headers={"Authorization": "Basic dXNlcjpwdw=="}), 401, "unauthorized")


def test_publishing_under_another_members_name_is_403(lib):
    trier, koblenz = lib.member(), lib.member()
    model = tiny_model()
    manifest = manifest_for(trier.slug, "gewerbeanmeldung", "1.0.0", model)
    error = assert_error(lib.put_package(koblenz, manifest, model), 403, "wrong_namespace")
    assert koblenz.slug in error["message"] and trier.slug in error["message"]
    assert lib.get(f"/processes/{trier.slug}/gewerbeanmeldung", trier).status_code == 404
    # Nor may another member yank it.
    assert lib.publish(trier)[0].status_code == 201
    response = lib.post(f"/processes/{trier.slug}/gewerbeanmeldung/1.0.0/yank", koblenz, json={"reason": "x"})
    assert_error(response, 403, "wrong_namespace")


def test_non_participating_reader_gets_403_naming_the_agreement(lib):
    trier, koblenz = lib.member(), lib.member(agreed=False)
    assert lib.publish(trier)[0].status_code == 201
    assert lib.publish(koblenz, slug="hundesteuer")[0].status_code == 201
    base = f"/processes/{trier.slug}/gewerbeanmeldung"
    for path in (
        base,
        f"{base}/1.0.0",
        f"{base}/1.0.0/model",
        f"{base}/adoptions",
        "/processes",
        f"/processes?publisher={trier.slug}",
    ):
        error = assert_error(lib.get(path, koblenz), 403, "agreement_required")
        assert "sharing agreement" in error["message"] and f"member agree {koblenz.slug}" in error["message"]
    # Its own processes it may always read, and search.
    own = f"/processes/{koblenz.slug}/hundesteuer"
    assert lib.get(own, koblenz).status_code == 200
    assert lib.get(f"{own}/1.0.0/model", koblenz).status_code == 200
    found = lib.get(f"/processes?publisher={koblenz.slug}", koblenz).json()
    assert [item["slug"] for item in found["items"]] == ["hundesteuer"]
    me = lib.get("/me", koblenz).json()
    assert me["may_read"] is False and me["member"]["agreement"] is None
    # Once the agreement is recorded, it reads others' processes.
    admin.member_agree(lib.db, koblenz.slug, "dl-de/by-2-0")
    assert lib.get(base, koblenz).status_code == 200
    assert lib.get("/me", koblenz).json()["may_read"] is True


def test_participating_reader_reads_everything(lib):
    trier, koblenz = lib.member(), lib.member()
    _, manifest, model = lib.publish(trier)
    base = f"/processes/{trier.slug}/gewerbeanmeldung"
    process = lib.get(base, koblenz).json()
    assert process["latest"] == "1.0.0" and [v["version"] for v in process["versions"]] == ["1.0.0"]
    served = lib.get(f"{base}/1.0.0", koblenz).json()
    assert package.publisher_fields(served) == package.publisher_fields(manifest)
    assert served["published_at"].endswith("Z")
    download = lib.get(f"{base}/1.0.0/model", koblenz)
    assert download.status_code == 200 and download.content == model
    assert download.headers["ETag"] == f'"{hashlib.sha256(model).hexdigest()}"'
    assert download.headers["Content-Type"].startswith("application/xml")
    me = lib.get("/me", koblenz).json()
    assert me["member"]["slug"] == koblenz.slug and me["may_read"] is True
    assert me["member"]["agreement"]["license"] == "dl-de/by-2-0"


def test_members_policy_lets_any_member_read(servers):
    lib = servers("members")
    trier, koblenz = lib.member(), lib.member(agreed=False)
    assert lib.publish(trier)[0].status_code == 201
    assert lib.get(f"/processes/{trier.slug}/gewerbeanmeldung/1.0.0/model", koblenz).status_code == 200
    assert lib.get("/me", koblenz).json()["may_read"] is True
    assert_error(lib.get(f"/processes/{trier.slug}/gewerbeanmeldung"), 401, "unauthorized")


def test_public_policy_reads_without_token_but_writes_need_one(servers):
    lib = servers("public")
    trier = lib.member(agreed=False)
    _, manifest, model = lib.publish(trier)
    assert lib.get(f"/processes/{trier.slug}/gewerbeanmeldung/1.0.0/model").content == model
    assert lib.get(f"/processes?q=gewerbe&publisher={trier.slug}").json()["total"] == 1
    assert lib.get("/me").json() == {
        "member": None,
        "policy": "public",
        "may_read": True,
        "may_publish": False,
        "publishes_as": None,
    }
    other = tiny_model(task="Etwas anderes")
    response = lib.put_package(None, manifest_for(trier.slug, "zweiter", "1.0.0", other), other)
    assert_error(response, 401, "unauthorized")
    assert_error(lib.post(f"/processes/{trier.slug}/gewerbeanmeldung/1.0.0/adoptions"), 401, "unauthorized")
    # A revoked token is refused even where no token is needed: the caller meant to be someone.
    admin.token_revoke(lib.db, trier.token[:12])
    assert_error(lib.get("/processes", trier), 401, "unauthorized")


# --- publishing -------------------------------------------------------------------------------------


def test_versions_are_immutable(lib):
    trier = lib.member()
    response, manifest, model = lib.publish(trier)
    assert response.status_code == 201
    assert response.headers["Location"] == f"/api/v1/processes/{trier.slug}/gewerbeanmeldung/1.0.0"
    first = response.json()
    again = lib.put_package(trier, manifest, model)
    assert again.status_code == 200 and again.json() == first  # same bytes: the stored original
    other = tiny_model(task="Antrag anders prüfen")
    error = assert_error(
        lib.put_package(trier, manifest_for(trier.slug, "gewerbeanmeldung", "1.0.0", other), other),
        409,
        "version_exists",
    )
    assert {"field": "model"} in error["details"]
    renamed = dict(manifest, description="geändert")
    error = assert_error(lib.put_package(trier, renamed, model), 409, "version_exists")
    assert error["details"] == [{"field": "description"}]
    assert lib.get(f"/processes/{trier.slug}/gewerbeanmeldung/1.0.0/model", trier).content == model


def test_sha256_mismatch_is_refused_and_nothing_stored(lib):
    trier = lib.member()
    model = tiny_model()
    manifest = manifest_for(trier.slug, "gewerbeanmeldung", "1.0.0", model)
    damaged = model.replace(b"Antrag", b"Antraq")
    error = assert_error(lib.put_package(trier, manifest, damaged), 422, "sha256_mismatch")
    assert error["details"][0]["received_sha256"] == hashlib.sha256(damaged).hexdigest()
    assert lib.get(f"/processes/{trier.slug}/gewerbeanmeldung", trier).status_code == 404


@pytest.mark.parametrize(
    "model, code",
    [
        (b"<not xml", "not-readable"),
        (tiny_model().replace(b'<bpmn:task id="task"', b'<bpmn:task id="task" bogus="1"'), None),
        (tiny_model().replace(b"</bpmn:process>", b"<bpmn:notAnElement/></bpmn:process>"), None),
        (tiny_model().replace(b'targetRef="end"', b'targetRef="nowhere"'), None),  # dangling reference
    ],
)
def test_invalid_model_is_refused_with_findings(lib, model, code):
    trier = lib.member()
    manifest = manifest_for(trier.slug, "kaputt", "1.0.0", model)
    error = assert_error(lib.put_package(trier, manifest, model), 422, "invalid_model")
    errors = [finding for finding in error["details"] if finding["severity"] == "error"]
    assert errors and all(set(f) >= {"code", "severity", "message", "line", "element"} for f in errors)
    if code:
        assert errors[0]["code"] == code
    assert any(finding["line"] for finding in errors)
    assert lib.get(f"/processes/{trier.slug}/kaputt", trier).status_code == 404


def test_invalid_manifest_and_mismatched_names_are_422(lib):
    trier = lib.member()
    model = tiny_model()
    manifest = manifest_for(trier.slug, "gewerbeanmeldung", "1.0.0", model)
    bad = dict(manifest, leistungsschluessel=["123"], region={"ags": "7211", "name": "Trier"})
    error = assert_error(lib.put_package(trier, bad, model), 422, "invalid_manifest")
    assert {d["path"] for d in error["details"]} == {"leistungsschluessel/0", "region/ags"}
    assert "14 digits" in error["message"] or "8 digits" in error["message"]
    error = assert_error(lib.put_package(trier, manifest, model, version="2.0.0"), 422, "manifest_mismatch")
    assert "1.0.0" in error["message"] and "2.0.0" in error["message"]
    assert_error(lib.put_package(trier, manifest, model, version="1.0"), 422, "invalid_request")
    files = {"manifest": (None, "{not json")}
    response = requests.put(f"{lib.api}/processes/{trier.slug}/x/1.0.0", files=files, headers=trier.headers)
    assert_error(response, 422, "missing_part")
    files["model"] = ("x.bpmn", model)
    response = requests.put(f"{lib.api}/processes/{trier.slug}/x/1.0.0", files=files, headers=trier.headers)
    assert_error(response, 422, "invalid_manifest")
    response = requests.put(f"{lib.api}/processes/{trier.slug}/x/1.0.0", json=manifest, headers=trier.headers)
    assert_error(response, 415, "unsupported_media_type")


def test_upload_over_the_limit_is_413(lib):
    trier = lib.member()
    big = tiny_model(padding=33 * 1024 * 1024)
    manifest = manifest_for(trier.slug, "gross", "1.0.0", big)
    error = assert_error(lib.put_package(trier, manifest, big), 413, "too_large")
    assert "32 MiB" in error["message"]

    def chunks():  # no Content-Length: the limit is enforced while reading
        boundary = b"--b0undary\r\n"
        yield boundary + b'Content-Disposition: form-data; name="manifest"\r\n\r\n' + json.dumps(manifest).encode()
        yield b"\r\n" + boundary + b'Content-Disposition: form-data; name="model"; filename="g.bpmn"\r\n\r\n'
        for start in range(0, len(big), 1 << 20):
            yield big[start : start + (1 << 20)]
        yield b"\r\n--b0undary--\r\n"

    response = requests.put(
        f"{lib.api}/processes/{trier.slug}/gross/1.0.0",
        data=chunks(),
        timeout=120,
        headers=dict(trier.headers, **{"Content-Type": "multipart/form-data; boundary=b0undary"}),
    )
    assert_error(response, 413, "too_large")
    assert lib.get(f"/processes/{trier.slug}/gross", trier).status_code == 404


def test_derived_from_must_name_a_stored_version_and_its_sha256(lib):
    trier, koblenz = lib.member(), lib.member()
    _, original, model = lib.publish(trier)
    ref = f"{trier.slug}/gewerbeanmeldung@1.0.0"
    adapted = tiny_model(task="Antrag im Bürgeramt prüfen")
    response, _, _ = lib.publish(koblenz, model=adapted, derived_from={"ref": ref, "sha256": "0" * 64})
    assert_error(response, 422, "derived_from_mismatch")
    response, _, _ = lib.publish(
        koblenz, model=adapted, derived_from={"ref": f"{trier.slug}/fehlt@1.0.0", "sha256": "0" * 64}
    )
    assert_error(response, 422, "unknown_derived_from")
    response, _, _ = lib.publish(
        koblenz, model=adapted, derived_from={"ref": ref, "sha256": original["model"]["sha256"]}
    )
    assert response.status_code == 201
    found = lib.get(f"/processes?publisher={koblenz.slug}", koblenz).json()["items"][0]
    assert found["derived_from"]["ref"] == ref


# --- yank and adoptions ----------------------------------------------------------------------------


def test_yank_marks_keeps_and_excludes_from_latest(lib):
    trier, koblenz = lib.member(), lib.member()
    base = f"/processes/{trier.slug}/gewerbeanmeldung"
    assert lib.publish(trier, version="1.0.0")[0].status_code == 201
    second_model = tiny_model(task="Antrag elektronisch prüfen")
    assert lib.publish(trier, version="1.10.0", model=second_model)[0].status_code == 201
    assert lib.publish(trier, version="1.9.0", model=tiny_model(task="Neun"))[0].status_code == 201
    assert lib.get(base, koblenz).json()["latest"] == "1.10.0"  # semantic order, not text order
    assert_error(lib.post(f"{base}/1.10.0/yank", trier, json={}), 422, "invalid_request")
    response = lib.post(f"{base}/1.10.0/yank", trier, json={"reason": "Falsche Rechtsgrundlage"})
    assert response.status_code == 200
    assert response.json()["yanked"]["reason"] == "Falsche Rechtsgrundlage"
    process = lib.get(base, koblenz).json()
    assert process["latest"] == "1.9.0"
    marks = {v["version"]: v["yanked"] for v in process["versions"]}
    assert marks["1.10.0"]["reason"] == "Falsche Rechtsgrundlage" and marks["1.9.0"] is None
    assert [v["version"] for v in process["versions"]] == ["1.10.0", "1.9.0", "1.0.0"]
    download = lib.get(f"{base}/1.10.0/model", koblenz)
    assert download.status_code == 200 and download.content == second_model
    assert download.headers["X-Procex-Yanked"] == "true"
    assert lib.get(f"{base}/1.10.0", koblenz).json()["yanked"]["reason"] == "Falsche Rechtsgrundlage"
    assert lib.get(f"{base}/latest", koblenz).json()["version"] == "1.9.0"
    hits = lib.get(f"/processes?publisher={trier.slug}", koblenz).json()["items"]
    assert [hit["latest"] for hit in hits] == ["1.9.0"]
    # Yanking everything leaves no latest: the process drops out of search, versions stay.
    for version in ("1.9.0", "1.0.0"):
        assert lib.post(f"{base}/{version}/yank", trier, json={"reason": "zurückgezogen"}).status_code == 200
    assert lib.get(base, koblenz).json()["latest"] is None
    assert_error(lib.get(f"{base}/latest", koblenz), 404, "not_found")
    assert lib.get(f"/processes?publisher={trier.slug}", koblenz).json()["total"] == 0
    assert lib.get(f"{base}/1.0.0/model", koblenz).status_code == 200


def test_adoptions_are_recorded_once_and_listed(lib):
    trier, koblenz, mayen = lib.member(), lib.member(), lib.member(agreed=False)
    lib.publish(trier)
    base = f"/processes/{trier.slug}/gewerbeanmeldung"
    first = lib.post(f"{base}/1.0.0/adoptions", koblenz)
    assert first.status_code == 201
    assert first.json()["adopter"]["slug"] == koblenz.slug and first.json()["version"] == "1.0.0"
    again = lib.post(f"{base}/1.0.0/adoptions", koblenz)
    assert again.status_code == 200 and again.json() == first.json()
    assert_error(lib.post(f"{base}/1.0.0/adoptions", trier), 422, "own_process")
    assert_error(lib.post(f"{base}/1.0.0/adoptions", mayen), 403, "agreement_required")
    assert_error(lib.post(f"{base}/9.9.9/adoptions", koblenz), 404, "not_found")
    listing = lib.get(f"{base}/adoptions", trier).json()
    assert listing["total"] == 1
    assert listing["items"][0]["adopter"] == {
        "slug": koblenz.slug,
        "name": f"Gemeinde {koblenz.slug}",
        "ags": "07211000",
    }
    assert lib.get(base, trier).json()["adoptions"] == 1


# --- reading ---------------------------------------------------------------------------------------


def test_model_etag_and_conditional_get(lib):
    trier = lib.member()
    _, _, model = lib.publish(trier)
    url = f"/processes/{trier.slug}/gewerbeanmeldung/1.0.0/model"
    etag = lib.get(url, trier).headers["ETag"]
    assert etag == f'"{hashlib.sha256(model).hexdigest()}"'
    cached = lib.get(url, trier, headers={"If-None-Match": etag})
    assert cached.status_code == 304 and cached.content == b"" and cached.headers["ETag"] == etag
    assert lib.get(url, trier, headers={"If-None-Match": f'"other", W/{etag}'}).status_code == 304
    assert lib.get(url, trier, headers={"If-None-Match": '"stale"'}).status_code == 200


def test_search_reads_names_keywords_and_task_labels(lib):
    trier = lib.member()
    lib.publish(
        trier,
        slug="hundesteuer",
        name="Hundesteuer Anmeldung",
        keywords=["Hund"],
        leistungsschluessel=["99102013104000"],
        model=tiny_model(task="Hundemarke ausgeben"),
    )
    lib.publish(trier, slug="gewerbe", model=tiny_model(task="Gewerbeerlaubnis prüfen"))
    mine = f"&publisher={trier.slug}"

    def slugs(query):
        body = lib.get(f"/processes?{query}{mine}", trier).json()
        assert body["total"] == len(body["items"])
        return sorted(item["slug"] for item in body["items"])

    assert slugs("q=hundemarke") == ["hundesteuer"]  # task label only in the model
    assert slugs("q=GEWERBEERLAUBNIS+pruefen") == ["gewerbe"]  # case and umlaut folding, all words
    assert slugs("q=prüfen") == ["gewerbe"]
    assert slugs("q=hund") == ["hundesteuer"]  # keyword / name
    assert slugs("q=ordnungsamt") == ["gewerbe", "hundesteuer"]  # description
    assert slugs("q=100%25") == []  # LIKE wildcards are literal
    assert slugs("leistungsschluessel=99102013104000") == ["hundesteuer"]
    assert slugs("q=") == ["gewerbe", "hundesteuer"]
    page = lib.get(f"/processes?per_page=1&page=2{mine}", trier).json()
    assert page["total"] == 2 and len(page["items"]) == 1 and page["items"][0]["slug"] == "hundesteuer"
    assert_error(lib.get("/processes?leistungsschluessel=1", trier), 422, "invalid_request")


def test_every_error_has_one_shape(lib):
    trier = lib.member()
    assert_error(lib.get("/nowhere", trier), 404, "not_found")
    assert_error(requests.delete(f"{lib.api}/me", headers=trier.headers), 405, "method_not_allowed")
    assert_error(lib.get("/processes?page=0", trier), 422, "invalid_request")
    assert_error(lib.get("/processes/UPPER/x", trier), 422, "invalid_request")
    assert_error(lib.get(f"/processes/{trier.slug}/nothing", trier), 404, "not_found")
    assert_error(lib.get(f"/processes/{trier.slug}/nothing/1.0.0/model", trier), 404, "not_found")
    openapi = requests.get(f"{lib.url}/openapi.json").json()
    assert "/api/v1/processes/{publisher}/{slug}/{version}" in openapi["paths"]
