"""Compact descriptions of example process models: pools, lanes, nodes on a grid, flows.

A model is described once here in a few lines per node; `layout.py` turns the grid positions into
coordinates and routes, and `build_examples.py` writes BPMN 2.0 XML with full diagram interchange.
"""

from dataclasses import dataclass, field, replace

TASK_KINDS = (
    "task",
    "userTask",
    "serviceTask",
    "sendTask",
    "receiveTask",
    "manualTask",
    "businessRuleTask",
    "scriptTask",
)
EVENT_KINDS = ("startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent")
GATEWAY_KINDS = ("exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway")


@dataclass
class Node:
    """One flow node at grid column ``col`` and row ``row`` of its lane (or pool band)."""

    id: str
    kind: str
    name: str
    lane: str | None
    col: float
    row: int = 0
    doc: str | None = None
    event: str | None = None  # message | timer | terminate | error | escalation | signal
    timer: tuple | None = None  # ("timeDuration" | "timeDate" | "timeCycle", ISO 8601 text)
    message: str | None = None  # id of a bpmn:message
    attached: str | None = None  # boundary events: id of the host activity
    cancel: bool = True  # boundary events: interrupting?
    default: str | None = None  # gateways/activities: id of the TARGET of the default flow


@dataclass
class Flow:
    source: str
    target: str
    name: str | None = None
    cond: str | None = None  # condition expression (FEEL-like, readable)
    id: str | None = None


@dataclass
class Lane:
    id: str
    name: str
    rows: int = 1
    doc: str | None = None


@dataclass
class Pool:
    """A participant; ``process_id`` None makes it a black-box pool."""

    id: str
    name: str
    process_id: str | None
    process_name: str | None = None
    lanes: list = field(default_factory=list)
    nodes: list = field(default_factory=list)
    flows: list = field(default_factory=list)
    doc: str | None = None
    rows: int = 1  # only for pools without lanes


@dataclass
class MessageFlow:
    id: str
    source: str
    target: str
    name: str | None = None
    message: str | None = None


@dataclass
class Model:
    slug: str
    name: str
    pools: list
    message_flows: list = field(default_factory=list)
    messages: list = field(default_factory=list)  # (id, name)
    manifest: dict = field(default_factory=dict)
    target_namespace: str = ""


# --- short constructors, so that a model reads like a table --------------------------------


def start(id, name, lane, col, row=0, message=None, timer=None, doc=None):
    event = "message" if message else "timer" if timer else None
    return Node(id, "startEvent", name, lane, col, row, doc=doc, event=event, message=message, timer=timer)


def end(id, name, lane, col, row=0, event=None, doc=None):
    return Node(id, "endEvent", name, lane, col, row, doc=doc, event=event)


def catch(id, name, lane, col, row=0, message=None, timer=None, doc=None):
    event = "message" if message else "timer"
    return Node(id, "intermediateCatchEvent", name, lane, col, row, doc=doc, event=event, message=message, timer=timer)


def boundary(id, name, attached, timer=None, message=None, cancel=True, doc=None):
    event = "timer" if timer else "message"
    return Node(
        id,
        "boundaryEvent",
        name,
        None,
        0,
        doc=doc,
        event=event,
        timer=timer,
        message=message,
        attached=attached,
        cancel=cancel,
    )


def task(id, name, lane, col, row=0, kind="userTask", doc=None, message=None, default=None):
    assert kind in TASK_KINDS, kind
    return Node(id, kind, name, lane, col, row, doc=doc, message=message, default=default)


def gateway(id, name, lane, col, row=0, kind="exclusiveGateway", default=None, doc=None):
    assert kind in GATEWAY_KINDS, kind
    return Node(id, kind, name, lane, col, row, doc=doc, default=default)


def flow_id(source, target):
    """A readable flow id from its ends: Flow_Anzeige_pruefen_Vollstaendig."""

    def short(node_id):
        return node_id.split("_", 1)[1] if "_" in node_id else node_id

    return f"Flow_{short(source)}_{short(target)}"


def copy_model(model, **changes):
    """A deep enough copy to derive a new version without touching the original."""
    pools = [
        replace(
            p,
            lanes=[replace(lane) for lane in p.lanes],
            nodes=[replace(n) for n in p.nodes],
            flows=[replace(f) for f in p.flows],
        )
        for p in model.pools
    ]
    return replace(
        model,
        pools=pools,
        message_flows=[replace(m) for m in model.message_flows],
        messages=list(model.messages),
        manifest=dict(model.manifest),
        **changes,
    )
