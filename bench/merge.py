"""Benchmark: three-way merge of two 1,000-node adaptations of one base, 50 edits on each side.

BASE is one pool with four lanes and 1,000 flow nodes (tasks with an exclusive gateway every
tenth node, a start and an end event) in a chain, drawn row by row. LOCAL and UPSTREAM each get
50 edits made with bpmn.edit (renames, retypes, documentation, relanes, added tasks wired into
the chain, removed tasks bridged, a changed condition), chosen by a fixed seed so that some hit
the same element. Prints the median of several runs of ``merge(base, local, upstream,
prefer="local")`` (diff3 included) and of ``diff3`` alone, and the classification counts.
Target: merge under 2 s.

    .venv/bin/python bench/merge.py [--nodes 1000] [--edits 50] [--runs 5]
"""

import argparse
import random
import statistics
import sys
import time
from itertools import pairwise
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from procex.bpmn import edit
from procex.bpmn.merge import diff3, merge
from procex.bpmn.model import Model

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  id="defs" targetNamespace="http://example.org/bench">
  <bpmn:collaboration id="collab"><bpmn:participant id="pool" name="Stadt" processRef="proc"/></bpmn:collaboration>
"""
VERBS = ["prüfen", "erfassen", "bescheiden", "weiterleiten", "anfordern", "archivieren", "berechnen", "zustellen"]
NOUNS = [
    "Antrag",
    "Unterlagen",
    "Gebühr",
    "Bescheid",
    "Akte",
    "Nachweis",
    "Anzeige",
    "Stellungnahme",
    "Erlaubnis",
    "Vollmacht",
    "Register",
    "Zahlung",
]
LANES = 4
PER_ROW = 25


def base_model(nodes):
    """BASE: ``nodes`` flow nodes in a chain, in four lanes, with DI."""
    ids = ["start"] + [f"n{i}" for i in range(1, nodes - 1)] + ["end"]
    lane_of = {ident: min(i * LANES // nodes, LANES - 1) for i, ident in enumerate(ids)}
    rows_per_lane = -(-nodes // (LANES * PER_ROW))
    lane_height = rows_per_lane * 120 + 40
    width = PER_ROW * 150 + 100
    sem, shapes, edges = [], [], []
    lanes = {k: [] for k in range(LANES)}
    pos = {}
    counters = [0] * LANES
    for i, ident in enumerate(ids):
        lane = lane_of[ident]
        lanes[lane].append(ident)
        k = counters[lane]
        counters[lane] += 1
        x = 80 + (k % PER_ROW) * 150
        y = lane * lane_height + 20 + (k // PER_ROW) * 120
        if ident == "start":
            sem.append('<bpmn:startEvent id="start" name="Antrag eingegangen"/>')
            w, h = 36, 36
        elif ident == "end":
            sem.append('<bpmn:endEvent id="end" name="erledigt"/>')
            w, h = 36, 36
        elif i % 10 == 0:
            sem.append(f'<bpmn:exclusiveGateway id="{ident}" name="{NOUNS[i % len(NOUNS)]} vollständig {i}?"/>')
            w, h = 50, 50
        else:
            sem.append(f'<bpmn:task id="{ident}" name="{NOUNS[i % len(NOUNS)]} {i} {VERBS[i % len(VERBS)]}"/>')
            w, h = 100, 80
        pos[ident] = (x, y, w, h)
        shapes.append(
            f'<bpmndi:BPMNShape id="{ident}_di" bpmnElement="{ident}"><dc:Bounds x="{x}" y="{y}" '
            f'width="{w}" height="{h}"/></bpmndi:BPMNShape>'
        )
    for a, b in pairwise(ids):
        fid = f"f_{a}_{b}"
        cond = ""
        if a.startswith("n") and int(a[1:]) % 10 == 0:
            cond = (
                f'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">ok_{a} = true</bpmn:conditionExpression>'
            )
        sem.append(f'<bpmn:sequenceFlow id="{fid}" sourceRef="{a}" targetRef="{b}">{cond}</bpmn:sequenceFlow>')
        ax, ay, aw, ah = pos[a]
        bx, by, bw, bh = pos[b]
        edges.append(
            f'<bpmndi:BPMNEdge id="{fid}_di" bpmnElement="{fid}"><di:waypoint x="{ax + aw}" y="{ay + ah / 2}"/>'
            f'<di:waypoint x="{bx}" y="{by + bh / 2}"/></bpmndi:BPMNEdge>'
        )
    lane_xml = "".join(
        f'<bpmn:lane id="lane{k}" name="Sachgebiet {k}">'
        + "".join(f"<bpmn:flowNodeRef>{m}</bpmn:flowNodeRef>" for m in members)
        + "</bpmn:lane>"
        for k, members in lanes.items()
    )
    lane_shapes = "".join(
        f'<bpmndi:BPMNShape id="lane{k}_di" bpmnElement="lane{k}" isHorizontal="true"><dc:Bounds x="30" '
        f'y="{k * lane_height}" width="{width}" height="{lane_height}"/></bpmndi:BPMNShape>'
        for k in range(LANES)
    )
    xml = (
        HEAD
        + f'<bpmn:process id="proc" isExecutable="false"><bpmn:laneSet id="ls">{lane_xml}</bpmn:laneSet>'
        + "".join(sem)
        + "</bpmn:process>"
        + '<bpmndi:BPMNDiagram id="dia"><bpmndi:BPMNPlane id="plane" bpmnElement="collab">'
        + f'<bpmndi:BPMNShape id="pool_di" bpmnElement="pool" isHorizontal="true"><dc:Bounds x="0" y="0" '
        f'width="{width + 30}" height="{LANES * lane_height}"/></bpmndi:BPMNShape>'
        + lane_shapes
        + "".join(shapes)
        + "".join(edges)
        + "</bpmndi:BPMNPlane></bpmndi:BPMNDiagram></bpmn:definitions>"
    )
    return Model.from_bytes(xml.encode("utf-8"), "base.bpmn")


def adapt(base, edits, rng, side):
    """A copy of BASE with ``edits`` edits of mixed kinds."""
    model = base.copy()
    tasks = sorted((n.id for n in model.of_kind("task")), key=lambda i: int(i[1:]))
    gateways = [g.id for g in model.of_kind("exclusiveGateway")]
    kinds = ["rename", "rename", "retype", "doc", "relane", "add", "remove", "condition"]
    done = 0
    while done < edits:
        kind = rng.choice(kinds)
        task = rng.choice(tasks)
        if task not in model:
            continue
        if kind == "rename":
            edit.rename(model, task, f"{model[task].name} ({side})")
        elif kind == "retype":
            if model[task].type != "task":
                continue
            edit.change_type(model, task, "userTask" if side == "local" else "serviceTask")
        elif kind == "doc":
            edit.set_documentation(model, task, f"Hinweis {side} {done}")
        elif kind == "relane":
            lane = model[task].lane.id
            others = [f"lane{k}" for k in range(LANES) if f"lane{k}" != lane]
            edit.move_to_lane(model, task, rng.choice(others))
        elif kind == "add":
            out = model[task].outgoing
            if not out:
                continue
            after = out[0].target.id
            new = edit.add_flow_node(model, "proc", "task", f"Zusatzschritt {side} {done}", lane_id=model[task].lane.id)
            edit.reconnect(model, out[0].id, target_id=new)
            edit.add_sequence_flow(model, new, after)
        elif kind == "remove":
            incoming, outgoing = model[task].incoming, model[task].outgoing
            if len(incoming) != 1 or len(outgoing) != 1:
                continue
            target = outgoing[0].target.id
            edit.remove_element(model, outgoing[0].id)
            edit.reconnect(model, incoming[0].id, target_id=target)
            edit.remove_element(model, task)
        elif kind == "condition":
            gw = rng.choice(gateways)
            if gw not in model or not model[gw].outgoing:
                continue
            edit.set_condition(model, model[gw].outgoing[0].id, f"{side}_{done} = true")
        done += 1
    return model


def timed(fn, runs):
    times = []
    result = None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(5)
    base = base_model(args.nodes)
    local = adapt(base, args.edits, rng, "local")
    upstream = adapt(base, args.edits, rng, "upstream")
    print(f"base: {len(base.flow_nodes)} flow nodes, {len(base.sequence_flows)} flows; {args.edits} edits on each side")
    t_three, three = timed(lambda: diff3(base, local, upstream), args.runs)
    t_merge, result = timed(lambda: merge(base, local, upstream, prefer="local"), args.runs)
    print(
        f"diff3: applicable {len(three.applicable)}, local {len(three.local)}, pseudo {len(three.pseudo)}, "
        f"conflicts {len(three.conflicts)} ({len(three.blocking)} blocking)"
    )
    print(
        f"merged: {len(result.model.flow_nodes)} flow nodes, {len(result.applied)} upstream changes applied, "
        f"{len(result.resolved)} conflicts decided for local"
    )
    from procex.bpmn.validate import validate_model

    report = validate_model(Model.from_bytes(result.data, "merged.bpmn"), rules="correctness")
    print(f"merged model: {report.errors} errors under the correctness preset (XSD, references, rules)")
    print(f"diff3 alone:              median {t_three:.3f} s over {args.runs} runs")
    print(
        f"merge (diff3 + apply):    median {t_merge:.3f} s over {args.runs} runs  (target < 2 s: "
        f"{'met' if t_merge < 2 else 'NOT met'})"
    )


if __name__ == "__main__":
    main()
