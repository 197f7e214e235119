"""The report formats of several validated files: a text table, JSON and SARIF 2.1.0.

The text table's words and the help texts of the ``xsd`` and ``reference`` checks are in German
or English; each lint rule brings its own help texts (bpmn/rules/).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypedDict

if TYPE_CHECKING:
    from procex.bpmn.errors import BpmnReadError
    from procex.bpmn.rules import LintConfig
    from procex.bpmn.validate.report import Report

XSD_HELP = (
    "The file does not match the OMG BPMN 2.0 XML Schema (BPMN20.xsd). Tools that validate on "
    "import may refuse it. How to fix: correct the element named in the message; "
    "`procex export --plain` removes misplaced vendor extensions."
)
REFERENCE_HELP = (
    "A reference names no element, or an element of the wrong kind; ids are not unique; a "
    "sequence flow crosses a (sub-)process boundary; a message flow stays inside one pool; or "
    "a diagram does not match the model. How to fix: point the reference to the right "
    "element or remove it, as the message says."
)
XSD_HELP_DE = (
    "Die Datei entspricht nicht dem XML-Schema von OMG BPMN 2.0 (BPMN20.xsd). Werkzeuge, die beim "
    "Import prüfen, können sie ablehnen. Abhilfe: Korrigieren Sie das in der Meldung genannte "
    "Element; `procex export --plain` entfernt falsch platzierte Hersteller-Erweiterungen."
)
REFERENCE_HELP_DE = (
    "Ein Verweis zeigt auf kein Element oder auf ein Element der falschen Art; Ids sind nicht "
    "eindeutig; ein Sequenzfluss überquert die Grenze eines (Teil-)Prozesses; ein "
    "Nachrichtenfluss bleibt in einem Pool; oder ein Diagramm passt nicht zum Modell. Abhilfe: "
    "Lassen Sie den Verweis auf das richtige Element zeigen oder entfernen Sie ihn, wie die "
    "Meldung sagt."
)
READ_RULE = "not-readable"  # the rule id of a file that cannot be read (as the library server's review)
READ_HELP = (
    "The file cannot be read as BPMN 2.0 at all: it is not well-formed XML, its root is not BPMN 2.0 "
    "definitions, it has a DOCTYPE, or it is too large. Nothing else was checked. How to fix: save "
    "the model again from a BPMN editor, or correct the place the message names."
)
READ_HELP_DE = (
    "Die Datei lässt sich überhaupt nicht als BPMN 2.0 lesen: sie ist kein wohlgeformtes XML, ihr "
    "Wurzelelement ist nicht BPMN-2.0-definitions, sie hat eine DOCTYPE-Deklaration oder ist zu groß. "
    "Nichts anderes wurde geprüft. Abhilfe: Speichern Sie das Modell erneut aus einem BPMN-Editor "
    "oder korrigieren Sie die in der Meldung genannte Stelle."
)


class _Words(TypedDict):
    """The text report's words in one language: table header, severities, the total line."""

    header: tuple[str, str, str, str, str, str]
    severity: dict[str, str]
    file: tuple[str, str]
    error: tuple[str, str]
    warning: tuple[str, str]
    info: tuple[str, str]
    checked: str
    failed: str
    unreadable: str


_TEXT: dict[str, _Words] = {
    "de": {
        "header": ("DATEI", "ZEILE", "ELEMENT", "SCHWERE", "REGEL", "MELDUNG"),
        "severity": {"error": "Fehler", "warning": "Warnung", "info": "Hinweis"},
        "file": ("Datei", "Dateien"),
        "error": ("Fehler", "Fehler"),
        "warning": ("Warnung", "Warnungen"),
        "info": ("Hinweis", "Hinweise"),
        "checked": "{files} geprüft: {errors}, {warnings}, {infos}",
        "failed": " ({files} mit Fehlern)",
        "unreadable": "; {files} nicht lesbar",
    },
    "en": {
        "header": ("FILE", "LINE", "ELEMENT", "SEVERITY", "RULE", "MESSAGE"),
        "severity": {"error": "error", "warning": "warning", "info": "info"},
        "file": ("file", "files"),
        "error": ("error", "errors"),
        "warning": ("warning", "warnings"),
        "info": ("info", "info"),
        "checked": "{files} checked: {errors}, {warnings}, {infos}",
        "failed": " ({files} with errors)",
        "unreadable": "; {files} could not be read",
    },
}


def format_text(reports: Sequence[Report], unreadable: Sequence[BpmnReadError] = (), lang: str = "de") -> str:
    """A table (file, line, element, severity, rule, message) and a total line, in German or English."""
    words = _TEXT[lang]

    def count(n: int, word: Literal["file", "error", "warning", "info"]) -> str:
        return f"{n} {words[word][0 if n == 1 else 1]}"

    rows = [
        (
            r.path or "-",
            str(f.line or "-"),
            f.element or "-",
            words["severity"].get(f.severity, f.severity),
            f.code,
            f.message,
        )
        for r in reports
        for f in r.findings
    ]
    lines: list[str] = []
    if rows:
        header = words["header"]
        widths = [max(len(row[i]) for row in rows + [header]) for i in range(5)]
        for row in [header] + rows:
            aligned = "  ".join(cell.ljust(width) for cell, width in zip(row[:5], widths, strict=True))
            lines.append(f"{aligned}  {row[5]}")
    errors = sum(r.errors for r in reports)
    warnings = sum(r.warnings for r in reports)
    infos = sum(1 for r in reports for f in r.findings if f.severity == "info")
    failed = sum(1 for r in reports if not r.ok)
    total = words["checked"].format(
        files=count(len(reports), "file"),
        errors=count(errors, "error"),
        warnings=count(warnings, "warning"),
        infos=count(infos, "info"),
    )
    if failed:
        total += words["failed"].format(files=count(failed, "file"))
    if unreadable:
        total += words["unreadable"].format(files=count(len(unreadable), "file"))
    lines.append(total)
    return "\n".join(lines)


def read_error_entry(error: BpmnReadError) -> dict[str, Any]:
    """The JSON file entry of a file that could not be read (a BpmnReadError): not ok, one error
    finding of rule ``not-readable`` with the reason, and the line and column when known."""
    finding = {
        "rule": READ_RULE,
        "severity": "error",
        "message": error.reason,
        "line": error.line,
        "column": error.column,
        "element": None,
    }
    return {"path": error.source, "ok": False, "errors": 1, "warnings": 0, "findings": [finding]}


def to_json(reports: Sequence[Report], unreadable: Sequence[BpmnReadError] = ()) -> dict[str, Any]:
    """``{"files": [...]}``: the checked files, then one entry per file that could not be read."""
    return {"files": [r.to_dict() for r in reports] + [read_error_entry(e) for e in unreadable]}


def _rule_descriptor(rule_id: str, rules_used: dict[str, str], lang: str = "de") -> dict[str, Any]:
    from procex.bpmn import rules as lint

    de = lang == "de"
    if rule_id == "xsd":
        short, full, level = "Schema (OMG BPMN 2.0 XSD)", XSD_HELP_DE if de else XSD_HELP, "error"
    elif rule_id == "reference":
        short = "Verweise und Struktur" if de else "References and structure"
        full, level = REFERENCE_HELP_DE if de else REFERENCE_HELP, "error"
    elif rule_id == READ_RULE:
        short = "Datei nicht lesbar" if de else "File not readable"
        full, level = READ_HELP_DE if de else READ_HELP, "error"
    else:
        rule = lint.registry()[rule_id]
        short, full = rule.title(lang), rule.help(lang)
        level = "error" if rules_used.get(rule_id, rule.severity) == "error" else "warning"
    return {
        "id": rule_id,
        "name": "".join(part.capitalize() for part in rule_id.split("-")),
        "shortDescription": {"text": short},
        "fullDescription": {"text": full},
        "help": {"text": full},
        "defaultConfiguration": {"level": level},
    }


def _artifact_uri(path: str | os.PathLike[str] | None) -> str:
    if not path:
        return "unknown"
    p = Path(path)
    return p.as_uri() if p.is_absolute() else p.as_posix()


def _read_location(error: BpmnReadError, index: int) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": _artifact_uri(error.source), "index": index}}
    if error.line:
        physical["region"] = {"startLine": error.line}
        if error.column:
            physical["region"]["startColumn"] = error.column
    return {"physicalLocation": physical}


def to_sarif(
    reports: Sequence[Report],
    rules: str | None = None,
    config: LintConfig | None = None,
    lang: str = "de",
    unreadable: Sequence[BpmnReadError] = (),
) -> dict[str, Any]:
    """A SARIF 2.1.0 log: one run, the rules that were applied (with help texts in ``lang``; the
    results' messages are the findings' own), one result per finding with its file and line, and
    the element id as logical location.

    A file that could not be read (``unreadable``: BpmnReadErrors) is an artifact with one
    ``not-readable`` error result, and a tool execution notification of the one invocation, whose
    ``executionSuccessful`` is then false (``exitCode`` is procex validate's exit status)."""
    from importlib import metadata

    from procex.bpmn import rules as lint
    from procex.bpmn.validate.run import exit_status

    try:
        version = metadata.version("procex")
    except metadata.PackageNotFoundError:
        version = "0"
    used = lint.resolve(rules, config) if rules != "none" else {}
    rule_ids = ["xsd", "reference"] + list(used)
    for report in reports:
        for f in report.findings:
            if f.code not in rule_ids:
                rule_ids.append(f.code)
    if unreadable and READ_RULE not in rule_ids:
        rule_ids.append(READ_RULE)
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    artifacts = [{"location": {"uri": _artifact_uri(r.path)}} for r in reports]
    results: list[dict[str, Any]] = []
    for i, report in enumerate(reports):
        for f in report.findings:
            physical: dict[str, Any] = {"artifactLocation": {"uri": _artifact_uri(report.path), "index": i}}
            if f.line:
                physical["region"] = {"startLine": f.line}
            location: dict[str, Any] = {"physicalLocation": physical}
            if f.element:
                location["logicalLocations"] = [{"name": f.element, "kind": "element"}]
            results.append(
                {
                    "ruleId": f.code,
                    "ruleIndex": index[f.code],
                    "level": {"error": "error", "warning": "warning"}.get(f.severity, "note"),
                    "message": {"text": f.message},
                    "locations": [location],
                }
            )
    notifications: list[dict[str, Any]] = []
    for error in unreadable:
        artifacts.append({"location": {"uri": _artifact_uri(error.source)}})
        location = _read_location(error, len(artifacts) - 1)
        results.append(
            {
                "ruleId": READ_RULE,
                "ruleIndex": index[READ_RULE],
                "level": "error",
                "message": {"text": error.reason},
                "locations": [location],
            }
        )
        notifications.append(
            {
                "level": "error",
                "message": {"text": str(error)},
                "locations": [location],
                "associatedRule": {"id": READ_RULE, "index": index[READ_RULE]},
            }
        )
    invocation: dict[str, Any] = {"executionSuccessful": not unreadable, "exitCode": exit_status(reports, unreadable)}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "procex",
                        "version": version,
                        "rules": [_rule_descriptor(r, used, lang) for r in rule_ids],
                    }
                },
                "invocations": [invocation],
                "language": lang,
                "artifacts": artifacts,
                "results": results,
            }
        ],
    }
