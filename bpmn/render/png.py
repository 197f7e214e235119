"""SVG to PNG through cairosvg (which needs the cairo C library, so it is imported on use)."""

from procex.bpmn.render.errors import RenderError


def svg_to_png(svg, scale=1.0):
    """PNG bytes of an SVG document, through cairosvg (needs the cairo library); ``scale`` pixels
    per SVG unit."""
    try:
        import cairosvg
    except (ImportError, OSError) as error:
        raise RenderError(
            f"PNG output needs cairosvg and the cairo library ({error}); install the 'libcairo2' "
            "package (Debian/Ubuntu) or write SVG instead (-o out.svg)"
        ) from None
    return cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=scale)
