"""exchange.package: references, versions, digests and manifest validation (no server needed)."""

import hashlib

import pytest

from procex.exchange.library import package
from tests.libserver import manifest_for, tiny_model


def test_parse_ref():
    assert package.parse_ref("trier/gewerbeanmeldung@1.2.3") == ("trier", "gewerbeanmeldung", "1.2.3")
    assert str(package.parse_ref(" trier/gewerbe ")) == "trier/gewerbe"
    with pytest.raises(package.PackageError, match="names no version"):
        package.parse_ref("trier/gewerbe", require_version=True)
    for bad in ("Trier/gewerbe@1.0.0", "trier@1.0.0", "trier/gewerbe@1.0", "trier/-x@1.0.0", "a/b@01.0.0", ""):
        with pytest.raises(package.PackageError):
            package.parse_ref(bad)


def test_versions_order_numerically():
    versions = ["1.10.0", "1.9.0", "0.1.0", "2.0.0", "1.9.10"]
    assert sorted(versions, key=package.version_key) == ["0.1.0", "1.9.0", "1.9.10", "1.10.0", "2.0.0"]
    assert sorted(versions, key=package.version_sort_text) == sorted(versions, key=package.version_key)
    assert package.latest_version(versions) == "2.0.0" and package.latest_version([]) is None
    for bad in ("1.0", "1.0.0-beta", "v1.0.0", "1.01.0", None):
        with pytest.raises(package.PackageError):
            package.parse_version(bad)


def test_build_manifest_computes_digest_and_validates():
    model = tiny_model()
    manifest = manifest_for("trier", "gewerbe", "1.0.0", model, detaillierungsstufe=103, status=5)
    assert manifest["model"] == {
        "file": "gewerbe.bpmn",
        "size": len(model),
        "sha256": hashlib.sha256(model).hexdigest(),
    }
    assert package.manifest_problems(manifest) == []
    assert package.sha256_bytes(model) == manifest["model"]["sha256"]


def test_manifest_problems_name_each_field():
    manifest = manifest_for("trier", "gewerbe", "1.0.0", tiny_model())
    bad = dict(
        manifest,
        leistungsschluessel=["9905001210400"],
        detaillierungsstufe=106,
        status=0,
        contact={"office": "Ordnungsamt"},
        extra=1,
        derived_from={"ref": "koblenz/gewerbe", "sha256": "A" * 64},
    )
    problems = {p["path"]: p["message"] for p in package.manifest_problems(bad)}
    assert set(problems) == {
        "leistungsschluessel/0",
        "detaillierungsstufe",
        "status",
        "contact",
        "",
        "derived_from/ref",
        "derived_from/sha256",
    }
    assert "14 digits" in problems["leistungsschluessel/0"]
    assert "mailbox" in problems["contact"]
    with pytest.raises(package.ManifestError, match="invalid manifest.*Additional properties.*and 6 more") as caught:
        package.validate_manifest(bad)
    assert len(caught.value.problems) == 7
    assert package.manifest_problems([]) == [{"path": "", "message": "the manifest must be a JSON object"}]


def test_same_package_ignores_server_fields():
    manifest = manifest_for("trier", "gewerbe", "1.0.0", tiny_model())
    served = dict(manifest, published_at="2026-01-01T00:00:00Z", yanked={"reason": "x", "at": "y"})
    assert package.differing_fields(served, manifest) == []
    assert (
        package.differing_fields(
            dict(manifest, description=""), {k: v for k, v in manifest.items() if k != "description"}
        )
        == []
    )
    assert package.differing_fields(dict(manifest, name="Anders"), manifest) == ["name"]
