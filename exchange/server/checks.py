"""The checks a model passes before the library accepts it, and the labels search reads from it.

``check_model`` calls the project's validator (bpmn.validate, schema and reference checks) when
it is installed; until then it parses with the hardened reader and validates against the OMG
XSDs itself. Either way it returns Findings; any of severity "error" refuses the upload.
"""
import threading
from functools import lru_cache
from importlib import resources

from lxml import etree

from bpmn import xml as bxml
from bpmn.errors import BpmnReadError
from bpmn.findings import Finding

# Elements whose names people search for: activities, events, gateways, lanes, participants.
_LABELLED = (
    "task", "userTask", "serviceTask", "sendTask", "receiveTask", "manualTask", "businessRuleTask",
    "scriptTask", "callActivity", "subProcess", "adHocSubProcess", "transaction",
    "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
    "exclusiveGateway", "inclusiveGateway", "parallelGateway", "eventBasedGateway", "complexGateway",
    "lane", "participant", "process", "dataObjectReference", "dataStoreReference",
)
_LABEL_XPATH = etree.XPath(
    " | ".join(f"//b:{name}[@name]" for name in _LABELLED), namespaces={"b": bxml.BPMN_NS})
_xsd_lock = threading.Lock()


@lru_cache(maxsize=1)
def _bpmn_schema():
    # The OMG schema is trusted and local; it imports its siblings by relative path.
    path = resources.files("schemas").joinpath("bpmn20", "BPMN20.xsd")
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.XMLSchema(etree.parse(str(path), parser))


def _validator():
    try:
        from bpmn import validate
    except ImportError:
        return None
    return getattr(validate, "validate_bytes", None)


def check_model(data, source="model"):
    """Findings for ``data`` (bytes of a BPMN file). Severity "error" means: refuse it."""
    validate_bytes = _validator()
    if validate_bytes is not None:
        try:
            result = validate_bytes(data, source, rules="none", lang="en")  # API consumers read English
        except BpmnReadError as error:
            return [_unreadable(error)]
        return list(result.findings)
    try:
        tree = bxml.parse_bytes(data, source, max_bytes=None)
    except BpmnReadError as error:
        return [_unreadable(error)]
    schema = _bpmn_schema()
    with _xsd_lock:  # one compiled schema, and its error log, shared by all request threads
        valid = schema.validate(tree)
        log = list(schema.error_log) if not valid else []
    return [Finding("xsd-invalid", entry.message, "error", entry.line or None, None) for entry in log[:50]]


def _unreadable(error):
    return Finding("not-readable", error.reason, "error", error.line, None)


def task_labels(data, source="model"):
    """The distinct names of the model's activities, events, gateways, lanes and pools, in order."""
    tree = bxml.parse_bytes(data, source, max_bytes=None)
    seen, labels = set(), []
    for element in _LABEL_XPATH(tree):
        label = " ".join(element.get("name", "").split())
        if label and label not in seen:
            seen.add(label)
            labels.append(label)
    return labels


def finding_dict(finding):
    return {"code": finding.code, "severity": finding.severity, "message": finding.message,
            "line": finding.line, "element": finding.element}
