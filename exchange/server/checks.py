"""The checks a model passes before the library accepts it, and the labels search reads from it.

``check_model`` calls the project's validator (bpmn.validate, schema and reference checks) when
it is installed; until then it parses with the hardened reader and validates against the OMG
XSDs itself. Either way it returns Findings; any of severity "error" refuses the upload.

``review_model`` does the same check and, in the same pass, counts the findings of the
recommended lint preset: the validation summary {"errors": n, "warnings": n} the library keeps
with each version (computed once at publish, listed in search and the index). Lint findings never
refuse an upload; the summary is None when it cannot be computed.
"""

import logging
import threading
from functools import lru_cache
from importlib import resources

from lxml import etree

from procex.bpmn import xml as bxml
from procex.bpmn.errors import BpmnReadError
from procex.bpmn.findings import Finding

# Elements whose names people search for: activities, events, gateways, lanes, participants.
_LABELLED = (
    "task",
    "userTask",
    "serviceTask",
    "sendTask",
    "receiveTask",
    "manualTask",
    "businessRuleTask",
    "scriptTask",
    "callActivity",
    "subProcess",
    "adHocSubProcess",
    "transaction",
    "startEvent",
    "endEvent",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "boundaryEvent",
    "exclusiveGateway",
    "inclusiveGateway",
    "parallelGateway",
    "eventBasedGateway",
    "complexGateway",
    "lane",
    "participant",
    "process",
    "dataObjectReference",
    "dataStoreReference",
)
_LABEL_XPATH = etree.XPath(" | ".join(f"//b:{name}[@name]" for name in _LABELLED), namespaces={"b": bxml.BPMN_NS})
_xsd_lock = threading.Lock()
SUMMARY_RULES = "recommended"  # the lint preset whose counts the library keeps per version
_log = logging.getLogger("procex.server")


@lru_cache(maxsize=1)
def _bpmn_schema():
    # The OMG schema is trusted and local; it imports its siblings by relative path.
    path = resources.files("procex.schemas").joinpath("bpmn20", "BPMN20.xsd")
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.XMLSchema(etree.parse(str(path), parser))


def _validator():
    try:
        from procex.bpmn import validate
    except ImportError:
        return None
    return getattr(validate, "validate_bytes", None)


def check_model(data, source="model"):
    """Findings for ``data`` (bytes of a BPMN file). Severity "error" means: refuse it."""
    return review_model(data, source)[0]


def review_model(data, source="model"):
    """(findings, summary) for ``data`` in one validation pass.

    ``findings`` are the schema and reference findings that decide acceptance (exactly what
    ``rules="none"`` gives; severity "error" refuses). ``summary`` is {"errors": n, "warnings": n}
    over everything the recommended preset finds (schema, references and its lint rules, with the
    rules' default severities: a missing diagram or label counts as an error there although the
    library accepts the model), or None when it cannot be computed.
    """
    validate_bytes = _validator()
    if validate_bytes is not None:
        try:
            result = validate_bytes(data, source, rules=SUMMARY_RULES, lang="en")  # API consumers read English
        except BpmnReadError as error:
            return [_unreadable(error)], None
        except Exception:  # a lint rule failing on an odd model must not change what is accepted
            _log.exception("the %s lint rules failed on %s; checking schema and references only", SUMMARY_RULES, source)
            try:
                result = validate_bytes(data, source, rules="none", lang="en")
            except BpmnReadError as error:
                return [_unreadable(error)], None
            return list(result.findings), None
        lint_ids = _lint_rule_ids()
        summary = {"errors": result.errors, "warnings": result.warnings}
        return [f for f in result.findings if f.code not in lint_ids], summary
    return _xsd_findings(data, source), None


def validation_summary(data, source="model"):
    """The validation summary of a stored model ({"errors", "warnings"}), or None (schema upgrade)."""
    return review_model(data, source)[1]


@lru_cache(maxsize=1)
def _lint_rule_ids():
    from procex.bpmn import rules

    return frozenset(rules.registry())


def _xsd_findings(data, source):
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
    return {
        "code": finding.code,
        "severity": finding.severity,
        "message": finding.message,
        "line": finding.line,
        "element": finding.element,
    }
