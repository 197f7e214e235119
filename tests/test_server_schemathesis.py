"""schemathesis against the running library server's /openapi.json: generated requests, no 5xx.

Two bounded runs: one with free path parameters (mostly 4xx edges: patterns, limits, auth), and
one whose path names a real published process of the caller, so that generated bodies and
queries reach the publish, yank, adoption and download code.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from procex.exchange.server import admin
from tests.libserver import LibraryServer, Member, manifest_for, tiny_model


def _schemathesis():
    found = shutil.which("schemathesis", path=str(Path(sys.executable).parent)) or shutil.which("schemathesis")
    if not found:
        pytest.skip("schemathesis is not installed (pip install -e '.[test]')")
    return found


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("schemathesis")
    with LibraryServer(str(tmp / "lib.sqlite"), log_dir=tmp) as lib:
        tokens = admin.seed(
            lib.db,
            [
                {"slug": "stadt", "name": "Stadt", "ags": "07211000", "license": "dl-de/by-2-0"},
                {"slug": "nachbar", "name": "Nachbar", "ags": "07111000", "license": "dl-de/by-2-0"},
            ],
        )
        stadt, nachbar = Member("stadt", tokens["stadt"]), Member("nachbar", tokens["nachbar"])
        for version in ("1.0.0", "1.1.0"):
            model = tiny_model(task=f"Prüfen {version}")
            response = lib.put_package(stadt, manifest_for("stadt", "gewerbe", version, model), model)
            assert response.status_code == 201, response.text
        yield lib, stadt, nachbar, tmp


def _run(lib, member, tmp, name, config=""):
    config_file = tmp / f"{name}.toml"
    config_file.write_text(config)
    command = [
        _schemathesis(),
        "--config-file",
        str(config_file),
        "run",
        f"{lib.url}/openapi.json",
        "--checks",
        "not_a_server_error",
        "--max-examples",
        "15",
        "--seed",
        "20240601",
        "--generation-database",
        "none",
        "--no-color",
        "--request-timeout",
        "30",
        "--phases",
        "coverage,fuzzing",
        "-H",
        f"Authorization: Bearer {member.token}",
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=tmp)  # its cache stays in tmp
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:] + lib.log()
    assert "passed" in result.stdout
    return result.stdout


def test_generated_requests_never_get_a_server_error(library):
    lib, stadt, _, tmp = library
    _run(lib, stadt, tmp, "free")


def test_generated_requests_on_a_real_process_never_get_a_server_error(library):
    lib, stadt, nachbar, tmp = library
    config = '[parameters]\n"path.publisher" = "stadt"\n"path.slug" = "gewerbe"\n"path.version" = "1.0.0"\n'
    _run(lib, stadt, tmp, "owner", config)
    _run(lib, nachbar, tmp, "reader", config)
    # The published versions are still whole after the onslaught.
    assert lib.get("/processes/stadt/gewerbe/1.1.0/model", nachbar).status_code == 200
