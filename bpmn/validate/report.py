"""The Report of one validated file: its findings, the error and warning counts, and its dict form."""

from dataclasses import dataclass, field
from typing import Any

from procex.bpmn.findings import Finding

# How findings of one line are ordered: errors first.
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass
class Report:
    """The findings for one file. ``errors``/``warnings`` are counts; ``ok`` means no errors."""

    path: str | None
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")

    @property
    def ok(self) -> bool:
        return self.errors == 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "ok": self.ok,
            "errors": self.errors,
            "warnings": self.warnings,
            "findings": [
                {"rule": f.code, "severity": f.severity, "message": f.message, "line": f.line, "element": f.element}
                for f in self.findings
            ],
        }
