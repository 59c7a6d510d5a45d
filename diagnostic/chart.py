"""Geometry of the ternary plot and of the financial bars, drawn as inline SVG by the templates.

Coordinates are computed here so that templates only place numbers; no chart library, no script.
"""

from dataclasses import dataclass
from math import sqrt

from diagnostic.computation import CORNERS, FAMILY_LABELS, FINANCIAL_SOURCES, LEVER_LABELS, LEVERS

SIDE = 360  # side of the triangle, in SVG units
MARGIN_X, MARGIN_TOP = 70, 50
HEIGHT = SIDE * sqrt(3) / 2
WIDTH = SIDE + 2 * MARGIN_X
VIEW_HEIGHT = round(HEIGHT + MARGIN_TOP + 60)
GRID = (20, 40, 60, 80)


def to_svg(point):
    x, y = point
    return round(MARGIN_X + x * SIDE, 1), round(MARGIN_TOP + HEIGHT - y * SIDE, 1)


def _mix(a, b, t):
    return a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t


@dataclass
class Plotted:
    label: str
    x: float
    y: float
    is_target: bool
    result: object

    @property
    def diamond(self):
        """The target's marker: a losange, told apart from the years' dots without colour."""
        x, y, r = self.x, self.y, 8
        corners = [(x, y - r), (x + r, y), (x, y + r), (x - r, y)]
        return " ".join(f"{round(cx, 1)},{round(cy, 1)}" for cx, cy in corners)


def ternary(results):
    """Everything the ternary template draws: triangle, grid, corner labels, points, segments."""
    corners = {lever: to_svg(CORNERS[lever]) for lever in LEVERS}
    grid = []
    for lever in LEVERS:
        others = [other for other in LEVERS if other != lever]
        for pct in GRID:
            start = _mix(CORNERS[others[0]], CORNERS[lever], pct / 100)
            end = _mix(CORNERS[others[1]], CORNERS[lever], pct / 100)
            grid.append((*to_svg(start), *to_svg(end)))
    actual = sorted((r for r in results if not r.is_target), key=lambda r: r.year)
    target = next((r for r in results if r.is_target), None)
    points = [Plotted(str(r.year), *to_svg(r.point), False, r) for r in actual]
    segments = [(a.x, a.y, b.x, b.y) for a, b in zip(points, points[1:], strict=False)]
    target_point = Plotted(f"Cible {target.year}", *to_svg(target.point), True, target) if target else None
    target_segment = (points[-1].x, points[-1].y, target_point.x, target_point.y) if points and target_point else None
    labels = {
        "rh": (corners["rh"][0], corners["rh"][1] - 16, "middle"),
        "fin": (corners["fin"][0] - 8, corners["fin"][1] + 30, "start"),
        "all": (corners["all"][0] + 8, corners["all"][1] + 30, "end"),
    }
    return {
        "width": WIDTH,
        "height": VIEW_HEIGHT,
        "triangle": " ".join(f"{x},{y}" for x, y in corners.values()),
        "grid": grid,
        "corner_labels": [(LEVER_LABELS[lever], *labels[lever], lever) for lever in LEVERS],
        "points": points,
        "segments": segments,
        "target": target_point,
        "target_segment": target_segment,
    }


BAR_WIDTH, LABEL_WIDTH, ROW = 260, 300, 34


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
        return round(LABEL_WIDTH + self.width + 8, 1)


def financial_bars(figures):
    """One bar per financial source with money, longest first, as a share of the year's total."""
    amounts = {name: figures.get(name) or 0 for name in FINANCIAL_SOURCES}
    total = sum(amounts.values())
    used = sorted(((amount, name) for name, amount in amounts.items() if amount), key=lambda pair: -pair[0])
    bars = []
    for index, (amount, name) in enumerate(used):
        label, family = FINANCIAL_SOURCES[name]
        share = amount * 100 / total
        bars.append(
            Bar(
                label,
                family,
                FAMILY_LABELS[family],
                amount,
                share,
                round(float(share) / 100 * BAR_WIDTH, 2),
                index * ROW,
            )
        )
    return bars


def bars_height(bars):
    return len(bars) * ROW + 4
