"""schemathesis (--checks all, every operation) against the running library server, on SQLite and
PostgreSQL, with a member's token, another member's, and none.

Two address modes: free path parameters (mostly 4xx edges: patterns, limits, auth), and the path
of a real published process of the first member, so that generated bodies and queries reach the
publish, yank, adoption and download code. The promise: no server error, no status code the
OpenAPI document does not declare, no answer that breaks its declared schema, content type or
headers, and no failure of the other checks either, except "schema-valid request rejected"
(ST202), which a library with semantic checks cannot pass: a schema-valid manifest string need
not be a manifest, a cursor must come from the previous page, nobody adopts their own process.
bench/server_schemathesis.py runs the same at a large count and prints the figures.
"""

import os

import pytest

from tests import libserver
from tests.schemathesis_runs import REAL_PROCESS, run, schemathesis_command, seeded_library, summary

# Hundreds of generated requests per case (8-11 s each): the slow tier, not `make test-fast`.
pytestmark = pytest.mark.slow

EXAMPLES = int(os.environ.get("PROCEX_SCHEMATHESIS_EXAMPLES", "8"))
ACCEPTED = {"ST202 RejectedPositiveData"}  # see the module docstring


@pytest.fixture(scope="module", params=libserver.BACKENDS)
def library(request, tmp_path_factory):
    try:
        schemathesis_command()
    except RuntimeError as error:
        pytest.skip(str(error))
    tmp = tmp_path_factory.mktemp(f"schemathesis-{request.param}")
    lib, cleanup, callers = seeded_library(request.param, tmp)
    yield lib, callers, tmp, request.param
    lib.stop()
    cleanup()


# The owner's token on free and real addresses; the other member's and none on the real process
# (on free addresses they meet the same 401/403/404/422 edges as the owner). The bench runs all six.
@pytest.mark.parametrize("caller, mode", [("owner", "free"), ("owner", "real"), ("other", "real"), ("none", "real")])
def test_generated_requests_meet_the_openapi_document(library, caller, mode):
    lib, callers, tmp, backend = library
    name = f"{backend}-{caller}-{mode}"
    report, output = run(
        lib,
        callers[caller],
        tmp,
        name,
        REAL_PROCESS if mode == "real" else "",
        EXAMPLES,
        20261206,
        "examples,coverage,fuzzing,stateful",
    )
    figures = summary(report)
    assert figures["operations"] == 13 and figures["test_cases"] > 100, figures
    unexpected = {check: count for check, count in figures["failures"].items() if check not in ACCEPTED}
    assert figures["promised_failures"] == 0 and not unexpected and figures["errors"] == 0, (
        figures,
        output[-6000:],
        lib.log()[-3000:],
    )


def test_the_published_versions_are_whole_after_the_onslaught(library):
    lib, callers, _, _ = library
    for version in ("1.0.0", "1.1.0"):
        assert lib.get(f"/processes/stadt/gewerbe/{version}/model", callers["other"]).status_code == 200
