"""Why a model cannot be drawn: the renderer's two user-facing errors."""

from procex.core.errors import ProcexError


class RenderError(ProcexError):
    """A model cannot be drawn: no diagram interchange, or no diagram with the asked number."""


class NoDiagramError(RenderError):
    """The model has no BPMNDI; procex draws only the layout the modelling tool stored."""
