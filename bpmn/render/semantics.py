"""What the drawing reads from a BPMN element beyond its kind: event definitions and flags."""

from procex.bpmn.xml import local_name


def event_definitions(el):
    """The kinds of an event's definitions (``message``, ``timer``, …), in document order."""
    names = []
    for child in el:
        name = local_name(child.tag)
        if name.endswith("EventDefinition"):
            names.append(name[: -len("EventDefinition")])
        elif name == "eventDefinitionRef":
            names.append("message")  # a reference to a shared definition; kind unknown here
    return names


def is_true(el, attribute):
    """Whether the xsd:boolean ``attribute`` of ``el`` is set to true."""
    return (el.get(attribute) or "").strip() in ("true", "1")
