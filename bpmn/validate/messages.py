"""The words of the schema and reference findings: key -> German and English template.

See bpmn/rules/_util.py for how parameters are named; each lint rule keeps its own table in its
module. ``say`` puts one message into words in the chosen language.
"""

from lxml.etree import _Element

from procex.bpmn import kinds
from procex.bpmn.rules._util import Messages, Words, check_messages, describe, label, trigger_words
from procex.bpmn.rules._util import say as _say_in
from procex.bpmn.xml import BPMN_NS, BPMNDI_NS, local_name

MESSAGES: Messages = {
    # schema (xsd): "{where}: {reason}; {hint}", reason as xmlschema gives it
    "xsd": {"de": "{where}: {reason}; {hint}", "en": "{where}: {reason}; {hint}"},
    "xsd-at-path": {"de": "{reason} (bei {path})", "en": "{reason} (at {path})"},
    "xsd-inside": {"de": "{owner}, Kindelement {tag}", "en": "{tag} in {owner}"},
    # an element a reader cannot find by itself (an event definition …), named with its owner
    "inside": {"de": "{owner}, {child}", "en": "{child} in {owner}"},
    "xsd-too-many": {
        "de": "mehr als {count} Schemafehler; die übrigen sind nicht aufgeführt",
        "en": "more than {count} schema errors; the rest are not listed",
    },
    "hint-duplicate-id": {
        "de": "Ids müssen in einer Datei eindeutig sein: geben Sie einem der Elemente eine andere Id",
        "en": "ids must be unique in a file: give one of the elements another id",
    },
    "hint-extension": {
        "de": "extensionElements darf nur Elemente eines herstellereigenen Namensraums enthalten: "
        "verschieben Sie das Element in einen Hersteller-Namensraum oder entfernen Sie es "
        "(procex export --plain entfernt Erweiterungen)",
        "en": "extensionElements may only hold elements of a vendor's own namespace: move it into "
        "a vendor namespace or remove it (procex export --plain removes extensions)",
    },
    "hint-plane": {
        "de": "ein Diagramm hat genau eine Ebene: legen Sie die zweite Ebene in ein eigenes BPMNDiagram",
        "en": "a diagram has exactly one plane: put the second plane into a BPMNDiagram of its own",
    },
    "hint-unexpected": {
        "de": "entfernen Sie das Element oder verschieben Sie es dorthin, wo das Schema es "
        "erlaubt (die Reihenfolge der Kindelemente zählt)",
        "en": "remove it, or move it to where the schema allows it (the order of children matters)",
    },
    "hint-edge": {
        "de": "eine Kante braucht mindestens zwei di:waypoint-Elemente: zeichnen Sie die Verbindung "
        "neu oder entfernen Sie die Kante",
        "en": "an edge needs at least two di:waypoint elements: redraw the connection or remove the edge",
    },
    "hint-incomplete": {
        "de": "ergänzen Sie {what} oder entfernen Sie das unvollständige Element",
        "en": "add {what}, or remove the incomplete element",
    },
    "hint-attribute": {"de": "ergänzen Sie das Attribut", "en": "add the attribute"},
    "hint-not-bpmn": {
        "de": "dies ist kein BPMN-2.0-Element: entfernen Sie es oder verschieben Sie es in "
        "extensionElements unter einem Hersteller-Namensraum",
        "en": "this is not a BPMN 2.0 element: remove it or move it into extensionElements under a vendor namespace",
    },
    "hint-other": {
        "de": "korrigieren Sie es so, dass die Datei dem BPMN-2.0-Schema entspricht",
        "en": "correct it so that the file matches the BPMN 2.0 schema",
    },
    "xsi-type": {
        "de": "{where}: xsi:type=„{value}“ verwendet ein Namensraum-Präfix, das nicht deklariert ist: "
        'deklarieren Sie das Präfix (xmlns:{prefix}="{namespace}") oder schreiben Sie den Typ '
        "ohne Präfix",
        "en": "{where}: xsi:type='{value}' uses a namespace prefix that is not declared; declare the "
        'prefix (xmlns:{prefix}="{namespace}") or write the type without it',
    },
    "xsd-crash": {
        "de": "die genaue Schemaprüfung konnte diese Datei nicht verarbeiten ({crash}); die folgenden "
        "Fehler stammen nur aus der schnellen Prüfung",
        "en": "the detailed schema check could not process this file ({crash}); the errors below come "
        "from the fast check only",
    },
    # references
    "empty-ref": {
        "de": "{owner} hat ein leeres <{kind}>: entfernen Sie es oder nennen Sie ein Element",
        "en": "{owner} has an empty <{kind}>; remove it or name an element",
    },
    "lane-lists-non-node": {
        "de": "{owner} führt {target} auf, aber das ist kein Flussknoten; Lanes enthalten nur "
        "Aktivitäten, Ereignisse und Gateways: entfernen Sie den Eintrag",
        "en": "{owner} lists {target}, which is not a flow node; lanes hold activities, events "
        "and gateways only: remove the entry",
    },
    "wrong-kind": {
        "de": "{owner}: {name} verweist auf {target}, muss aber auf {allowed} verweisen; {fix}",
        "en": "{owner}: {name} names {target}, but it must name {allowed}; {fix}",
    },
    "external": {
        "de": "{owner}: {name}=„{value}“ ist in dieser Datei nicht definiert; es wird als Prozess einer "
        "anderen Datei angenommen (nicht geprüft)",
        "en": "{owner}: {name}='{value}' is not defined in this file; it is assumed to be another file's "
        "process (not checked)",
    },
    "dangling": {
        "de": "{owner}: {name} „{value}“ verweist auf kein Element dieser Datei{extra}; {fix}",
        "en": "{owner}: {name} '{value}' names no element in this file{extra}; {fix}",
    },
    "undeclared-prefix": {
        "de": " (und das Präfix „{prefix}“ ist nicht deklariert)",
        "en": " (and the prefix '{prefix}' is not declared)",
    },
    "duplicate-id": {
        "de": "{el}: die Id „{ident}“ ist schon vergeben (Zeile {line}: {first:kind}); Ids müssen "
        "eindeutig sein: geben Sie einem der beiden Elemente eine andere Id",
        "en": "id '{ident}' of {el} is already used by {first:kind} on line {line}; ids must be "
        "unique: give one of them another id",
    },
    "default-not-outgoing": {
        "de": "{node}: der Standardfluss {flow:bare} verlässt das Element nicht (er beginnt "
        "bei „{source}“): wählen Sie einen seiner eigenen ausgehenden Sequenzflüsse als "
        "Standardfluss",
        "en": "{node}: its default flow {flow:bare} does not leave it (it starts at "
        "'{source}'); choose one of its own outgoing sequence flows as default",
    },
    "crossing": {
        "de": "Sequenzfluss {flow:bare} in {container} verbindet {node}, aber dieses Element liegt in {inner}; ein "
        "Sequenzfluss kann die Grenze eines Prozesses oder Teilprozesses nicht überqueren: "
        "verbinden Sie Elemente desselben (Teil-)Prozesses oder verwenden Sie zwischen Pools einen "
        "Nachrichtenfluss",
        "en": "sequence flow {flow:bare} in {container} connects {node}, which is in {inner}; a sequence "
        "flow cannot cross a process or sub-process boundary: connect elements of the same "
        "(sub-)process, or use a message flow between pools",
    },
    "message-flow-one-pool": {
        "de": "Nachrichtenfluss {flow:bare} verbindet {source} und {target}, beide in "
        "{pool}; Nachrichtenflüsse verbinden verschiedene Pools: verwenden Sie innerhalb "
        "eines Pools einen Sequenzfluss",
        "en": "message flow {flow:bare} connects {source} and {target}, both in {pool}; "
        "message flows connect different pools: use a sequence flow inside a pool",
    },
    "no-shape": {
        "de": "{el} ist in keinem Diagramm gezeichnet: zeichnen Sie das Element (oder entfernen Sie es, "
        "wenn es übrig geblieben ist)",
        "en": "{el} is in no diagram; draw it (or remove it if it is left over)",
    },
    # what to do about a reference that names nothing, or the wrong kind
    "fix-flow-end": {
        "de": "verbinden Sie den Fluss mit einem vorhandenen Element oder entfernen Sie ihn",
        "en": "connect the flow to an existing element or remove it",
    },
    "fix-bpmnElement": {
        "de": "entfernen Sie die Form oder Kante, oder lassen Sie sie auf ein vorhandenes Element zeigen",
        "en": "remove the shape or edge, or point it to an existing element",
    },
    "fix-flowNodeRef": {"de": "entfernen Sie den Eintrag aus der Lane", "en": "remove the entry from the lane"},
    "fix-processRef": {
        "de": "lassen Sie den Pool auf einen vorhandenen Prozess zeigen oder entfernen Sie das "
        "Attribut (ein Pool ohne Inhalt)",
        "en": "point the pool to an existing process or remove the attribute (a black-box pool)",
    },
    "fix-default": {
        "de": "wählen Sie einen der ausgehenden Sequenzflüsse des Elements als Standardfluss, oder "
        "entfernen Sie das Attribut",
        "en": "choose one of the element's outgoing sequence flows as default, or remove the attribute",
    },
    "fix-attachedToRef": {
        "de": "heften Sie das Ereignis an eine vorhandene Aktivität oder entfernen Sie es",
        "en": "attach the boundary event to an existing activity or remove it",
    },
    "fix-incoming-outgoing": {
        "de": "entfernen Sie den Eintrag <{name}> (Sequenzflüsse werden aus ihrem sourceRef/targetRef gelesen)",
        "en": "remove the <{name}> entry (sequence flows are read from their sourceRef/targetRef)",
    },
    "fix-wrong-kind": {
        "de": "lassen Sie den Verweis auf ein Element der richtigen Art zeigen",
        "en": "point it to an element of the right kind",
    },
    "fix-dangling": {
        "de": "lassen Sie den Verweis auf ein vorhandenes Element zeigen oder entfernen Sie ihn",
        "en": "point it to an existing element or remove it",
    },
}
check_messages(MESSAGES, "bpmn.validate")
# What to do about a reference that names nothing or the wrong kind, by reference name.
FIX_KEYS = {
    "sourceRef": "fix-flow-end",
    "targetRef": "fix-flow-end",
    "bpmnElement": "fix-bpmnElement",
    "flowNodeRef": "fix-flowNodeRef",
    "processRef": "fix-processRef",
    "default": "fix-default",
    "attachedToRef": "fix-attachedToRef",
    "incoming": "fix-incoming-outgoing",
    "outgoing": "fix-incoming-outgoing",
}
# What a reference of the wrong kind must name, for groups too big to list kind by kind.
GROUP_WORDS = {
    "interaction": Words(
        de="einen Pool oder einen Flussknoten (Aktivität, Ereignis)", en="a pool or a flow node (activity, event)"
    ),
    "flow-node": Words(
        de="einen Flussknoten (Aktivität, Ereignis oder Gateway)", en="a flow node (activity, event or gateway)"
    ),
    "activity": Words(de="eine Aktivität", en="an activity"),
    "callable": Words(de="einen Prozess oder eine globale Aufgabe", en="a process or a global task"),
    "other": Words(de="ein Element einer anderen Art", en="an element of another kind"),
}


def say(key: str, lang: str, /, **params: object) -> str:
    """The message ``key`` of this table in ``lang`` (de or en), with ``params`` filled in."""
    return _say_in(MESSAGES, key, lang, **params)


# --- naming an element together with the flow element that carries it ---------------------------

# Elements a message can name by themselves: flow elements, artifacts, pools, lanes, processes,
# message flows and conversations, and the diagram's shapes and edges. Global elements (children
# of definitions: messages, errors, signals, global event definitions …) and any element with a
# label (an operation, a data input …) name themselves too.
SELF_NAMED = (
    kinds.FLOW_ELEMENTS
    | kinds.ARTIFACTS
    | {
        "definitions",
        "process",
        "collaboration",
        "participant",
        "laneSet",
        "lane",
        "messageFlow",
        "conversation",
        "subConversation",
        "callConversation",
        "conversationLink",
        "choreography",
        "subChoreography",
        "callChoreography",
        "choreographyTask",
        "BPMNDiagram",
        "BPMNPlane",
        "BPMNShape",
        "BPMNEdge",
    }
)
_OMG = (f"{{{BPMN_NS}}}", f"{{{BPMNDI_NS}}}")


def self_named(el: _Element) -> bool:
    """Whether a message can name ``el`` alone: a flow element, pool, lane, process, global
    element, shape or edge, or an element with a label; not an unnamed event definition, loop
    characteristics, data association …"""
    if not isinstance(el.tag, str) or not el.tag.startswith(_OMG):
        return False
    if local_name(el.tag) in SELF_NAMED or label(el):
        return True
    parent = el.getparent()
    return parent is not None and local_name(parent.tag) == "definitions"


def owner_of(el: _Element) -> _Element | None:
    """The nearest ancestor a message can name by itself (``self_named``), else the nearest one
    with an id, else None."""
    parent = el.getparent()
    with_id = None
    while parent is not None:
        if self_named(parent):
            return parent
        if with_id is None and isinstance(parent.tag, str) and parent.get("id"):
            with_id = parent
        parent = parent.getparent()
    return with_id


def _child_words(el: _Element, lang: str) -> str:
    """An element described alone; an event definition by its trigger ('Ereignisdefinition (Fehler)')."""
    kind = local_name(el.tag)
    if lang == "de" and kind in kinds.EVENT_DEFINITIONS:
        text = f"Ereignisdefinition ({trigger_words([kind]).de})"
        ident = el.get("id")
        return f"{text} [{ident}]" if ident else text
    return describe(el, lang=lang)


def named(el: _Element) -> _Element | Words:
    """A message parameter for ``el``: the element itself when it names itself, else its
    description with the flow element (pool, lane …) that carries it, in both languages:
    "error event definition (Def_1) in boundary event 'Prüfung gescheitert' (Fail_1)" /
    "Angeheftetes Ereignis „Prüfung gescheitert“ [Fail_1], Ereignisdefinition (Fehler) [Def_1]"."""
    if self_named(el):
        return el
    owner = owner_of(el)
    if owner is None:
        return Words(**{lang: _child_words(el, lang) for lang in ("de", "en")})
    return Words(**{lang: say("inside", lang, owner=owner, child=_child_words(el, lang)) for lang in ("de", "en")})
