"""Validate a BPMN model: OMG schema, references no schema resolves, and the lint rules.

``validate_file`` / ``validate_bytes`` / ``validate_model`` return a Report of Findings:
- ``xsd``: the OMG BPMN 2.0 XSDs. libxml2 (lxml) is the fast gate (a pool of compiled schemas, one per
  concurrent check); only a file that fails it is read again by xmlschema, whose ``iter_errors`` lists every error
  with its path and line (libxml2 may stop early and does not resolve IDREFs).
- ``reference``: every id reference (attributes and texts of bpmn/kinds.py) resolves to an
  element of the right kind, ids are unique, defaults are outgoing flows, sequence flows stay
  in their (sub-)process, message flows join two pools, and diagram shapes match elements.
- lint rules (bpmn/rules/), chosen by a preset and a ``[lint]`` config table.

Messages are German by default (``lang="de"``; councils and reviewers read them) or English
(``lang="en"``); the templates of the schema and reference findings are in ``MESSAGES``
(messages.py), each rule's in its module. xmlschema's and libxml2's own reasons are quoted as
they come. A file that cannot be read at all raises BpmnReadError (the CLI exits 2); in the JSON
and SARIF reports it is a file with one ``not-readable`` error.

Modules: run (one model, several files, the exit status), schema (xsd), references and
reference_index (reference), messages (their German and English words), report (Report),
formats (text table, JSON, SARIF).
"""

from procex.bpmn.rules import ConfigError, LintConfig, find_config, load_config
from procex.bpmn.validate.formats import (
    READ_RULE,
    REFERENCE_HELP,
    REFERENCE_HELP_DE,
    XSD_HELP,
    XSD_HELP_DE,
    format_text,
    to_json,
    to_sarif,
)
from procex.bpmn.validate.messages import MESSAGES
from procex.bpmn.validate.references import reference_findings
from procex.bpmn.validate.report import SEVERITY_ORDER, Report
from procex.bpmn.validate.run import (
    config_for,
    exit_status,
    validate_bytes,
    validate_file,
    validate_model,
    validate_paths,
)
from procex.bpmn.validate.schema import XSD_NS, lxml_schema, schema_findings, xmlschema_schema

__all__ = [
    "MESSAGES",
    "READ_RULE",
    "REFERENCE_HELP",
    "REFERENCE_HELP_DE",
    "SEVERITY_ORDER",
    "XSD_HELP",
    "XSD_HELP_DE",
    "XSD_NS",
    "ConfigError",
    "LintConfig",
    "Report",
    "config_for",
    "exit_status",
    "find_config",
    "format_text",
    "load_config",
    "lxml_schema",
    "reference_findings",
    "schema_findings",
    "to_json",
    "to_sarif",
    "validate_bytes",
    "validate_file",
    "validate_model",
    "validate_paths",
    "xmlschema_schema",
]
