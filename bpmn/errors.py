"""The one exception family of procex.

Every error a user can cause (a file that cannot be read, a wrong argument, a refused upload)
derives from ProcexError. cli.py catches it once and prints ``str(error)`` as one line; nothing
else reaches the user as a traceback.
"""


class ProcexError(Exception):
    """Base of all errors procex reports to a person. The message says what and what to do."""

    exit_code = 2


class BpmnReadError(ProcexError):
    """A file cannot be read as BPMN 2.0 at all (not XML, not BPMN, hostile, too large)."""

    def __init__(self, message, source=None, line=None, column=None):
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
