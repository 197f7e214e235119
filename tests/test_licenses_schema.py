"""The manifest schema's licence list is exchange.licenses' list: the server refuses what the client would."""

import json

from procex.exchange.library import licenses, package
from tests.conftest import REPO


def test_schema_enum_is_the_accepted_list():
    schema = json.loads((REPO / "schemas" / "manifest.schema.json").read_text("utf-8"))
    assert schema["properties"]["license"]["enum"] == list(licenses.LICENSES)


def test_a_manifest_with_another_licence_is_refused_with_the_list():
    from tests.libserver import manifest_for, tiny_model

    manifest = dict(manifest_for("trier", "gewerbe", "1.0.0", tiny_model()), license="whatever")
    assert package.manifest_problems(manifest) == [
        {
            "path": "license",
            "message": (
                "'whatever' is not an accepted licence for shared process models; use one of dl-de/by-2-0, "
                "dl-de/zero-2-0, CC-BY-4.0, CC-BY-SA-4.0, CC0-1.0, EUPL-1.2"
            ),
        }
    ]
