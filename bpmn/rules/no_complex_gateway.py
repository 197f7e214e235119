"""Avoid complex gateways.

Why: a complex gateway's behaviour lives in a free-text activation condition that readers and
most tools (and process engines) cannot interpret; the diagram alone does not say what happens.
How to fix: express the logic with exclusive, parallel or inclusive gateways and conditions.
"""
from ._util import describe, finding

ID = "no-complex-gateway"
PRESET = "all"
SEVERITY = "warn"


def check(model):
    for gateway in model.of_kind("complexGateway"):
        yield finding(ID, gateway, f"{describe(gateway)} hides its behaviour in a free-text activation "
                                   "condition that few readers or tools understand; use exclusive, parallel or "
                                   "inclusive gateways")
