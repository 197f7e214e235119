"""Shapes of flow nodes must not overlap in a diagram.

Why: overlapping shapes hide each other (and often a duplicate element underneath); the drawing
no longer shows the model. Boundary events sit on their activity by design and are left out, as
are elements inside an expanded sub-process drawn over it.
How to fix: move the shapes apart in the editor.
"""

from procex.bpmn import kinds
from procex.bpmn.rules._util import Words, problem

ID = "no-overlapping-elements"
PRESET = "recommended"
SEVERITY = "warn"
DOC_DE = """Formen von Flussknoten dürfen sich in einem Diagramm nicht überlappen.

Warum: Überlappende Formen verdecken einander (und oft ein doppeltes Element darunter); die
Zeichnung zeigt das Modell nicht mehr. Angeheftete Ereignisse sitzen absichtlich auf ihrer
Aktivität und werden ausgelassen, ebenso Elemente in einem aufgeklappten Teilprozess, der über
ihnen gezeichnet ist.
Abhilfe: Schieben Sie die Formen im Editor auseinander.
"""
MESSAGES = {
    "overlap": {
        "de": "{el} überlappt {other}{diagram}: schieben Sie die beiden Formen im Editor auseinander",
        "en": "{el} overlaps {other}{diagram}; move them apart",
    },
}


def _ancestors(el):
    parent = el.getparent()
    while parent is not None:
        yield parent
        parent = parent.getparent()


def _holds(el):
    return el.tag.rsplit("}", 1)[-1] in kinds.SUB_PROCESSES | {"callActivity"}


def _diagram_words(diagram):
    name = diagram.name or diagram.id
    return Words(de=f" im Diagramm {name}" if name else "", en=f" in diagram {name}" if name else " in diagram")


def check(model):
    for diagram in model.diagrams:
        placed = []
        for shape in diagram.shapes:
            element = model.element(shape.bpmn_element) if shape.bpmn_element else None
            if shape.bounds is None or element is None:
                continue
            kind = element.tag.rsplit("}", 1)[-1]
            if kind in kinds.FLOW_NODES and kind != "boundaryEvent":
                placed.append((shape.bounds.x, shape, element))
        placed.sort(key=lambda item: item[0])
        # Sweep along x: only shapes whose x-ranges meet can overlap.
        for i, (x, shape, element) in enumerate(placed):
            right = x + shape.bounds.width
            for x2, other, other_el in placed[i + 1 :]:
                if x2 >= right:
                    break
                if not shape.bounds.overlaps(other.bounds) or other_el is element:
                    continue
                if element in set(_ancestors(other_el)) or other_el in set(_ancestors(element)):
                    continue
                # An expanded sub-process or call activity drawn around other shapes holds them.
                if (shape.bounds.contains(other.bounds) and _holds(element)) or (
                    other.bounds.contains(shape.bounds) and _holds(other_el)
                ):
                    continue
                yield problem(other_el, "overlap", el=other_el, other=element, diagram=_diagram_words(diagram))
