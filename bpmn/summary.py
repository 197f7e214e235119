"""What a model holds, as plain data: the content of `procex inspect`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from procex.bpmn import kinds

if TYPE_CHECKING:
    from procex.bpmn.model import Model

# xsd:boolean's lexical forms (the schema collapses whitespace around them).
_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}


def _boolean(value: str | None) -> bool | None:
    """True/False for an xsd:boolean attribute value; None when it is absent or not a boolean
    (``procex validate`` reports a value such as 'ja' as an xsd error)."""
    return None if value is None else _BOOLEANS.get(value.strip())


def summarize(model: Model) -> dict[str, Any]:  # JSON for `procex inspect --json`
    """A JSON-ready summary: counts, processes, pools, lanes, diagrams, vendor namespaces, findings."""
    root = model.root
    processes: list[dict[str, object]] = []
    for process in model.processes:
        graph = model.graph(process.id)
        participant = process.participant
        processes.append(
            {
                "id": process.id,
                "name": process.name,
                "is_executable": _boolean(process.el.get("isExecutable")),
                "pool": participant.id if participant is not None else None,
                "flow_nodes": graph.number_of_nodes(),
                "sequence_flows": graph.number_of_edges(),
            }
        )
    pools = [
        {
            "id": part.id,
            "name": part.name,
            "process": part.process_ref.id if part.process_ref is not None else None,
        }
        for part in model.participants
    ]
    lanes = [
        {
            "id": lane.id,
            "name": lane.name,
            "process": lane.process.id if lane.process is not None else None,
            "parent": lane.parent_lane.id if lane.parent_lane is not None else None,
            "members": lane.flow_node_refs,
        }
        for lane in model.lanes
    ]
    diagrams = [
        {
            "id": d.id,
            "name": d.name,
            "plane_element": d.plane_element,
            "shapes": len(d.shapes),
            "edges": len(d.edges),
        }
        for d in model.diagrams
    ]
    return {
        "file": model.source,
        "definitions": {key: root.get(key) for key in ("id", "name", "targetNamespace", "exporter", "exporterVersion")},
        "counts": model.counts(),
        "flow_nodes": sum(1 for _ in model.flow_nodes),
        "processes": processes,
        "pools": pools,
        "lanes": lanes,
        "diagrams": diagrams,
        "vendor_namespaces": model.vendor_namespaces,
        "findings": [f.to_dict() for f in model.findings],
    }


def _member_names(model: Model) -> dict[str | None, str]:
    """flow node id -> label, for the lanes' members in the text form."""
    return {node.id: node.name for node in model.flow_nodes if node.name}


def _named(item: dict[str, Any]) -> str:
    """'Process_1 "Gewerbe anmelden"', or the id alone when there is no name."""
    name = " ".join((item.get("name") or "").split())
    return f'{item["id"]} "{name}"' if name else f"{item['id']}"


def format_summary(data: dict[str, Any], model: Model | None = None) -> str:
    """The summary as text for a terminal; with ``model``, lane members are shown by label."""
    if model is not None:
        data = dict(data, names=_member_names(model))
    lines = [f"{data['file']}"]
    d = data["definitions"]
    if d.get("exporter"):
        lines.append(f"  exported by {d['exporter']} {d.get('exporterVersion') or ''}".rstrip())
    interesting = {
        k: v
        for k, v in data["counts"].items()
        if k
        in kinds.FLOW_ELEMENTS
        | kinds.ARTIFACTS
        | {"process", "participant", "lane", "messageFlow", "collaboration", "dataStore"}
    }
    lines.append("  elements: " + ", ".join(f"{k} {v}" for k, v in sorted(interesting.items())))
    for p in data["processes"]:
        pool = f" in pool {p['pool']}" if p["pool"] else ""
        lines.append(f"  process {_named(p)}{pool}: {p['flow_nodes']} flow nodes, {p['sequence_flows']} sequence flows")
    names = data.get("names", {})
    for lane in data["lanes"]:
        members = ", ".join(names.get(m) or m for m in lane["members"])
        lines.append(
            f"  lane {lane['name'] or lane['id']!s}: {len(lane['members'])} members"
            + (f" ({members})" if members else "")
        )
    for diagram in data["diagrams"]:
        lines.append(f"  diagram {_named(diagram)}: {diagram['shapes']} shapes, {diagram['edges']} edges")
    if data["vendor_namespaces"]:
        lines.append("  vendor namespaces: " + ", ".join(data["vendor_namespaces"]))
    if data["findings"]:
        lines.append(f"  {len(data['findings'])} import findings:")
        for f in data["findings"]:
            where = f"line {f['line']}" if f["line"] else "-"
            lines.append(f"    {where} {f['severity']} {f['code']}: {f['message']}")
    else:
        lines.append("  no import findings")
    return "\n".join(lines)
