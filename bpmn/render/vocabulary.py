"""Names of BPMN kinds and event definitions in German and English, for tooltips and lists."""

TYPE_LABELS = {
    "task": ("Aufgabe", "Task"),
    "userTask": ("Benutzeraufgabe", "User task"),
    "serviceTask": ("Serviceaufgabe", "Service task"),
    "sendTask": ("Sendeaufgabe", "Send task"),
    "receiveTask": ("Empfangsaufgabe", "Receive task"),
    "manualTask": ("Manuelle Aufgabe", "Manual task"),
    "businessRuleTask": ("Geschäftsregelaufgabe", "Business rule task"),
    "scriptTask": ("Skriptaufgabe", "Script task"),
    "callActivity": ("Aufrufaktivität", "Call activity"),
    "subProcess": ("Teilprozess", "Sub-process"),
    "adHocSubProcess": ("Ad-hoc-Teilprozess", "Ad-hoc sub-process"),
    "transaction": ("Transaktion", "Transaction"),
    "startEvent": ("Startereignis", "Start event"),
    "endEvent": ("Endereignis", "End event"),
    "intermediateCatchEvent": ("Zwischenereignis (eintretend)", "Intermediate catch event"),
    "intermediateThrowEvent": ("Zwischenereignis (auslösend)", "Intermediate throw event"),
    "boundaryEvent": ("Angeheftetes Ereignis", "Boundary event"),
    "implicitThrowEvent": ("Zwischenereignis (auslösend)", "Implicit throw event"),
    "exclusiveGateway": ("Exklusives Gateway", "Exclusive gateway"),
    "inclusiveGateway": ("Inklusives Gateway", "Inclusive gateway"),
    "parallelGateway": ("Paralleles Gateway", "Parallel gateway"),
    "eventBasedGateway": ("Ereignisbasiertes Gateway", "Event-based gateway"),
    "complexGateway": ("Komplexes Gateway", "Complex gateway"),
    "dataObject": ("Datenobjekt", "Data object"),
    "dataObjectReference": ("Datenobjekt", "Data object"),
    "dataStoreReference": ("Datenspeicher", "Data store"),
    "dataStore": ("Datenspeicher", "Data store"),
    "dataInput": ("Dateneingabe", "Data input"),
    "dataOutput": ("Datenausgabe", "Data output"),
    "textAnnotation": ("Anmerkung", "Text annotation"),
    "group": ("Gruppe", "Group"),
    "participant": ("Pool", "Pool"),
    "lane": ("Lane", "Lane"),
    "sequenceFlow": ("Sequenzfluss", "Sequence flow"),
    "messageFlow": ("Nachrichtenfluss", "Message flow"),
    "association": ("Assoziation", "Association"),
    "dataInputAssociation": ("Datenassoziation (Eingabe)", "Data input association"),
    "dataOutputAssociation": ("Datenassoziation (Ausgabe)", "Data output association"),
    "message": ("Nachricht", "Message"),
    "process": ("Prozess", "Process"),
    None: ("Unbekanntes Element", "Unknown element"),
}
DEFINITION_LABELS = {
    "message": ("Nachricht", "message"),
    "timer": ("Zeit", "timer"),
    "error": ("Fehler", "error"),
    "escalation": ("Eskalation", "escalation"),
    "signal": ("Signal", "signal"),
    "conditional": ("Bedingung", "conditional"),
    "link": ("Link", "link"),
    "compensate": ("Kompensation", "compensation"),
    "cancel": ("Abbruch", "cancel"),
    "terminate": ("Terminierung", "terminate"),
    "multiple": ("Mehrfach", "multiple"),
    "parallelMultiple": ("Parallel mehrfach", "parallel multiple"),
}


def type_label(kind, lang="de"):
    """The readable name of a BPMN kind in German ("de") or English ("en")."""
    labels = TYPE_LABELS.get(kind)
    if labels is None:
        return kind or TYPE_LABELS[None][lang == "en"]
    return labels[lang == "en"]


def definitions_suffix(definitions, lang):
    """`` (Nachricht, Zeit)``: the definitions named after an event's type; "" when none."""
    if not definitions:
        return ""
    return " (" + ", ".join(DEFINITION_LABELS.get(d, (d, d))[lang == "en"] for d in definitions) + ")"
