"""Avoid inclusive (OR) gateways.

Why: an inclusive join waits for every branch that can still arrive, which is hard to read and
not supported by every process engine. Only in "all": municipal models use OR splits legitimately
(several documents may be required), so the recommended preset leaves them alone.
How to fix: where only one branch is taken use an exclusive gateway; where all are, a parallel
one; keep the inclusive gateway where "one or more" is really meant.
"""
from ._util import describe, finding

ID = "no-inclusive-gateway"
PRESET = "all"
SEVERITY = "warn"


def check(model):
    for gateway in model.of_kind("inclusiveGateway"):
        yield finding(ID, gateway, f"{describe(gateway)} takes one or more branches, which is hard to "
                                   "follow; use an exclusive or parallel gateway if one or all branches are meant")
