"""The BPMN models several test modules share, kept as files in tests/fixtures/models/.

A model one test module fills in (a template) stays in that module; a fixed model that others reuse,
or that is too long to read inline, is a file here, so that test modules import models, not each
other. ``read(name)`` gives a file's bytes.
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


# One process P in bpmn:definitions D (no diagram): the frame the XML-safety and validation-limit
# tests put their elements in, ``attrs`` added to the definitions element.
BPMN_PROCESS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" '
    'targetNamespace="t"{attrs}>\n<bpmn:process id="P">{body}</bpmn:process>\n</bpmn:definitions>\n'
)


def in_process(body: str, attrs: str = "") -> str:
    """BPMN_PROCESS around ``body`` (bpmn: elements of a process), as text."""
    return BPMN_PROCESS.format(attrs=attrs, body=body)


def two_diagram_model() -> str:
    """MODEL with a second process ("Abrechnung": two tasks far apart) drawn in a diagram of its own."""
    second = (
        '<bpmn:process id="billing" name="Abrechnung" isExecutable="false">'
        '<bpmn:task id="bill" name="Rechnung stellen"/><bpmn:task id="book" name="Zahlung buchen"/>'
        '<bpmn:sequenceFlow id="b1" sourceRef="bill" targetRef="book"/></bpmn:process>'
    )
    diagram = (
        '<bpmndi:BPMNDiagram id="dia2" name="Abrechnung"><bpmndi:BPMNPlane id="plane2" bpmnElement="billing">'
        '<bpmndi:BPMNShape id="bill_di" bpmnElement="bill"><dc:Bounds x="100" y="100" width="100" height="80"/>'
        '</bpmndi:BPMNShape><bpmndi:BPMNShape id="book_di" bpmnElement="book"><dc:Bounds x="900" y="500" '
        'width="100" height="80"/></bpmndi:BPMNShape><bpmndi:BPMNEdge id="b1_di" bpmnElement="b1">'
        '<di:waypoint x="200" y="140"/><di:waypoint x="950" y="140"/><di:waypoint x="950" y="500"/></bpmndi:BPMNEdge>'
        "</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>"
    )
    text = MODEL.replace('<bpmndi:BPMNDiagram id="dia">', second + '<bpmndi:BPMNDiagram id="dia">')
    return text.replace("</bpmn:definitions>", diagram + "</bpmn:definitions>")
