"""The errors of reading and editing BPMN models, part of procex's one exception family."""

from procex.core.errors import ProcexError


class BpmnReadError(ProcexError):
    """A file cannot be read as BPMN 2.0 at all (not XML, not BPMN, hostile, too large)."""

    def __init__(
        self, message: str, source: str | None = None, line: int | None = None, column: int | None = None
    ) -> None:
        self.source = source
        self.line = line
        self.column = column
        where = source or "<input>"
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        super().__init__(f"{where}: {message}")
        self.reason = message


class EditError(ProcexError):
    """An edit cannot be applied: unknown element, wrong type, or it would break the model."""
