"""Diagram layout for the example models: grid placement and orthogonal edge routing.

Pools are stacked top to bottom, lanes are horizontal bands inside a pool, each lane has one or
more rows, and nodes sit centred in a grid cell (column ``col``, row ``row`` of their lane).
Flows are routed on a visibility grid (node centre lines, the gaps between columns, channels
just above and below each row) with a shortest-path search that charges for length, bends and
reuse of a stretch another edge already runs along, and never lets a segment cut through a shape
other than its own two ends. A flow that cannot be routed is an error in the description.
"""

import heapq
from dataclasses import dataclass
from itertools import pairwise

from procex.exchange.examples.spec import EVENT_KINDS, GATEWAY_KINDS

POOL_X = 160
POOL_Y = 80
POOL_HEADER = 30  # the band with the pool's name
LANE_HEADER = 30  # the band with the lane's name
POOL_GAP = 60
COL_W = 150
ROW_H = 130
FIRST_COL = 70  # from the start of the content area to the centre of column 0
SIZES = {"task": (100, 80), "event": (36, 36), "gateway": (50, 50)}
MARGIN = 6  # keep lines this far from foreign shapes
BEND = 30  # cost of one bend, in pixels of length
REUSE = 200  # cost of running along a stretch another edge already uses
DIRS = {"E": (1, 0), "W": (-1, 0), "S": (0, 1), "N": (0, -1)}
OPPOSITE = {"E": "W", "W": "E", "N": "S", "S": "N"}


class LayoutError(ValueError):
    """A model description cannot be laid out (overlap, unknown lane, unroutable flow)."""


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float

    @property
    def cx(self):
        return self.x + self.w / 2

    @property
    def cy(self):
        return self.y + self.h / 2

    @property
    def right(self):
        return self.x + self.w

    @property
    def bottom(self):
        return self.y + self.h

    def grow(self, d):
        return Rect(self.x - d, self.y - d, self.w + 2 * d, self.h + 2 * d)

    def contains(self, x, y):
        return self.x < x < self.right and self.y < y < self.bottom

    def overlaps(self, other):
        return self.x < other.right and other.x < self.right and self.y < other.bottom and other.y < self.bottom

    def port(self, side):
        return {
            "E": (self.right, self.cy),
            "W": (self.x, self.cy),
            "N": (self.cx, self.y),
            "S": (self.cx, self.bottom),
        }[side]


def shape_size(kind):
    if kind in EVENT_KINDS:
        return SIZES["event"]
    if kind in GATEWAY_KINDS:
        return SIZES["gateway"]
    return SIZES["task"]


def col_x(col):
    return POOL_X + POOL_HEADER + LANE_HEADER + FIRST_COL + col * COL_W


@dataclass
class Layout:
    shapes: dict  # element id -> Rect (pools, lanes, nodes)
    edges: dict  # flow id -> [(x, y), ...]
    labels: dict  # element id -> Rect of its external label
    rows: dict  # pool or lane id -> [Rect of each row]
    pool_of: dict  # node id -> pool id


def layout(model):
    shapes, rows, pool_of = {}, {}, {}
    max_col = max(n.col for p in model.pools for n in p.nodes if n.kind != "boundaryEvent")
    width = col_x(max_col) - POOL_X + SIZES["task"][0] / 2 + 40
    y = POOL_Y
    for pool in model.pools:
        bands = pool.lanes or [None]
        height = sum((lane.rows if lane else pool.rows) * ROW_H for lane in bands)
        shapes[pool.id] = Rect(POOL_X, y, width, height)
        lane_y = y
        for lane in bands:
            n_rows = lane.rows if lane else pool.rows
            band_x = POOL_X + POOL_HEADER
            band = Rect(band_x, lane_y, width - POOL_HEADER, n_rows * ROW_H)
            key = lane.id if lane else pool.id
            if lane:
                shapes[lane.id] = band
            rows[key] = [Rect(band_x, lane_y + r * ROW_H, band.w, ROW_H) for r in range(n_rows)]
            lane_y += n_rows * ROW_H
        y += height + POOL_GAP

    for pool in model.pools:
        for node in pool.nodes:
            pool_of[node.id] = pool.id
            if node.kind == "boundaryEvent":
                continue
            key = node.lane or pool.id
            if key not in rows:
                raise LayoutError(f"{node.id}: lane {key!r} is not a lane of pool {pool.id}")
            if node.row >= len(rows[key]):
                raise LayoutError(f"{node.id}: row {node.row} but lane {key} has {len(rows[key])}")
            row = rows[key][node.row]
            w, h = shape_size(node.kind)
            shapes[node.id] = Rect(col_x(node.col) - w / 2, row.cy - h / 2, w, h)
        for node in pool.nodes:
            if node.kind == "boundaryEvent":
                host = shapes[node.attached]
                w, h = SIZES["event"]
                # on the lower edge, right of centre, so the host's own bottom port stays free
                shapes[node.id] = Rect(host.x + host.w * 0.78 - w / 2, host.bottom - h / 2, w, h)

    nodes = [n for p in model.pools for n in p.nodes]
    _check_overlaps(nodes, shapes)
    router = _Router(model, shapes, rows)
    edges = {}
    # message flows first: they have only the top and bottom of a shape to use, so sequence
    # flows make way for them rather than the other way round
    for mflow in model.message_flows:
        edges[mflow.id] = router.route_message(mflow)
    for pool in model.pools:
        kinds = {n.id: n.kind for n in pool.nodes}
        for flow in pool.flows:
            edges[flow.id] = router.route(flow.id, flow.source, flow.target, kinds, area=shapes[pool.id])
    ends = [point for points in edges.values() for point in (points[0], points[-1])]
    labels = {
        n.id: _node_label(n, shapes[n.id], ends)
        for n in nodes
        if n.name and (n.kind in EVENT_KINDS or n.kind in GATEWAY_KINDS)
    }
    sources = {f.id: f.source for p in model.pools for f in p.flows}
    sources.update({m.id: m.source for m in model.message_flows})
    names = {f.id: f.name for p in model.pools for f in p.flows}
    names.update({m.id: m.name for m in model.message_flows})
    for edge_id, points in edges.items():
        if names.get(edge_id):
            siblings = [edges[e] for e, src in sources.items() if src == sources[edge_id] and e != edge_id]
            labels[edge_id] = _edge_label(names[edge_id], points, siblings)
    return Layout(shapes, edges, labels, rows, pool_of)


def _check_overlaps(nodes, shapes):
    placed = [(n, shapes[n.id]) for n in nodes if n.kind != "boundaryEvent"]
    for i, (a, ra) in enumerate(placed):
        for b, rb in placed[i + 1 :]:
            if ra.overlaps(rb):
                raise LayoutError(f"{a.id} and {b.id} overlap (same grid cell?)")


def _node_label(node, rect, edge_ends):
    """Below the shape, or above when an edge uses the bottom; gateways prefer above."""
    width = 110 if node.kind in GATEWAY_KINDS else 100
    lines = max(1, -(-len(node.name) // 18))
    h = 14 * lines
    below = Rect(rect.cx - width / 2, rect.bottom + 6, width, h)
    above = Rect(rect.cx - width / 2, rect.y - h - 6, width, h)
    top_used = any(abs(x - rect.cx) < 1 and abs(y - rect.y) < 1 for x, y in edge_ends)
    bottom_used = any(abs(x - rect.cx) < 1 and abs(y - rect.bottom) < 1 for x, y in edge_ends)
    if node.kind == "boundaryEvent":  # beside, below the host's edge
        return Rect(rect.right + 4, rect.cy + 2, width, h)
    order = [above, below] if node.kind in GATEWAY_KINDS else [below, above]
    if top_used and bottom_used:  # beside, up and to the left, clear of both vertical exits
        return Rect(rect.x - width - 4, rect.y - h, width, h)
    if (order[0] is above and top_used) or (order[0] is below and bottom_used):
        return order[1]
    return order[0]


def _edge_label(name, points, siblings):
    """Beside the edge where it parts from the other edges leaving the same element."""
    w, h = max(24, 7 * len(name)), 14
    for (x1, y1), (x2, y2) in pairwise(points):
        length = abs(x2 - x1) + abs(y2 - y1)
        for step in range(0, int(length), 4):
            t = step / length
            x, y = x1 + (x2 - x1) * t, y1 + (y2 - y1) * t
            if not any(_on_polyline(x, y, other) for other in siblings):
                if x1 == x2:
                    return Rect(x + 6, y + 4 if y2 > y1 else y - h - 4, w, h)
                return Rect(x + 4 if x2 > x1 else x - w - 4, y - h - 4, w, h)
    (x1, y1) = points[0]
    return Rect(x1 + 6, y1 - h - 4, w, h)


def _on_polyline(x, y, points):
    for (x1, y1), (x2, y2) in pairwise(points):
        if min(x1, x2) - 0.5 <= x <= max(x1, x2) + 0.5 and min(y1, y2) - 0.5 <= y <= max(y1, y2) + 0.5:
            return True
    return False


class _Router:
    def __init__(self, model, shapes, rows):
        self.model = model
        self.shapes = shapes
        self.node_ids = [n.id for p in model.pools for n in p.nodes]
        self.boundary_hosts = {n.id: n.attached for p in model.pools for n in p.nodes if n.kind == "boundaryEvent"}
        xs, ys = set(), set()
        max_col = max(n.col for p in model.pools for n in p.nodes if n.kind != "boundaryEvent")
        for c in range(-1, int(max_col) + 2):
            xs.add(col_x(c) + COL_W / 2)
            xs.add(col_x(c))
        for node_id in self.node_ids:
            r = shapes[node_id]
            xs.add(r.cx)
            ys.add(r.cy)
        for bands in rows.values():
            for row in bands:
                ys.update((row.y + 13, row.bottom - 13))
        pools = [shapes[p.id] for p in model.pools]
        for upper, lower in pairwise(pools):
            ys.add((upper.bottom + lower.y) / 2)
        self.xs, self.ys = xs, ys
        self.used = set()  # unit stretches ((x1, y1), (x2, y2)) other edges run along

    def route(self, flow_id, source, target, kinds, area):
        s, t = self.shapes[source], self.shapes[target]
        out_sides = ["S"] if source in self.boundary_hosts else ["E", "S", "N", "W"]
        in_sides = ["W", "N", "S", "E"]
        penalty = {"E": 0, "S": 15, "N": 15, "W": 90}
        if kinds.get(source) in GATEWAY_KINDS:
            penalty_out = {"E": 0, "S": 0, "N": 0, "W": 90}
        else:
            penalty_out = penalty
        penalty_in = {"W": 0, "N": 15, "S": 15, "E": 90}
        if kinds.get(target) in GATEWAY_KINDS:
            penalty_in = {"W": 0, "N": 0, "S": 0, "E": 90}
        starts = [(s.port(side), side, penalty_out[side]) for side in out_sides]
        goals = [(t.port(side), OPPOSITE[side], penalty_in[side]) for side in in_sides]
        ignore = {source, target}
        points = self._search(starts, goals, ignore, area.grow(-4), flow_id)
        return points

    def route_message(self, mflow):
        shapes = self.shapes
        src, tgt = shapes[mflow.source], shapes[mflow.target]
        pools = {p.id for p in self.model.pools}

        def ends(rect, is_pool, other, outgoing):
            if is_pool:  # a black-box end: the pool edge facing the other end
                x = min(max(other.cx, rect.x + 40), rect.right - 40)
                if other.cy < rect.y:
                    return [((x, rect.y), "N" if outgoing else "S", 0)]
                return [((x, rect.bottom), "S" if outgoing else "N", 0)]
            sides = ["N", "S"] if outgoing else ["S", "N"]
            res = []
            for side in sides:
                point = rect.port(side)
                d = side if outgoing else OPPOSITE[side]
                res.append((point, d, 0))
            return res

        starts = ends(src, mflow.source in pools, tgt, True)
        goals = ends(tgt, mflow.target in pools, src, False)
        area = Rect(0, 0, 10_000, 10_000)
        return self._search(starts, goals, {mflow.source, mflow.target}, area, mflow.id)

    def _blocked(self, p, q, ignore):
        """Does the axis-parallel segment p-q cut into a shape? Its own ends only when entered."""
        x1, x2 = sorted((p[0], q[0]))
        y1, y2 = sorted((p[1], q[1]))
        for node_id in self.node_ids:
            r = self.shapes[node_id]
            if node_id not in ignore:
                r = r.grow(MARGIN)
            if _overlap(x1, x2, r.x, r.right) and _overlap(y1, y2, r.y, r.bottom):
                return True
        return False

    def _search(self, starts, goals, ignore, area, what):
        xs = set(self.xs)
        ys = set(self.ys)
        for (x, y), _, _ in starts + goals:
            xs.add(x)
            ys.add(y)
        xs = sorted(x for x in xs if area.x <= x <= area.right)
        ys = sorted(y for y in ys if area.y <= y <= area.bottom)
        xi = {x: i for i, x in enumerate(xs)}
        yi = {y: i for i, y in enumerate(ys)}
        goal_states = {(xi[x], yi[y], d): pen for (x, y), d, pen in goals if x in xi and y in yi}
        heap, best, parent = [], {}, {}
        for (x, y), d, pen in starts:
            if x in xi and y in yi:
                state = (xi[x], yi[y], d, True)  # True: must leave straight out of the shape
                best[state] = pen
                heapq.heappush(heap, (pen, state))
        while heap:
            cost, state = heapq.heappop(heap)
            if cost > best.get(state, float("inf")):
                continue
            i, j, d, first = state
            if not first and (i, j, d) in goal_states:
                path = [state]
                while path[-1] in parent:
                    path.append(parent[path[-1]])
                points = [(xs[a], ys[b]) for a, b, _, _ in reversed(path)]
                points = _simplify(points)
                self._mark(points)
                return [(round(x), round(y)) for x, y in points]
            for nd in [d] if first else [d, *_turns(d)]:
                dx, dy = DIRS[nd]
                ni, nj = i + dx, j + dy
                if not (0 <= ni < len(xs) and 0 <= nj < len(ys)):
                    continue
                p, q = (xs[i], ys[j]), (xs[ni], ys[nj])
                if self._blocked(p, q, ignore):
                    continue
                step = abs(q[0] - p[0]) + abs(q[1] - p[1])
                step += BEND if nd != d else 0
                step += REUSE if _key(p, q) in self.used else 0
                if (ni, nj, nd) in goal_states:
                    step += goal_states[(ni, nj, nd)]
                nstate = (ni, nj, nd, False)
                if cost + step < best.get(nstate, float("inf")):
                    best[nstate] = cost + step
                    parent[nstate] = state
                    heapq.heappush(heap, (cost + step, nstate))
        raise LayoutError(f"{what}: no orthogonal route around the shapes; move a node")

    def _mark(self, points):
        for p, q in pairwise(points):
            xs = sorted(x for x in self.xs | {p[0], q[0]} if min(p[0], q[0]) <= x <= max(p[0], q[0]))
            ys = sorted(y for y in self.ys | {p[1], q[1]} if min(p[1], q[1]) <= y <= max(p[1], q[1]))
            if p[0] == q[0]:
                for a, b in pairwise(ys):
                    self.used.add(_key((p[0], a), (p[0], b)))
            else:
                for a, b in pairwise(xs):
                    self.used.add(_key((a, p[1]), (b, p[1])))


def _overlap(a1, a2, lo, hi):
    """Does [a1, a2] (possibly a single point) meet the open interval (lo, hi)?"""
    return lo < a1 < hi if a1 == a2 else a1 < hi and a2 > lo


def _key(p, q):
    return (min(p, q), max(p, q))


def _turns(d):
    return ("N", "S") if d in ("E", "W") else ("E", "W")


def _simplify(points):
    out = [points[0]]
    for p in points[1:]:
        if p == out[-1]:
            continue
        if len(out) >= 2 and (out[-2][0] == out[-1][0] == p[0] or out[-2][1] == out[-1][1] == p[1]):
            out[-1] = p
        else:
            out.append(p)
    return out
