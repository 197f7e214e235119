"""Finding: one observation about a model, shared by import, schema, reference and lint checks."""

from dataclasses import asdict, dataclass
from typing import Any

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Finding:
    """What was found (``code``), how bad (``severity``), in words, and where (line, element id)."""

    code: str
    message: str
    severity: str = "warning"
    line: int | None = None
    element: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "-"
        elem = f" [{self.element}]" if self.element else ""
        return f"{where}{elem} {self.severity} {self.code}: {self.message}"
