"""Realistic generated BPMN models for the benchmarks (shared by bench/diff.py and others).

``generate(flow_nodes, seed)`` writes one pool with lanes and a process as modelling tools export
it: a start event, then blocks of work until exactly ``flow_nodes`` flow nodes stand in the
process: tasks of several types (some documented), exclusive decisions with a yes and a no
branch, parallel splits with two or three branches, timer and message catch events, message
throw events, and tasks guarded by a boundary timer event whose escalation path ends in its own
end event. Every flow node sits in one of the lanes and has a shape; events and gateways carry a
label position, decisions name their outgoing flows, every flow has an edge with waypoints.
Labels are German and unique (``Antrag prüfen``, ``Gebühr schriftlich buchen (17)`` …), so one
renamed label is one change.

``id_seed`` chooses the ids: None gives readable ids (``Task_00012``, ``Flow_00031``); a number
gives random ids in the style of bpmn-js (``Activity_0k2x9ab``), so two models generated with
the same ``seed`` and different ``id_seed`` are the same model with all ids regenerated.

Run as a script to write one: python bench/models.py 2000 out.bpmn [--seed 1] [--id-seed 7]
"""

import argparse
import random
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import quoteattr

VERBS = (
    "prüfen erfassen bearbeiten weiterleiten versenden anfordern archivieren freigeben bewerten "
    "ablehnen bestätigen berechnen buchen erstellen abstimmen nachfordern genehmigen dokumentieren "
    "anlegen zustellen eintragen abgleichen beglaubigen auszahlen festsetzen anhören übermitteln "
    "einholen mitteilen löschen"
).split()
OBJECTS = [
    "Antrag",
    "Gebühr",
    "Bescheid",
    "Unterlagen",
    "Gewerbeanzeige",
    "Stellungnahme",
    "Meldedaten",
    "Zahlung",
    "Akte",
    "Vollmacht",
    "Führungszeugnis",
    "Auszug aus dem Gewerbezentralregister",
    "Empfangsbescheinigung",
    "Nachweis",
    "Widerspruch",
    "Personalausweis",
    "Baugenehmigung",
    "Sondernutzungserlaubnis",
    "Hundesteuer",
    "Wohngeld",
    "Kita-Platz",
    "Anhörung",
    "Frist",
    "Datensatz",
    "Registereintrag",
    "Rechnung",
    "Kostenbescheid",
    "Zustellungsurkunde",
    "Erlaubnis",
    "Mitteilung an das Finanzamt",
    "Auskunft",
    "Vorgang",
    "Prüfvermerk",
    "Gutachten",
    "Lageplan",
    "Bauantrag",
    "Ummeldung",
    "Reisepass",
    "Melderegisterauskunft",
    "Bewohnerparkausweis",
    "Verpflichtungserklärung",
    "Einbürgerungsantrag",
]
QUALIFIERS = ["vollständig", "sorgfältig", "erneut", "digital", "schriftlich", "fristgerecht"]
LANES = [
    "Bürgerbüro",
    "Ordnungsamt – Gewerbe",
    "Stadtkasse",
    "Sachgebietsleitung",
    "Bauaufsicht",
    "Standesamt",
]
TASK_TYPES = ["task"] * 5 + ["userTask"] * 3 + ["serviceTask", "sendTask", "manualTask"]
TIMER_EVENTS = ["Frist abgelaufen", "Termin erreicht", "Wiedervorlage fällig", "Zwei Wochen vergangen"]
MESSAGE_EVENTS = ["Unterlagen eingegangen", "Zahlung eingegangen", "Rückmeldung erhalten", "Stellungnahme liegt vor"]
SENT_MESSAGES = ["Eingangsbestätigung gesendet", "Nachforderung gesendet", "Bescheid zugestellt"]
SIZES = {"task": (100, 80), "gateway": (50, 50), "event": (36, 36)}
COLUMN = 150  # px between columns
LANE_HEIGHT = 360  # room for three branch rows
ROW = 110


@dataclass
class Node:
    kind: str
    ident: str
    name: str | None
    lane: int
    column: int
    row: int = 0
    body: str = ""
    attached_to: str | None = None


@dataclass
class Generated:
    """A generated model: its XML and what a benchmark needs to change it."""

    xml: str
    flow_nodes: int
    tasks: list = field(default_factory=list)  # (id, name) of every task-like node, in order

    def renamed(self, ident, new_name):
        """The same XML with the label of the task ``ident`` changed (one change, nothing else)."""
        old_name = dict(self.tasks)[ident]
        before = f"id={quoteattr(ident)} name={quoteattr(old_name)}"
        if self.xml.count(before) != 1:
            raise ValueError(f"{ident} is not a generated task")
        return self.xml.replace(before, f"id={quoteattr(ident)} name={quoteattr(new_name)}")


class _Ids:
    """Readable sequential ids, or bpmn-js-style random ones drawn from their own seed."""

    PREFIX = {"task": "Activity", "gateway": "Gateway", "event": "Event", "flow": "Flow", "lane": "Lane"}

    def __init__(self, id_seed):
        self.rng = None if id_seed is None else random.Random(id_seed)
        self.count = {}
        self.used = set()

    def new(self, family, readable):
        if self.rng is None:
            self.count[readable] = self.count.get(readable, 0) + 1
            return f"{readable}_{self.count[readable]:05d}"
        while True:
            ident = f"{self.PREFIX[family]}_{self.rng.getrandbits(40):010x}"
            if ident not in self.used:
                self.used.add(ident)
                return ident

    def fixed(self, prefix):
        """The id of a one-off element (process, pool, diagram …): readable, or random too."""
        return f"{prefix}_bench" if self.rng is None else f"{prefix}_{self.rng.getrandbits(40):010x}"


class _Labels:
    def __init__(self, rng):
        self.rng = rng
        self.seen = {}

    def task(self):
        rng = self.rng
        label = f"{rng.choice(OBJECTS)} {rng.choice(VERBS)}"
        if rng.random() < 0.3:
            obj, verb = label.rsplit(" ", 1)
            label = f"{obj} {rng.choice(QUALIFIERS)} {verb}"
        return self.unique(label)

    def unique(self, label):
        count = self.seen.get(label, 0) + 1
        self.seen[label] = count
        return label if count == 1 else f"{label} ({count})"


def _family(kind):
    if kind.endswith("Gateway"):
        return "gateway"
    if kind.endswith("Event"):
        return "event"
    return "task"


def generate(flow_nodes, seed=1, id_seed=None):
    """A model with exactly ``flow_nodes`` flow nodes (at least 3); see the module docstring."""
    if flow_nodes < 3:
        raise ValueError("a generated model has at least 3 flow nodes")
    rng = random.Random(seed)
    ids = _Ids(id_seed)
    labels = _Labels(rng)
    nodes, flows = [], []  # flows: (id, source, target, name)
    lane = 0
    column = 0

    def add(kind, name, row=0, body="", attached_to=None, readable=None):
        ident = ids.new(
            _family(kind), readable or {"task": "Task", "gateway": "Gateway", "event": "Event"}[_family(kind)]
        )
        nodes.append(Node(kind, ident, name, lane, column, row, body, attached_to))
        return ident

    def flow(source, target, name=None):
        flows.append((ids.new("flow", "Flow"), source, target, name))

    def task(row=0):
        kind = rng.choice(TASK_TYPES)
        body = ""
        if rng.random() < 0.1:
            body = "<bpmn:documentation>Rechtsgrundlage prüfen und Ergebnis in der Akte vermerken.</bpmn:documentation>"
        return add(kind, labels.task(), row, body)

    last = add("startEvent", "Antrag eingegangen", body="<bpmn:messageEventDefinition/>")
    remaining = flow_nodes - 2  # the start event and the final end event
    while remaining > 0:
        column += 1
        if rng.random() < 0.15:
            lane = rng.randrange(len(LANES))
        choice = rng.random()
        if choice < 0.10 and remaining >= 4:  # decision: split, yes-task, no-task, join
            split = add("exclusiveGateway", labels.unique(f"{rng.choice(OBJECTS)} in Ordnung?"))
            flow(last, split)
            column += 1
            yes, no = task(0), task(1)
            flow(split, yes, "ja")
            flow(split, no, "nein")
            column += 1
            join = add("exclusiveGateway", None)
            flow(yes, join)
            flow(no, join)
            last, remaining = join, remaining - 4
        elif choice < 0.16 and remaining >= 5:  # parallel split with two or three branches
            branches = 3 if remaining >= 5 and rng.random() < 0.5 else 2
            split = add("parallelGateway", None)
            flow(last, split)
            column += 1
            work = [task(row) for row in range(branches)]
            for ident in work:
                flow(split, ident)
            column += 1
            join = add("parallelGateway", None)
            for ident in work:
                flow(ident, join)
            last, remaining = join, remaining - 2 - branches
        elif choice < 0.22:  # timer or message catch event
            if rng.random() < 0.5:
                name = labels.unique(rng.choice(TIMER_EVENTS))
                body = (
                    "<bpmn:timerEventDefinition><bpmn:timeDuration>P14D</bpmn:timeDuration></bpmn:timerEventDefinition>"
                )
            else:
                name = labels.unique(rng.choice(MESSAGE_EVENTS))
                body = "<bpmn:messageEventDefinition/>"
            event = add("intermediateCatchEvent", name, body=body)
            flow(last, event)
            last, remaining = event, remaining - 1
        elif choice < 0.25:  # message throw event
            event = add(
                "intermediateThrowEvent",
                labels.unique(rng.choice(SENT_MESSAGES)),
                body="<bpmn:messageEventDefinition/>",
            )
            flow(last, event)
            last, remaining = event, remaining - 1
        elif choice < 0.29 and remaining >= 4:  # task with a boundary timer and an escalation path
            guarded = task()
            flow(last, guarded)
            boundary = add(
                "boundaryEvent",
                labels.unique("Bearbeitungsfrist überschritten"),
                row=1,
                body="<bpmn:timerEventDefinition><bpmn:timeDuration>P30D</bpmn:timeDuration></bpmn:timerEventDefinition>",
                attached_to=guarded,
            )
            column += 1
            escalate = add("userTask", labels.unique("Vorgang an Sachgebietsleitung eskalieren"), row=1)
            flow(boundary, escalate)
            column += 1
            stop = add("endEvent", labels.unique("Vorgang eskaliert"), row=1)
            flow(escalate, stop)
            last, remaining = guarded, remaining - 4
        else:
            ident = task()
            flow(last, ident)
            last, remaining = ident, remaining - 1
    column += 1
    end = add("endEvent", "Vorgang abgeschlossen")
    flow(last, end)
    return Generated(
        _document(nodes, flows, ids), len(nodes), [(n.ident, n.name) for n in nodes if _family(n.kind) == "task"]
    )


def _bounds(node):
    width, height = SIZES[_family(node.kind)]
    x = 80 + node.column * COLUMN
    y = 20 + node.lane * LANE_HEIGHT + 40 + node.row * ROW + (80 - height) / 2
    if node.attached_to is not None:  # on the lower edge of its task, one column back
        x, y = 80 + (node.column) * COLUMN + 60, 20 + node.lane * LANE_HEIGHT + 40 + 80 - height / 2
    return x, y, width, height


_NAMESPACES = " ".join(
    f'xmlns:{prefix}="http://www.omg.org/spec/{spec}/20100524/{part}"'
    for prefix, spec, part in (
        ("bpmn", "BPMN", "MODEL"),
        ("bpmndi", "BPMN", "DI"),
        ("dc", "DD", "DC"),
        ("di", "DD", "DI"),
    )
)


def _label(x, y, width, height):
    return f'<bpmndi:BPMNLabel><dc:Bounds x="{x}" y="{y}" width="{width}" height="{height}"/></bpmndi:BPMNLabel>'


def _document(nodes, flows, ids):
    lanes_xml, nodes_xml, flows_xml, shapes, edges = [], [], [], [], []
    by_lane = {}
    for node in nodes:
        by_lane.setdefault(node.lane, []).append(node.ident)
    lane_ids = [ids.new("lane", "Lane") for _ in LANES]
    width = 80 + (max(n.column for n in nodes) + 2) * COLUMN
    for index, name in enumerate(LANES):
        refs = "".join(f"<bpmn:flowNodeRef>{ident}</bpmn:flowNodeRef>" for ident in by_lane.get(index, ()))
        lanes_xml.append(f'<bpmn:lane id="{lane_ids[index]}" name={quoteattr(name)}>{refs}</bpmn:lane>')
        shapes.append(
            f'<bpmndi:BPMNShape id="{lane_ids[index]}_di" bpmnElement="{lane_ids[index]}" isHorizontal="true">'
            f'<dc:Bounds x="50" y="{20 + index * LANE_HEIGHT}" width="{width - 50}" height="{LANE_HEIGHT}"/>'
            "</bpmndi:BPMNShape>"
        )
    incoming, outgoing = {}, {}
    for ident, source, target, _ in flows:
        outgoing.setdefault(source, []).append(ident)
        incoming.setdefault(target, []).append(ident)
    position = {}
    for node in nodes:
        attrs = f"id={quoteattr(node.ident)}"
        if node.name is not None:
            attrs += f" name={quoteattr(node.name)}"
        if node.attached_to is not None:
            attrs += f' attachedToRef="{node.attached_to}"'
        refs = "".join(f"<bpmn:incoming>{f}</bpmn:incoming>" for f in incoming.get(node.ident, ())) + "".join(
            f"<bpmn:outgoing>{f}</bpmn:outgoing>" for f in outgoing.get(node.ident, ())
        )
        docs, definitions = "", node.body
        if node.body.startswith("<bpmn:documentation>"):
            docs, definitions = node.body, ""
        nodes_xml.append(f"<bpmn:{node.kind} {attrs}>{docs}{refs}{definitions}</bpmn:{node.kind}>")
        x, y, w, h = position[node.ident] = _bounds(node)
        label = ""
        if _family(node.kind) != "task" and node.name:
            label = _label(x - 20, y + h + 4, w + 40, 27)
        marker = ' isMarkerVisible="true"' if node.kind == "exclusiveGateway" else ""
        shapes.append(
            f'<bpmndi:BPMNShape id="{node.ident}_di" bpmnElement="{node.ident}"{marker}>'
            f'<dc:Bounds x="{x}" y="{y}" width="{w}" height="{h}"/>{label}</bpmndi:BPMNShape>'
        )
    for ident, source, target, name in flows:
        named = f" name={quoteattr(name)}" if name else ""
        flows_xml.append(f'<bpmn:sequenceFlow id="{ident}"{named} sourceRef="{source}" targetRef="{target}"/>')
        sx, sy, sw, sh = position[source]
        tx, ty, _, th = position[target]
        start, end = (sx + sw, sy + sh / 2), (tx, ty + th / 2)
        points = (
            [start, end] if start[1] == end[1] else [start, (start[0] + 25, start[1]), (start[0] + 25, end[1]), end]
        )
        waypoints = "".join(f'<di:waypoint x="{px:g}" y="{py:g}"/>' for px, py in points)
        label = ""
        if name:
            label = _label(start[0] + 5, start[1] - 20, 30, 14)
        edges.append(f'<bpmndi:BPMNEdge id="{ident}_di" bpmnElement="{ident}">{waypoints}{label}</bpmndi:BPMNEdge>')
    height = len(LANES) * LANE_HEIGHT
    nl = "\n"
    definitions, collaboration, participant, process, lane_set, diagram, plane = map(
        ids.fixed, ("Definitions", "Collaboration", "Participant", "Process", "LaneSet", "BPMNDiagram", "BPMNPlane")
    )
    pool_shape = (
        f'<bpmndi:BPMNShape id="{participant}_di" bpmnElement="{participant}" isHorizontal="true">'
        f'<dc:Bounds x="20" y="20" width="{width}" height="{height}"/></bpmndi:BPMNShape>'
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions {_NAMESPACES} id="{definitions}" targetNamespace="http://bpmn.io/schema/bpmn" exporter="procex bench">
  <bpmn:collaboration id="{collaboration}">
    <bpmn:participant id="{participant}" name="Stadt Trier – Gewerbeamt" processRef="{process}"/>
  </bpmn:collaboration>
  <bpmn:process id="{process}" isExecutable="false">
    <bpmn:laneSet id="{lane_set}">
      {nl.join(lanes_xml)}
    </bpmn:laneSet>
    {(nl + "    ").join(nodes_xml)}
    {(nl + "    ").join(flows_xml)}
  </bpmn:process>
  <bpmndi:BPMNDiagram id="{diagram}">
    <bpmndi:BPMNPlane id="{plane}" bpmnElement="{collaboration}">
      {pool_shape}
      {(nl + "      ").join(shapes)}
      {(nl + "      ").join(edges)}
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("flow_nodes", type=int)
    parser.add_argument("output", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--id-seed", type=int, default=None, help="random bpmn-js-style ids from this seed")
    args = parser.parse_args()
    generated = generate(args.flow_nodes, args.seed, args.id_seed)
    args.output.write_text(generated.xml, encoding="utf-8")
    print(f"{args.output}: {generated.flow_nodes:,} flow nodes, {len(generated.xml.encode()):,} bytes")


if __name__ == "__main__":
    main()
