"""``procex render``: read a model file and write its diagram to an .svg or .png file."""

from pathlib import Path

from procex.bpmn.model import read_model
from procex.bpmn.render.errors import RenderError
from procex.bpmn.render.png import svg_to_png
from procex.bpmn.render.svg import render_svg
from procex.bpmn.xml import DEFAULT_MAX_BYTES
from procex.core.files import atomic_write


def render_file(path, output=None, diagram=0, lang="de", max_bytes=None, scale=1.0):
    """Render the model at ``path``; write it atomically to ``output`` (.svg or .png) when given.

    ``scale`` sets a PNG's pixels per diagram unit; it is refused for SVG (which scales itself).

    Returns the SVG text when ``output`` is None, else the bytes written.
    """
    suffix = Path(output).suffix.lower() if output else ".svg"
    if suffix not in (".svg", ".png"):
        raise RenderError(
            f"{output}: cannot write {suffix or 'files without a suffix'}; name the output *.svg or *.png"
        )
    if scale != 1.0 and suffix != ".png":
        raise RenderError(f"--scale applies to PNG output only; name the output *.png (not {output or 'stdout'})")
    model = read_model(path, max_bytes or DEFAULT_MAX_BYTES)
    svg = render_svg(model, diagram=diagram, lang=lang)
    if output is None:
        return svg
    data = svg_to_png(svg, scale=scale) if suffix == ".png" else svg.encode("utf-8")
    atomic_write(output, data)
    return data
