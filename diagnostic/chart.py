"""Geometry of the two ternary plots and of the bars, drawn as inline SVG by the templates.

Coordinates are computed here so that templates only place numbers; no chart library, no script.

Sizes are in SVG units. The viewBox is 400 units wide and the page shrinks it to about 343 px on a 375 px
phone, so a 15-unit font renders at about 12.9 px: no text in these charts is set under 15 units.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from math import ceil, cos, floor, pi, sin, sqrt

from diagnostic.computation import FAMILIES, FAMILY_LABELS, FINANCIAL_SOURCES, LEVERS, rounded_shares
from diagnostic.numbers import format_percent

WIDTH = 400
SIDE = 250
MARGIN_X = (WIDTH - SIDE) / 2
MARGIN_TOP = 56
HEIGHT = SIDE * sqrt(3) / 2
VIEW_HEIGHT = round(MARGIN_TOP + HEIGHT + 62)
FONT = 15  # the smallest text, in SVG units (about 12.9 px at 375 px wide)
GRID = (20, 40, 60, 80)
ZOOM_STEP = 5  # the zoomed region's bounds are multiples of 5 points
ZOOM_PAD = 2  # points of air between the outermost point and the zoomed region's edge
ZOOM_MAX_SIDE = 50  # zoom only when the region is at most half the triangle's side
LABEL_HEIGHT = FONT + 3


def char_width(text):
    """A generous estimate of a label's width in SVG units, so that boxes that do not overlap on paper do not
    overlap on screen either."""
    return len(text) * FONT * 0.62 + 4


# ---- Ternary frame ----------------------------------------------------------------------------------------
# A point is three shares (a, b, c) in % summing to 100: a is the top corner, b the bottom left, c the bottom
# right. In the unit frame: top (0.5, √3/2), bottom left (0, 0), bottom right (1, 0).


def to_unit(a, b, c):
    total = a + b + c
    a, c = a / total, c / total
    return 0.5 * a + c, a * sqrt(3) / 2


def to_svg(x, y):
    return round(MARGIN_X + x * SIDE, 1), round(MARGIN_TOP + HEIGHT - y * SIDE, 1)


def svg_point(shares):
    return to_svg(*to_unit(*shares))


@dataclass(frozen=True)
class Region:
    """The sub-triangle {a ≥ a0, b ≥ b0, c ≥ c0} (in %), whose side is 100 − a0 − b0 − c0 points."""

    a0: float
    b0: float
    c0: float

    @property
    def side(self):
        return 100 - self.a0 - self.b0 - self.c0

    def local(self, shares):
        """The shares of a point inside the region, rescaled so the region is a whole triangle."""
        a, b, c = shares
        return ((a - self.a0) * 100 / self.side, (b - self.b0) * 100 / self.side, (c - self.c0) * 100 / self.side)

    def contains(self, shares):
        a, b, c = shares
        return a >= self.a0 - 1e-9 and b >= self.b0 - 1e-9 and c >= self.c0 - 1e-9

    def corners(self):
        """The region's corners as full-triangle shares: top, bottom left, bottom right."""
        a0, b0, c0, s = self.a0, self.b0, self.c0, self.side
        return [(a0 + s, b0, c0), (a0, b0 + s, c0), (a0, b0, c0 + s)]


FULL = Region(0, 0, 0)


def zoom_region(points):
    """The smallest region on the 5-point grid holding every point with some air, or None when the points
    already spread over more than half the triangle (no zoom then). Every point lies inside by construction:
    each lower bound is at most the smallest share on its axis."""
    if not points:
        return None
    bounds = [max(0, floor((min(p[axis] for p in points) - ZOOM_PAD) / ZOOM_STEP) * ZOOM_STEP) for axis in range(3)]
    region = Region(*bounds)
    return region if region.side <= ZOOM_MAX_SIDE else None


# ---- Drawn parts ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    anchor: str = "middle"
    key: str = ""

    @property
    def box(self):
        """(left, top, right, bottom) of the text, baseline at y."""
        width = char_width(self.text)
        left = self.x - {"start": 0, "middle": width / 2, "end": width}[self.anchor]
        return left, self.y - FONT, left + width, self.y + 4


@dataclass(frozen=True)
class Corner:
    key: str
    lines: tuple
    x: float
    y: float
    anchor: str


@dataclass
class Plotted:
    label: str
    x: float
    y: float
    is_target: bool
    shares: tuple  # (a, b, c) in % of the full triangle
    latest: bool = False
    tag: Text | None = None
    leader: Line | None = None
    names: tuple = ()  # the corners' names, for the text alternative

    @property
    def parts(self):
        """[(corner name, share in %)] for the text alternative, to a tenth and adding up to 100."""
        shares = rounded_shares({index: Decimal(str(value)) for index, value in enumerate(self.shares)})
        return [(name, shares[index]) for index, name in enumerate(self.names)]

    @property
    def diamond(self):
        """The target's marker: a losange, told apart from the years' dots without colour."""
        x, y, r = self.x, self.y, 8
        return " ".join(f"{round(cx, 1)},{round(cy, 1)}" for cx, cy in [(x, y - r), (x + r, y), (x, y + r), (x - r, y)])


@dataclass
class Ternary:
    keys: tuple
    names: tuple  # each corner's name on one line
    region: Region
    triangle: str
    grid: list
    ticks: list
    corners: list
    points: list
    segments: list
    target_segment: Line | None
    outline: str | None = None  # the zoomed region, drawn on the full triangle
    width: int = WIDTH
    height: int = VIEW_HEIGHT

    @property
    def target(self):
        return next((p for p in self.points if p.is_target), None)

    @property
    def is_zoom(self):
        return self.region.side < 100

    @property
    def scale(self):
        """The zoomed view's own scale, said in words."""
        bounds = (self.region.a0, self.region.b0, self.region.c0)
        ranges = ", ".join(f"{name.lower()} de {_fmt(low)} à {_fmt(low + self.region.side)}"
                           for name, low in zip(self.names, bounds, strict=True))
        return (f"Vue agrandie de la zone où se trouvent vos points\u00a0: {ranges}. Chaque côté y couvre "
                f"{_fmt(self.region.side).replace(chr(160) + '%', '')} points au lieu de 100.")

    @property
    def years(self):
        return [p for p in self.points if not p.is_target]


def _fmt(value):
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{text.replace('.', ',')}\u00a0%"


def _grid(region):
    """Grid lines and their percent labels: the full triangle every 20 %, a zoom every 1 to 10 points (at least
    four lines per axis).
    Labels of the top corner's axis sit on the left side, the bottom left's under the base, the bottom
    right's on the right side: three edges, so no two axes share a place."""
    step = 20 if region.side == 100 else 1 if region.side <= 5 else 2 if region.side <= 10 else 5 if region.side <= 25 else 10
    bounds = (region.a0, region.b0, region.c0)
    lines, ticks = [], []
    outward = {0: (-sqrt(3) / 2, 0.5, "end"), 1: (0, -1, "middle"), 2: (sqrt(3) / 2, 0.5, "start")}
    for axis in range(3):
        first = ceil((bounds[axis] + 0.001) / step) * step
        value = first
        while value < bounds[axis] + region.side - 0.001:
            t = (value - bounds[axis]) / region.side  # local share on this axis, 0..1
            # the two ends: the local share of the axis is t, the rest goes to one or the other other axis
            ends = []
            for other in (o for o in range(3) if o != axis):
                local = [0.0, 0.0, 0.0]
                local[axis], local[other] = t * 100, (1 - t) * 100
                ends.append(to_svg(*to_unit(*local)))
            lines.append(Line(*ends[0], *ends[1]))
            # the tick goes at the end on the labelled edge: axis 0 -> left edge (c = 0), 1 -> base (a = 0),
            # 2 -> right edge (b = 0)
            on_edge = {0: 2, 1: 0, 2: 1}[axis]
            local = [0.0, 0.0, 0.0]
            local[axis] = t * 100
            local[3 - axis - on_edge] = (1 - t) * 100
            x, y = to_svg(*to_unit(*local))
            dx, dy, anchor = outward[axis]
            ticks.append(Text(round(x + dx * 8, 1), round(y - dy * 8 + (5 if axis != 1 else 12), 1), _fmt(value), anchor,
                              str(axis)))
            value += step
    return lines, ticks


def _corner_labels(keys, labels):
    top, left, right = (to_svg(*to_unit(*shares)) for shares in ((100, 0, 0), (0, 100, 0), (0, 0, 100)))
    return [
        Corner(keys[0], labels[0], top[0], top[1] - 12 - FONT * (len(labels[0]) - 1), "middle"),
        Corner(keys[1], labels[1], 4, left[1] + 40, "start"),
        Corner(keys[2], labels[2], WIDTH - 4, right[1] + 40, "end"),
    ]


def _overlaps(box, other, gap=2):
    return not (box[2] + gap <= other[0] or other[2] + gap <= box[0] or box[3] + gap <= other[1] or other[3] + gap <= box[1])


def _inside(box):
    return box[0] >= 0 and box[2] <= WIDTH and box[1] >= 0 and box[3] <= VIEW_HEIGHT


def place_labels(points, obstacles):
    """Give each point a label box that overlaps no other label, no tick and no corner name, nearest first;
    a label set away from its point gets a leader line. Tries rings of growing radius, 16 directions each;
    every point's marker is an obstacle too."""
    placed = list(obstacles) + [(p.x - 8, p.y - 8, p.x + 8, p.y + 8) for p in points]
    for point in points:
        chosen = None
        for radius in range(12, 400, 10):
            for step in range(16):
                angle = step * pi / 8
                cx, cy = point.x + radius * cos(angle), point.y - radius * sin(angle)
                anchor = "start" if cos(angle) > 0.3 else "end" if cos(angle) < -0.3 else "middle"
                text = Text(round(cx, 1), round(cy + FONT / 3, 1), point.label, anchor)
                box = text.box
                if _inside(box) and not any(_overlaps(box, other) for other in placed):
                    chosen = (text, radius)
                    break
            if chosen:
                break
        if chosen is None:  # never seen: the viewBox has room for far more labels than years
            chosen = (Text(point.x, point.y - 12, point.label), 12)
        point.tag = chosen[0]
        if chosen[1] > 22:
            point.leader = Line(point.x, point.y, chosen[0].x, round(chosen[0].y - FONT / 3, 1))
        placed.append(chosen[0].box)
    return points


def ternary(keys, labels, series, region=FULL):
    """Everything a ternary template draws. ``series``: (label, is_target, (a, b, c) in %) in drawing order,
    the real years oldest first then the target. ``labels``: each corner's name as a tuple of lines."""
    names = tuple(" ".join(lines) for lines in labels)
    return _ternary(keys, labels, names, series, region)


def _ternary(keys, labels, names, series, region):
    corners = _corner_labels(keys, labels)
    lines, ticks = _grid(region)
    points = [Plotted(label, *svg_point(region.local(shares)), is_target, tuple(shares), names=names)
              for label, is_target, shares in series]
    years = [p for p in points if not p.is_target]
    if years:
        years[-1].latest = True
    target = next((p for p in points if p.is_target), None)
    corner_boxes = []
    for corner in corners:
        for index, line in enumerate(corner.lines):
            corner_boxes.append(Text(corner.x, corner.y + index * FONT, line, corner.anchor).box)
    place_labels(points, [tick.box for tick in ticks] + corner_boxes)
    return Ternary(
        keys=keys,
        names=names,
        region=region,
        triangle=" ".join(f"{x},{y}" for x, y in (svg_point(s) for s in ((100, 0, 0), (0, 100, 0), (0, 0, 100)))),
        grid=lines,
        ticks=ticks,
        corners=corners,
        points=points,
        segments=[Line(a.x, a.y, b.x, b.y) for a, b in zip(years, years[1:], strict=False)],
        target_segment=Line(years[-1].x, years[-1].y, target.x, target.y) if years and target else None,
    )


def ternary_pair(keys, labels, series):
    """The full triangle and, when every point sits in a small region, a zoomed view of that region (with
    the region outlined on the full one). Returns (full, zoom or None)."""
    if not series:
        return None, None
    full = ternary(keys, labels, series)
    region = zoom_region([shares for _, _, shares in series]) if len(series) > 1 else None
    if region is None:  # one point needs no zoom: the table gives its figures
        return full, None
    full.outline = " ".join(f"{x},{y}" for x, y in (svg_point(c) for c in region.corners()))
    return full, ternary(keys, labels, series, region)


ACTIVATION_CORNERS = (("Richesses", "humaines"), ("Financement",), ("Alliances",))
HYBRIDATION_CORNERS = (("Ressources", "publiques"), ("Ressources privées", "non marchandes"), ("Revenus", "d’activité"))


def activation_charts(results):
    """The trépied: one point per year (and target) whose questionnaire is complete and not all « Absent »."""
    series = [(r.label, r.is_target, tuple(float(r.activation.point[lever]) for lever in LEVERS))
              for r in results if r.activation.point]
    return ternary_pair(LEVERS, ACTIVATION_CORNERS, series)


def hybridation_charts(results):
    """One point per year (and target) with money in at least one of the three families."""
    series = [(r.label, r.is_target, tuple(float(r.hybridation.point[family]) for family in FAMILIES))
              for r in results if r.hybridation.point]
    return ternary_pair(FAMILIES, HYBRIDATION_CORNERS, series)


# ---- Bars -------------------------------------------------------------------------------------------------

# Each source on two lines, its name above its bar, so that a long name never runs under the bar; 16-unit text
# in a 380-unit viewBox renders at about 14.4 px on a 375 px phone.
BAR_WIDTH, ROW = 290, 48
BARS_WIDTH = BAR_WIDTH + 90


@dataclass
class Bar:
    label: str
    family: str
    family_label: str
    amount: object
    share: object
    width: float
    y: int

    @property
    def text_x(self):
        return round(self.width + 6, 1)


def financial_bars(figures):
    """One bar per financial source with money, longest first, as a share of the year's total."""
    amounts = {name: figures.get(name) or 0 for name in FINANCIAL_SOURCES}
    total = sum(amounts.values())
    used = sorted(((amount, name) for name, amount in amounts.items() if amount), key=lambda pair: -pair[0])
    bars = []
    for index, (amount, name) in enumerate(used):
        label, family = FINANCIAL_SOURCES[name]
        share = amount * 100 / total
        bars.append(Bar(label, family, FAMILY_LABELS[family], amount, share, round(float(share) / 100 * BAR_WIDTH, 2),
                        index * ROW))
    return bars


def bars_height(bars):
    return len(bars) * ROW + 4


STACK_LABEL, STACK_WIDTH, STACK_ROW = 100, 290, 40
# % under which a segment is too narrow for its figure (the table gives it): « 16 % », and « 16,7 % » is wider.
STACK_MIN_TEXT, STACK_MIN_DECIMAL_TEXT = 16, 20


@dataclass
class Segment:
    family: str
    label: str
    share: object
    x: float
    width: float

    @property
    def text_x(self):
        return round(self.x + self.width / 2, 1)

    @property
    def text(self):
        """The share as the table under the chart writes it (« 33,3 % »), so that both say the same."""
        return format_percent(self.share)

    @property
    def shows_text(self):
        return self.share >= (STACK_MIN_DECIMAL_TEXT if "," in self.text else STACK_MIN_TEXT)


@dataclass
class Stack:
    label: str
    y: int
    segments: list = field(default_factory=list)


def stacked_bars(results):
    """One bar per year (and target) with a budget, split by family, each the full width: shares read at a
    glance from year to year. Widths are rounded to the hundredth so the drawn length matches the share."""
    stacks = []
    for result in (r for r in results if r.budget):
        stack = Stack(result.label, len(stacks) * STACK_ROW)
        x = float(STACK_LABEL)
        for family in (*FAMILIES, "other"):
            share = result.hybridation.display[family]
            if share:
                width = round(float(share) / 100 * STACK_WIDTH, 2)
                stack.segments.append(Segment(family, FAMILY_LABELS[family], share, round(x, 2), width))
                x += width
        stacks.append(stack)
    return stacks


def stacks_height(stacks):
    return len(stacks) * STACK_ROW + 4


LEGEND = [(family, FAMILY_LABELS[family]) for family in (*FAMILIES, "other")]
