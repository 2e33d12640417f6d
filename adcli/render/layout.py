"""A layered (Sugiyama-style) drawing of a DAG, computed in Python: no Graphviz.

1. Layers: the longest path from a source (one loop over a topological order);
   nodes in ``pull`` (a constant's own per-use node) sit one layer before their
   first user instead of at layer 0.
2. Between two layers of nodes lies a layer of edge labels: every edge passes
   through invisible dummy nodes, one per layer it crosses, so that it bends
   around the nodes it passes, and the dummy just before its target carries its
   label (with the label's size), so that labels never overlap.
3. A few barycenter sweeps (down, then up) reorder each layer against edge
   crossings: a node moves to the mean position of its neighbours in the layer
   before (after).
4. Coordinates: layers along the rank axis (x for ``LR``, y for ``TB``), each
   as far from the last as its widest node or label needs; nodes along the
   other axis, pulled towards their neighbours' mean, never overlapping.

Everything is a loop over lists; nothing recurses, and the cost is linear in
the nodes plus the layers the edges cross (times the few sweeps and a sort per
layer).  Why not ``grandalf``: it recurses, and took 13 s for 2,000 nodes.
"""
from __future__ import annotations

from dataclasses import dataclass, field

NODE_GAP = 18.0    # between neighbours in one layer
RANK_GAP = 36.0    # between layers, plus the widest edge label landing in the layer
DEEP = 8           # default direction: left to right up to this many operations deep
MARGIN = 12.0
SWEEPS = 4


@dataclass
class Box:
    x: float          # centre
    y: float
    w: float
    h: float


@dataclass
class Layout:
    boxes: dict                       # key -> Box
    routes: list                      # per edge: [(x, y), ...] from source to target centre
    labels: list                      # per edge: (x, y) centre of its label
    width: float
    height: float
    layers: int = 0
    order: list = field(default_factory=list)   # per layer: the keys, in order
    crossings: int = 0                          # edge crossings left (between layers)


def _topological(n: int, succ: list, npred: list) -> list:
    """Kahn's algorithm, first-in first-out: a stable order for a DAG."""
    left = list(npred)
    queue = [v for v in range(n) if left[v] == 0]
    head = 0
    while head < len(queue):
        v = queue[head]
        head += 1
        for s in succ[v]:
            left[s] -= 1
            if left[s] == 0:
                queue.append(s)
    if len(queue) != n:
        raise ValueError("the graph has a cycle")
    return queue


def _layers(n: int, succ: list, pred: list, pull: list) -> list:
    order = _topological(n, succ, [len(p) for p in pred])
    layer = [0] * n
    for v in order:
        for s in succ[v]:
            if layer[s] < layer[v] + 1:
                layer[s] = layer[v] + 1
    for v in range(n):
        if pull[v] and not pred[v] and succ[v]:
            layer[v] = max(0, min(layer[s] for s in succ[v]) - 1)
    return layer


def layered(keys: list, sizes: list, edges: list, label_sizes: list | None = None,
            rankdir: str = "LR", pull: set | None = None, sweeps: int = SWEEPS) -> Layout:
    """Lay out ``keys`` (node sizes ``(w, h)``) and ``edges`` ``(src_key, dst_key)``;
    ``label_sizes``: per edge, the ``(w, h)`` of its label (or (0, 0)).  ``rankdir``:
    LR or TB (:func:`rankdir_for` gives adcli's default)."""
    pull = pull or set()
    index = {k: i for i, k in enumerate(keys)}
    n = len(keys)
    succ: list = [[] for _ in range(n)]
    pred: list = [[] for _ in range(n)]
    pairs = [(index[a], index[b]) for a, b in edges]
    for a, b in pairs:
        succ[a].append(b)
        pred[b].append(a)
    layer = _layers(n, succ, pred, [k in pull for k in keys])
    lr = rankdir == "LR"
    layer = [2 * lay for lay in layer]        # odd layers hold the edge labels
    # rank extent (along the layers' axis) and order extent of every node, dummies last
    rank_ext = [w if lr else h for w, h in sizes]
    ord_ext = [h if lr else w for w, h in sizes]
    lab = label_sizes or [(0.0, 0.0)] * len(pairs)
    up: list = [list() for _ in range(n)]      # neighbours one layer before (real + dummy)
    down: list = [list() for _ in range(n)]
    chains, at_label = [], []                 # per edge: the nodes it passes, its label's
    for (a, b), (lw, lh) in zip(pairs, lab):
        chain = [a]
        for lay in range(layer[a] + 1, layer[b]):
            d = len(layer)
            layer.append(lay)
            label = lay == layer[b] - 1         # the label: a dummy of the label's size
            rank_ext.append((lw if lr else lh) if label else 0.0)
            ord_ext.append(max(4.0, lh if lr else lw) if label else 4.0)
            up.append([])
            down.append([])
            chain.append(d)
        chain.append(b)
        for u, v in zip(chain, chain[1:]):
            down[u].append(v)
            up[v].append(u)
        chains.append(chain)
        at_label.append(chain[-2])
    total = len(layer)
    depth = max(layer, default=-1) + 1
    rows: list = [[] for _ in range(depth)]
    for v in range(total):
        rows[layer[v]].append(v)
    pos = [0.0] * total
    for row in rows:
        for k, v in enumerate(row):
            pos[v] = float(k)

    def reorder(row: list, nbrs: list) -> list:
        for v in row:
            near = nbrs[v]
            if near:
                pos[v] = sum(pos[u] for u in near) / len(near)
        row.sort(key=lambda v: pos[v])
        for k, v in enumerate(row):
            pos[v] = float(k)
        return row
    best, fewest = [list(r) for r in rows], crossings(rows, down, pos)
    for _ in range(sweeps):
        if not fewest:
            break
        for lay in range(1, depth):
            rows[lay] = reorder(rows[lay], up)
        for lay in range(depth - 2, -1, -1):
            rows[lay] = reorder(rows[lay], down)
        now = crossings(rows, down, pos)
        if now < fewest:                     # a sweep can also make it worse: keep the best
            best, fewest = [list(r) for r in rows], now
    rows = best
    for row in rows:
        for k, v in enumerate(row):
            pos[v] = float(k)
    # coordinates along the layers: as far apart as their widest node (or label) needs
    rank_at = [0.0] * depth
    widest = [max((rank_ext[v] for v in row), default=0.0) for row in rows]
    at = MARGIN
    for lay in range(depth):
        if lay:
            at += RANK_GAP / 2
        rank_at[lay] = at + widest[lay] / 2
        at += widest[lay]
    # coordinates within a layer: stacked, then pulled towards the neighbours' mean
    coord = [0.0] * total
    for row in rows:
        _pack(row, [0.0] * len(row), ord_ext, coord)
    for _ in range(2):
        for lay in range(1, depth):
            _pull(rows[lay], up, ord_ext, coord)
        for lay in range(depth - 2, -1, -1):
            _pull(rows[lay], down, ord_ext, coord)
    low = min((coord[v] - ord_ext[v] / 2 for v in range(total)), default=0.0)
    high = max((coord[v] + ord_ext[v] / 2 for v in range(total)), default=0.0)
    shift = MARGIN - low
    size_ord = high - low + 2 * MARGIN
    size_rank = at + MARGIN

    def point(v: int) -> tuple:
        r, o = rank_at[layer[v]], coord[v] + shift
        return (r, o) if lr else (o, r)
    boxes = {}
    for v, k in enumerate(keys):
        x, y = point(v)
        boxes[k] = Box(x, y, sizes[v][0], sizes[v][1])
    routes = [[point(v) for v in chain] for chain in chains]
    labels = [point(v) for v in at_label]
    width, height = (size_rank, size_ord) if lr else (size_ord, size_rank)
    return Layout(boxes, routes, labels, width, height, (depth + 1) // 2,
                  [[keys[v] for v in row if v < n] for row in rows[::2]], fewest)


def rankdir_for(g) -> str:
    """The default direction of formula ``g``'s graph, in every format: left to right (LR),
    or top to bottom (TB) when its longest path has more than DEEP operations."""
    level = [0] * g.n_nodes
    for i in range(g.first_op, g.n_nodes):
        level[i] = 1 + max((level[a] for a in g.args[i]), default=0)
    return "TB" if max(level, default=0) > DEEP else "LR"


def crossings(rows: list, down: list, pos: list) -> int:
    """Edge crossings between consecutive layers: inversions of the lower ends, counted
    with a Fenwick tree (E log E per pair of layers)."""
    total = 0
    for row, below in zip(rows, rows[1:]):
        ends = sorted((pos[u], pos[v]) for u in row for v in down[u])
        size = len(below)
        tree = [0] * (size + 1)
        for seen, (_, b) in enumerate(ends):
            k = int(b) + 1
            le = 0                           # earlier ends at or left of b
            while k > 0:
                le += tree[k]
                k -= k & -k
            total += seen - le
            k = int(b) + 1
            while k <= size:
                tree[k] += 1
                k += k & -k
    return total


def _pack(row: list, want: list, ext: list, coord: list) -> None:
    """Place ``row`` in order at the coordinates ``want`` as far as they do not
    overlap, then shift it so that on average each node sits where it wanted."""
    prev = None
    for v, w in zip(row, want):
        c = w
        if prev is not None:
            c = max(c, coord[prev] + (ext[prev] + ext[v]) / 2 + NODE_GAP)
        coord[v] = c
        prev = v
    if row:
        drift = sum(coord[v] - w for v, w in zip(row, want)) / len(row)
        for v in row:
            coord[v] -= drift


def _pull(row: list, nbrs: list, ext: list, coord: list) -> None:
    want = []
    for v in row:
        near = nbrs[v]
        want.append(sum(coord[u] for u in near) / len(near) if near else coord[v])
    _pack(row, want, ext, coord)
