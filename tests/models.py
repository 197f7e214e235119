"""The BPMN models several test modules share, kept as files in tests/fixtures/models/.

A model a single test module needs stays in that module; one that others reuse lives here, so that
test modules import models, not each other.
"""

from pathlib import Path

FOLDER = Path(__file__).resolve().parent / "fixtures" / "models"


def read(name: str) -> bytes:
    return (FOLDER / name).read_bytes()


# Two lanes, gateways, a sub-process, a vendor extension, full diagram data: the diff's test model.
MODEL = read("lanes-and-flows.bpmn").decode("utf-8")
# A small process in lanes with diagram data: what the editing and workspace tests start from.
SMALL = read("small-with-lanes.bpmn")
# Stadt Trier's Gewerbe process in a pool, before any mapping rule: the adaptation tests' upstream.
UPSTREAM = read("gewerbe-upstream.bpmn")
