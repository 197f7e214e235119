"""The error of an upstream change that cannot be applied."""

from procex.bpmn.errors import EditError


class MergeApplyError(EditError):
    """An upstream change cannot be applied to the local model (what it needs is missing there)."""
