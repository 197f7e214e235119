"""A model needs diagram interchange (BPMN DI): a diagram that draws it.

Why: a file without BPMNDiagram has the process logic but no layout; other municipalities'
tools show nothing or an automatic layout, and reviewers cannot compare drawings. (Elements
that a diagram leaves out are reported by the reference checks, when the file has a diagram.)
How to fix: export the model from the modelling tool with diagram information, or lay it out
once in a BPMN editor and save it.
"""
from ._util import finding

ID = "no-bpmndi"
PRESET = "recommended"
SEVERITY = "error"


def check(model):
    if model.flow_nodes and not any(d.shapes for d in model.diagrams):
        yield finding(ID, model.root, "the file has no diagram (BPMNDiagram with shapes), so it cannot be shown; "
                                      "save it from a BPMN editor with diagram information")
