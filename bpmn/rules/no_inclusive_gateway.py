"""Avoid inclusive (OR) gateways.

Why: an inclusive join waits for every branch that can still arrive, which is hard to read and
not supported by every process engine. Only in "all": municipal models use OR splits legitimately
(several documents may be required), so the recommended preset leaves them alone.
How to fix: where only one branch is taken use an exclusive gateway; where all are, a parallel
one; keep the inclusive gateway where "one or more" is really meant.
"""

from procex.bpmn.rules._util import problem

ID = "no-inclusive-gateway"
PRESET = "all"
SEVERITY = "warn"
DOC_DE = """Inklusive (ODER-)Gateways vermeiden.

Warum: Eine inklusive Zusammenführung wartet auf jeden Zweig, der noch ankommen kann; das ist
schwer zu lesen und wird nicht von jeder Prozess-Engine unterstützt. Nur in "all": Kommunale
Modelle verzweigen ODER-artig zu Recht (mehrere Unterlagen können nötig sein), daher lässt das
Preset recommended sie in Ruhe.
Abhilfe: Wird nur ein Zweig genommen, verwenden Sie ein exklusives Gateway; werden alle
genommen, ein paralleles; behalten Sie das inklusive Gateway, wo "einer oder mehrere" wirklich
gemeint ist.
"""
MESSAGES = {
    "inclusive": {
        "de": "{gateway} nimmt einen oder mehrere Zweige, was schwer nachzuvollziehen ist: verwenden Sie ein "
        "exklusives oder paralleles Gateway, wenn ein Zweig oder alle gemeint sind",
        "en": "{gateway} takes one or more branches, which is hard to follow; use an exclusive or parallel gateway "
        "if one or all branches are meant",
    },
}


def check(model):
    for gateway in model.of_kind("inclusiveGateway"):
        yield problem(gateway, "inclusive", gateway=gateway)
