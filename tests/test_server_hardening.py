"""Regression tests for the server findings of the outside review (issue 15), on SQLite and PostgreSQL.

1. NUL in a search: 500 on PostgreSQL. 2. Lone surrogates and NUL in manifests and yank reasons:
500s. 3. Concurrent identical adoptions: UniqueViolation 500 on PostgreSQL. 7. The OpenAPI
document did not declare 401/403/404. 8. model.file accepted '..' and U+202E. Every refusal is
one rule (library.text_rules) with a 422 naming the field, the same on both backends.
"""

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from procex.exchange.library import error_codes, package, text_rules
from tests import libserver
from tests.libserver import manifest_for, tiny_model

servers = libserver.servers  # the fixture: each test runs on SQLite and on PostgreSQL


def _error(response, status, code):
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code, error
    return error


# --- 1: NUL (and other control characters) in a search -------------------------------------------


@pytest.mark.parametrize("q", ["\x00", "Gewerbe\x00", "\x1b]0;title\x07", "\x9b"])
def test_a_control_character_in_a_search_is_a_422_naming_q_on_both_backends(servers, q):
    lib = servers("public")  # no token needed: the finding was reachable by anyone
    error = _error(lib.get("/processes", params={"q": q}), 422, error_codes.INVALID_REQUEST)
    assert error["details"][0]["location"] == "query.q"
    assert "control character" in error["message"]


def test_a_nul_in_the_start_page_search_is_a_page_not_a_500(servers):
    lib = servers("public")
    response = requests.get(f"{lib.url}/", params={"q": "\x00"}, timeout=30)
    assert response.status_code == 400 and response.headers["content-type"].startswith("text/html")
    assert requests.get(f"{lib.url}/", params={"q": "Gewerbe"}, timeout=30).status_code == 200


def test_a_nul_in_a_path_parameter_is_a_422(servers):
    lib = servers()
    member = lib.member()
    error = _error(lib.get("/processes/a%00b/gewerbe", member), 422, error_codes.INVALID_REQUEST)
    assert error["details"][0]["location"] == "path.publisher"


def test_tabs_line_breaks_and_any_letters_are_searchable(servers):
    lib = servers("public")
    for q in ("Gewerbe\tanmelden", "Straße\n", "عربى 😀"):
        assert lib.get("/processes", params={"q": q}).status_code == 200


# --- 2: manifest strings and yank reasons ------------------------------------------------------


BAD_TEXTS = ["x\ud800", "\udfff", "a\x00b", "\x1b[31m", "\x7f"]
TEXT_FIELDS = {
    "name": lambda m, t: m.update(name=t),
    "description": lambda m, t: m.update(description=t),
    "keywords/0": lambda m, t: m.update(keywords=[t]),
    "legal_basis/0": lambda m, t: m.update(legal_basis=[t]),
    "region/name": lambda m, t: m["region"].update(name=t),
    "contact/office": lambda m, t: m["contact"].update(office=t),
}


def _put_raw(lib, member, manifest, model, as_field=False):
    """PUT with the manifest JSON as sent (lone surrogates as \\u escapes), as a file part or a field."""
    body = json.dumps(manifest)  # ensure_ascii: a lone surrogate travels as \\ud800
    url = f"{lib.api}/processes/{manifest['publisher']}/{manifest['slug']}/{manifest['version']}"
    if as_field:
        files = {"manifest": (None, body), "model": ("m.bpmn", model, "application/xml")}
    else:
        files = {"manifest": ("manifest.json", body, "application/json"), "model": ("m.bpmn", model, "application/xml")}
    return requests.put(url, files=files, headers=member.headers, timeout=60)


@pytest.mark.parametrize("field", sorted(TEXT_FIELDS))
def test_bad_text_in_any_manifest_field_is_a_422_naming_it(servers, field):
    lib = servers()
    member = lib.member()
    model = tiny_model()
    for number, text in enumerate(BAD_TEXTS):
        manifest = manifest_for(member.slug, "gewerbe", f"1.0.{number}", model)
        TEXT_FIELDS[field](manifest, text)
        for as_field in (False, True):
            error = _error(_put_raw(lib, member, manifest, model, as_field), 422, error_codes.INVALID_MANIFEST)
            assert [problem["path"] for problem in error["details"]] == [field], error
            assert "surrogate" in error["message"] or "control character" in error["message"]
    assert lib.get(f"/processes/{member.slug}/gewerbe", member).status_code == 404  # nothing stored


def test_bad_text_in_a_manifest_key_is_a_422(servers):
    lib = servers()
    member = lib.member()
    model = tiny_model()
    manifest = manifest_for(member.slug, "gewerbe", "1.0.0", model)
    manifest["\x00\ud800"] = "x"
    error = _error(_put_raw(lib, member, manifest, model), 422, error_codes.INVALID_MANIFEST)
    assert "\\x00" in error["message"]


@pytest.mark.parametrize("reason", ["a\x00b", "x\ud800", "\x1b]0;pwned\x07"])
def test_bad_text_in_a_yank_reason_is_a_422_naming_body_reason(servers, reason):
    lib = servers()
    member = lib.member()
    response, _, _ = lib.publish(member, slug="gewerbe")
    assert response.status_code == 201, response.text
    body = json.dumps({"reason": reason})
    response = lib.post(
        f"/processes/{member.slug}/gewerbe/1.0.0/yank",
        member,
        data=body,
        headers={"Content-Type": "application/json"},
    )
    error = _error(response, 422, error_codes.INVALID_REQUEST)
    assert error["details"][0]["location"] == "body.reason"
    manifest = lib.get(f"/processes/{member.slug}/gewerbe/1.0.0", member).json()
    assert "yanked" not in manifest


def test_text_with_tabs_line_breaks_and_any_script_is_stored_unchanged(servers):
    lib = servers()
    member = lib.member()
    text = "Gewerbe\tan- und abmelden\r\nمرحبا 😀 Straße"
    response, manifest, _ = lib.publish(member, slug="gewerbe", description=text, keywords=["😀", "Straße"])
    assert response.status_code == 201, response.text
    stored = lib.get(f"/processes/{member.slug}/gewerbe/1.0.0", member).json()
    assert stored["description"] == text and stored["keywords"] == ["😀", "Straße"]
    reason = "Ersetzt durch 2.0.0\n(Tab:\t)"
    response = lib.post(f"/processes/{member.slug}/gewerbe/1.0.0/yank", member, json={"reason": reason})
    assert response.status_code == 200 and response.json()["yanked"]["reason"] == reason


# --- 3: concurrent identical adoptions ---------------------------------------------------------


def test_concurrent_identical_adoptions_record_one_adoption_each(servers):
    """8 × 30: thirty members each send the same adoption 8 times at once."""
    lib = servers()
    publisher = lib.member()
    response, _, _ = lib.publish(publisher, slug="gewerbe")
    assert response.status_code == 201, response.text
    adopters = [lib.member(prefix="a") for _ in range(30)]
    path = f"{lib.api}/processes/{publisher.slug}/gewerbe/1.0.0/adoptions"
    statuses = []
    with ThreadPoolExecutor(max_workers=8) as pool:
        for adopter in adopters:
            burst = [pool.submit(requests.post, path, headers=adopter.headers, timeout=120) for _ in range(8)]
            round_statuses = sorted(future.result().status_code for future in burst)
            statuses += round_statuses
            assert round_statuses == [200] * 7 + [201], round_statuses
    assert len(statuses) == 240 and not [status for status in statuses if status >= 500]
    listed = lib.get(f"/processes/{publisher.slug}/gewerbe/adoptions", publisher).json()
    assert listed["total"] == 30
    assert sorted(item["adopter"]["slug"] for item in listed["items"]) == sorted(a.slug for a in adopters)


# --- 8: model.file -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "file_name",
    [
        "../gewerbe.bpmn",
        "a/b.bpmn",
        "a\\b.bpmn",
        "gewerbe\u202enpmb.exe",
        "x..bpmn",
        ".bpmn",
        "gewerbe.exe",
        "g\x00.bpmn",
    ],
)
def test_unsafe_model_file_names_are_refused_by_server_and_client_alike(servers, file_name):
    lib = servers()
    member = lib.member()
    model = tiny_model()
    manifest = manifest_for(member.slug, "gewerbe", "1.0.0", model)
    manifest["model"]["file"] = file_name
    assert [problem["path"] for problem in package.manifest_problems(manifest)] == ["model/file"]  # the client
    error = _error(_put_raw(lib, member, manifest, model), 422, error_codes.INVALID_MANIFEST)
    assert [problem["path"] for problem in error["details"]] == ["model/file"]


@pytest.mark.parametrize(
    "file_name", ["gewerbe.bpmn", "Gewerbe Übersicht (2).bpmn", "prozess_v1.2.bpmn2", "GEWERBE.XML"]
)
def test_ordinary_model_file_names_are_accepted(file_name):
    manifest = manifest_for("trier", "gewerbe", "1.0.0", tiny_model())
    manifest["model"]["file"] = file_name
    assert package.manifest_problems(manifest) == []


# --- 7: the OpenAPI document -------------------------------------------------------------------


def test_every_operation_declares_its_error_answers_with_the_error_schema(servers):
    lib = servers()
    document = requests.get(f"{lib.url}/openapi.json", timeout=30).json()
    operations = [(path, method, op) for path, ops in document["paths"].items() for method, op in ops.items()]
    assert len(operations) >= 11
    for path, method, operation in operations:
        declared = operation["responses"]
        needs = {"413", "500", "503"}
        if operation.get("security"):
            needs |= {"401"}
        if operation.get("parameters"):
            needs |= {"422"} if any(p["in"] in ("path", "query") for p in operation["parameters"]) else set()
        if "{publisher}" in path:
            needs |= {"403"}
        assert needs <= set(declared), (method, path, sorted(declared))
        for status, answer in declared.items():
            if status[0] in "45":
                schema = answer["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorAnswer"}, (method, path, status)


def test_answers_without_a_token_are_declared_401s(servers):
    lib = servers()
    document = requests.get(f"{lib.url}/openapi.json", timeout=30).json()
    response = lib.get("/processes/someone/gewerbe/1.0.0")
    _error(response, 401, error_codes.UNAUTHORIZED)
    assert "401" in document["paths"]["/api/v1/processes/{publisher}/{slug}/{version}"]["get"]["responses"]


# --- the rule itself ---------------------------------------------------------------------------


def test_the_text_rule_names_the_first_bad_character():
    assert text_rules.text_problem("Gewerbe\tanmelden\r\n😀") is None
    assert text_rules.text_problem("ab\x00").startswith("contains U+0000 (NUL, a control character) at position 3")
    assert "lone surrogate" in text_rules.text_problem("\ud83d")
    assert text_rules.printable("a\x1b[0m\ud800") == "a\\u001b[0m\\ud800"
    found = list(text_rules.json_text_problems({"a": ["ok", "x\x00"], "b": {"c\x01": "d"}}))
    assert [where for where, _ in found] == [("a", 1), ("b", "c\\u0001")]


def test_the_manifest_schema_states_the_same_rule():
    assert package.manifest_schema()["$defs"]["text"]["pattern"] == text_rules.PATTERN


def test_a_database_that_cannot_be_reached_is_a_503_with_retry_after(tmp_path, monkeypatch):
    import sqlalchemy as sa
    from fastapi.testclient import TestClient

    from procex.exchange.server.api.app import create_app
    from procex.exchange.server.settings import Settings

    app = create_app(Settings(db=str(tmp_path / "library.sqlite"), policy="public"))

    def unreachable(*_args, **_kwargs):
        raise sa.exc.OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(app.state.store, "search_page", unreachable)
    response = TestClient(app, raise_server_exceptions=False).get("/api/v1/processes?q=x")
    _error(response, 503, error_codes.SERVICE_UNAVAILABLE)
    assert response.headers["Retry-After"] == "30"
