"""schemathesis runs against a real library server: the seeded library, one run, its summary.

Shared by tests/test_server_schemathesis.py (a small count in CI) and bench/server_schemathesis.py
(a large one, with the figures).
"""

import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

from procex.exchange.server import admin
from tests.libserver import LibraryServer, Member, make_db, manifest_for, tiny_model

# schemathesis failure types of the checks whose count must be 0.
PROMISED = {
    "ServerError": "server error (5xx)",
    "ContentTypeServerError": "server error (5xx)",
    "UndefinedStatusCode": "undeclared status code",
    "JsonSchemaError": "response schema conformance",
    "MalformedJson": "response schema conformance",
    "ContentDeserializationError": "response schema conformance",
    "MissingContentType": "response content type",
    "MalformedMediaType": "response content type",
    "UndefinedContentType": "response content type",
    "MissingHeaders": "response headers",
}
REAL_PROCESS = '[parameters]\n"path.publisher" = "stadt"\n"path.slug" = "gewerbe"\n"path.version" = "1.0.0"\n'


def schemathesis_command():
    found = shutil.which("schemathesis", path=str(Path(sys.executable).parent)) or shutil.which("schemathesis")
    if not found:
        raise RuntimeError("schemathesis is not installed: pip install -e '.[test]'")
    return found


def seeded_library(backend, tmp):
    db, cleanup = make_db(backend, tmp)
    lib = LibraryServer(db, log_dir=tmp).start()
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
    return lib, cleanup, {"owner": stadt, "other": nachbar, "none": None}


def run(lib, member, tmp, name, config, max_examples, seed, phases):
    """One schemathesis run: its JSON report as a dict, and its console output."""
    config_file = Path(tmp) / f"{name}.toml"
    config_file.write_text(config)
    report = Path(tmp) / f"{name}.json"
    command = [
        schemathesis_command(),
        "--config-file",
        str(config_file),
        "run",
        f"{lib.url}/openapi.json",
        "--checks",
        "all",
        "--max-examples",
        str(max_examples),
        "--seed",
        str(seed),
        "--generation-database",
        "none",
        "--no-color",
        "--request-timeout",
        "60",
        "--phases",
        phases,
        "--continue-on-failure",
        "--report",
        "json",
        "--report-json-path",
        str(report),
    ]
    if member is not None:
        command += ["-H", f"Authorization: Bearer {member.token}"]
    result = subprocess.run(command, capture_output=True, text=True, cwd=tmp, timeout=7200)
    if not report.exists():
        raise SystemExit(
            f"schemathesis wrote no report ({result.returncode}):\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
        )
    return json.loads(report.read_text()), result.stdout


def summary(report):
    failures = Counter()
    for failure in report.get("failures", []):
        failures[f"{failure['code']} {failure['type']}"] += failure["count"]
    return {
        "test_cases": report["test_cases"]["generated"],
        "operations": report["operations"]["tested"],
        "failures": dict(failures),
        "promised_failures": sum(count for key, count in failures.items() if key.split(" ", 1)[1] in PROMISED),
        "errors": len(report.get("errors", [])),
        "seconds": round(report.get("running_time", 0), 1),
    }
