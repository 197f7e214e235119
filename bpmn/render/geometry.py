"""Plane geometry of the drawing: coordinates as SVG numbers, the drawn extent, bounds and lines."""

import math
from dataclasses import replace
from functools import lru_cache
from itertools import pairwise


# Kept per value: a large diagram writes hundreds of thousands of coordinates, most of them repeats
# (grid positions, sizes of tasks), and round + repr cost more than the lookup. 1 and 1.0 share a
# key and give the same text.
@lru_cache(maxsize=1 << 16)
def num(value):
    """Short decimal for SVG coordinates."""
    value = round(float(value), 2)
    return str(int(value)) if value == int(value) else repr(value)


class Extent:
    """The smallest box around everything drawn so far (it becomes the viewBox)."""

    def __init__(self):
        self.x0 = self.y0 = math.inf
        self.x1 = self.y1 = -math.inf

    def add(self, x0, y0, x1, y1):
        self.x0, self.y0 = min(self.x0, x0), min(self.y0, y0)
        self.x1, self.y1 = max(self.x1, x1), max(self.y1, y1)


def replace_bounds(b, **changes):
    """A copy of the bounds ``b`` with some of x, y, width, height changed."""
    return replace(b, **changes)


def dedupe(points):
    """The waypoints without consecutive repeats (a zero-length segment has no direction)."""
    out = []
    for p in points:
        if not out or (abs(out[-1][0] - p[0]) > 1e-6 or abs(out[-1][1] - p[1]) > 1e-6):
            out.append(p)
    return out


def unit(a, b):
    """The unit vector from point ``a`` towards point ``b``."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = math.hypot(dx, dy) or 1.0
    return dx / length, dy / length


def midpoint_segment(points):
    """The segment of a polyline that holds the middle of its length."""
    lengths = [math.hypot(b[0] - a[0], b[1] - a[1]) for a, b in pairwise(points)]
    half = sum(lengths) / 2
    run = 0.0
    for (a, b), length in zip(pairwise(points), lengths, strict=True):
        if run + length >= half:
            return a, b
        run += length
    return points[-2], points[-1]


def star_points(cx, cy, radius):
    """``x,y`` corners of the upright pentagon around (cx, cy) used by "multiple" markers."""
    return " ".join(
        f"{num(cx + radius * math.cos(-math.pi / 2 + i * 2 * math.pi / 5))},"
        f"{num(cy + radius * math.sin(-math.pi / 2 + i * 2 * math.pi / 5))}"
        for i in range(5)
    )


def spokes(cx, cy, inner, outer, count, attributes):
    """``count`` (even) radial ``<line>`` strokes from ``inner`` to ``outer`` radius (clock ticks, gear teeth)."""
    half = count // 2  # the angle is i * pi / half: the same floats as the icons always had
    out = []
    for i in range(count):
        cos, sin = math.cos(i * math.pi / half), math.sin(i * math.pi / half)
        out.append(
            f'<line x1="{num(cx + inner * cos)}" y1="{num(cy + inner * sin)}" '
            f'x2="{num(cx + outer * cos)}" y2="{num(cy + outer * sin)}" {attributes}/>'
        )
    return "".join(out)
