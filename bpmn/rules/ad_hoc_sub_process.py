"""An ad-hoc sub-process has no start or end events.

Why: the activities of an ad-hoc sub-process run in any order, as the performer decides;
BPMN 2.0 (10.2.5) does not allow start or end events in it.
How to fix: remove the start and end events from the ad-hoc sub-process (its completion
condition says when it is done), or make it an ordinary sub-process.
"""
from ._util import describe, finding, flow_nodes_in

ID = "ad-hoc-sub-process"
PRESET = "correctness"
SEVERITY = "error"


def check(model):
    for sub in model.of_kind("adHocSubProcess"):
        for node in flow_nodes_in(sub):
            if node.type in ("startEvent", "endEvent"):
                yield finding(ID, node, f"{describe(node)} is inside {describe(sub)}; ad-hoc sub-processes have no "
                                        "start or end events: remove it")
