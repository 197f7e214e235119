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

# What a test model's elements go inside: definitions with the BPMN, DI, DC and XSI namespaces.
DEFINITIONS_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    b'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
    b'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" '
    b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="Defs" targetNamespace="https://example.org/t">\n'
)


def in_definitions(body: str) -> bytes:
    """A BPMN document of ``body`` (processes, collaborations, diagrams) in DEFINITIONS_HEAD."""
    return DEFINITIONS_HEAD + body.encode() + b"\n</definitions>\n"
