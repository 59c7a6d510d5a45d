"""Geometry of the two ternary plots (full and zoomed), of their labels and of the bars.

Pure functions: no database, no fixture. The unit frame puts the top corner at (0,5 ; √3/2), the bottom left
at (0 ; 0) and the bottom right at (1 ; 0); the SVG triangle has a side of 250 units, 75 units from each side
of the 400-unit viewBox and 56 units from its top, so its base lies at 56 + 250 × √3/2 = 272,5.
"""

from decimal import Decimal
from itertools import combinations
from math import isclose, sqrt

import pytest
from hypothesis import given, settings, strategies as st

from diagnostic import chart, computation
from diagnostic.chart import FAMILIES, FONT, FULL, VIEW_HEIGHT, WIDTH, Region
from diagnostic.computation import FINANCIAL_SOURCES, LEVERS

RATES = computation.Rates(volunteer_hour=Decimal(12), skills_day=Decimal(400))
PROPERTY = settings(max_examples=60, deadline=None)
NBSP = "\u00a0"
TOP, LEFT, RIGHT = (100, 0, 0), (0, 100, 0), (0, 0, 100)
NAMES = ("Ressources publiques", "Ressources privées non marchandes", "Revenus d’activité")


def year(y, figures, target=False):
    return computation.evaluate(y, figures, RATES, is_target=target)


def hybrid(series, region=FULL):
    return chart.ternary(FAMILIES, chart.HYBRIDATION_CORNERS, series, region)


def pair(series):
    return chart.ternary_pair(FAMILIES, chart.HYBRIDATION_CORNERS, series)


def in_unit_triangle(x, y, tol=1e-9):
    return y >= -tol and y <= sqrt(3) * x + tol and y <= sqrt(3) * (1 - x) + tol


def in_svg_triangle(x, y, tol=0.1):
    """Back to the unit frame, with the 0.1 unit the SVG coordinates are rounded to."""
    ux, uy = (x - chart.MARGIN_X) / chart.SIDE, (chart.MARGIN_TOP + chart.HEIGHT - y) / chart.SIDE
    return in_unit_triangle(ux, uy, tol / chart.SIDE * 2)


def overlap(a, b):
    """Whether two (left, top, right, bottom) boxes share some area (touching edges do not)."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def inside_view(box):
    return box[0] >= 0 and box[1] >= 0 and box[2] <= WIDTH and box[3] <= VIEW_HEIGHT


def corner_boxes(drawn):
    """{corner key: the boxes of its lines}, as place_labels sees them."""
    return {c.key: [chart.Text(c.x, c.y + i * FONT, line, c.anchor).box for i, line in enumerate(c.lines)]
            for c in drawn.corners}


def obstacles(drawn):
    return [t.box for t in drawn.ticks] + [box for boxes in corner_boxes(drawn).values() for box in boxes]


def numbers(polygon):
    return [tuple(map(float, xy.split(","))) for xy in polygon.split()]


# ---- Strategies ------------------------------------------------------------------------------------------

# Three shares in % summing to 100 (as floats, the way the chart receives them).
shares = (
    st.tuples(*[st.integers(min_value=0, max_value=1000)] * 3)
    .filter(lambda t: sum(t) > 0)
    .map(lambda t: tuple(v * 100 / sum(t) for v in t))
)


def near(centre):
    """Shares within 6 points of ``centre`` on two axes: what one organisation's years look like, and what zooms."""

    def move(deltas):
        a, b = (min(max(share + delta, 0), 100) for share, delta in zip(centre, deltas, strict=False))
        if a + b > 100:
            a, b = a * 100 / (a + b), b * 100 / (a + b)
        return a, b, max(100 - a - b, 0)

    return st.tuples(st.floats(-6, 6), st.floats(-6, 6)).map(move)


@st.composite
def places(draw, max_size=6):
    """1 to ``max_size`` shares: most near one centre (some exactly on it), some anywhere."""
    centre = draw(shares)
    return draw(st.lists(st.one_of(st.just(centre), near(centre), shares), min_size=1, max_size=max_size))


@st.composite
def series(draw):
    """1 to 6 points picked from a pool of 1 to 3 places, so coincident points are common; the last one is
    sometimes the target."""
    pool = draw(places(max_size=3))
    count = draw(st.integers(min_value=1, max_value=6))
    points = [pool[draw(st.integers(min_value=0, max_value=len(pool) - 1))] for _ in range(count)]
    with_target = draw(st.booleans())
    return [("Cible 2030" if with_target and i == count - 1 else str(2019 + i), with_target and i == count - 1, p)
            for i, p in enumerate(points)]


# ---- The frame -------------------------------------------------------------------------------------------


def test_the_three_corners_land_on_the_svg_triangle():
    # top: x = 75 + 0,5 × 250 = 200, y = 56; base: y = 56 + 216,5 = 272,5, x = 75 and 75 + 250 = 325.
    assert chart.svg_point(TOP) == (200.0, 56.0)
    assert chart.svg_point(LEFT) == (75.0, 272.5)
    assert chart.svg_point(RIGHT) == (325.0, 272.5)
    assert hybrid([]).triangle == "200.0,56.0 75.0,272.5 325.0,272.5"


def test_equal_shares_sit_at_the_centre_of_gravity():
    # ⅓ (0,5 ; √3/2) + ⅓ (0 ; 0) + ⅓ (1 ; 0) = (0,5 ; √3/6); in SVG y = 272,5 − 250 × 0,2887 = 200,3.
    x, y = chart.to_unit(1, 1, 1)
    assert isclose(x, 0.5) and isclose(y, sqrt(3) / 6)
    assert chart.svg_point((1, 1, 1)) == (200.0, 200.3)


def test_shares_are_normalised_before_they_are_placed():
    assert chart.to_unit(20, 30, 50) == chart.to_unit(2, 3, 5)


@PROPERTY
@given(shares)
def test_every_point_lies_inside_the_triangle(point):
    assert in_unit_triangle(*chart.to_unit(*point))
    assert in_svg_triangle(*chart.svg_point(point))


def test_no_text_is_set_under_fifteen_units_so_it_renders_at_twelve_pixels_or_more_on_a_phone():
    # A 400-unit viewBox shrunk to 343 px (a 375 px phone minus margins): 15 × 343 / 400 = 12,86 px.
    assert WIDTH == 400
    assert FONT >= 15
    assert FONT * 343 / WIDTH >= 12
    assert chart.LABEL_HEIGHT >= FONT
    box = chart.Text(100, 100, "2024").box
    assert box[3] - box[1] >= FONT  # a label's box is at least a line of text high


def test_a_text_box_follows_its_anchor():
    width = chart.char_width("2024")  # 4 × 15 × 0,62 + 4 = 41,2
    assert isclose(width, 41.2)
    assert chart.Text(100, 50, "2024", "start").box == pytest.approx((100, 35, 100 + width, 54))
    assert chart.Text(100, 50, "2024", "end").box == pytest.approx((100 - width, 35, 100, 54))
    assert chart.Text(100, 50, "2024").box == pytest.approx((100 - width / 2, 35, 100 + width / 2, 54))


# ---- Grid and ticks --------------------------------------------------------------------------------------


def ticks_by_axis(drawn):
    found = {}
    for tick in drawn.ticks:
        found.setdefault(tick.key, []).append(tick.text)
    return found


def test_the_full_triangle_has_ticks_at_20_40_60_and_80_on_each_axis():
    expected = [f"{v}{NBSP}%" for v in (20, 40, 60, 80)]
    assert ticks_by_axis(hybrid([])) == {"0": expected, "1": expected, "2": expected}
    assert len(hybrid([]).grid) == 12


def test_every_grid_line_of_the_full_triangle_joins_two_of_its_sides():
    for line in hybrid([]).grid:
        assert in_svg_triangle(line.x1, line.y1) and in_svg_triangle(line.x2, line.y2)
        assert (line.x1, line.y1) != (line.x2, line.y2)


def test_the_top_axis_grid_lines_are_horizontal_every_fifth_of_the_height():
    lines = [line for line in hybrid([]).grid if line.y1 == line.y2]
    # a = 20 % sits 0,2 × 216,5 = 43,3 above the base: y = 229,2; then 186,0, 142,6, 99,3.
    assert [line.y1 for line in lines] == [round(272.5 - chart.HEIGHT * v / 100, 1) for v in (20, 40, 60, 80)]


def test_the_full_triangle_ticks_sit_on_three_different_edges():
    drawn = hybrid([])
    # Axis 0 (top corner) on the left edge, anchored at its end; axis 1 under the base; axis 2 on the right edge.
    assert {t.anchor for t in drawn.ticks if t.key == "0"} == {"end"}
    assert {t.anchor for t in drawn.ticks if t.key == "1"} == {"middle"}
    assert {t.anchor for t in drawn.ticks if t.key == "2"} == {"start"}
    assert all(t.y > 272.5 for t in drawn.ticks if t.key == "1")
    assert all(t.x < 200 for t in drawn.ticks if t.key == "0")
    assert all(t.x > 200 for t in drawn.ticks if t.key == "2")


def test_no_two_ticks_or_corner_names_overlap_and_all_stay_in_the_view():
    for region in (FULL, Region(35, 20, 25), Region(30, 20, 10)):
        drawn = hybrid([], region)
        assert all(inside_view(box) for box in obstacles(drawn))
        # A corner name's own lines are FONT apart, closer than the boxes' height: compare different texts only.
        groups = [[t.box] for t in drawn.ticks] + list(corner_boxes(drawn).values())
        for one, other in combinations(groups, 2):
            assert not any(overlap(a, b) for a in one for b in other)


def test_a_zoomed_chart_ticks_carry_the_real_percentages_every_five_points():
    # Region a ≥ 35, b ≥ 20, c ≥ 25: side 100 − 80 = 20 points, so a tick every 5 points, ends excluded.
    drawn = hybrid([], Region(35, 20, 25))
    assert ticks_by_axis(drawn) == {
        "0": [f"{v}{NBSP}%" for v in (40, 45, 50)],
        "1": [f"{v}{NBSP}%" for v in (25, 30, 35)],
        "2": [f"{v}{NBSP}%" for v in (30, 35, 40)],
    }


def test_a_zoom_wider_than_25_points_ticks_every_ten_points():
    # a ≥ 30, b ≥ 20, c ≥ 10: side 40.
    assert ticks_by_axis(hybrid([], Region(30, 20, 10))) == {
        "0": [f"{v}{NBSP}%" for v in (40, 50, 60)],
        "1": [f"{v}{NBSP}%" for v in (30, 40, 50)],
        "2": [f"{v}{NBSP}%" for v in (20, 30, 40)],
    }


def test_a_zoomed_tick_stands_where_its_real_share_is_drawn():
    # On the region's left edge (c = c0 = 25) the point with a = 45 % is (45, 30, 25). Its tick is pushed 8 units
    # out of the left edge (x − 8 × √3/2, y − 8 × 0,5) and 5 units down to sit on its baseline.
    region = Region(35, 20, 25)
    tick = next(t for t in hybrid([], region).ticks if t.key == "0" and t.text == f"45{NBSP}%")
    x, y = chart.svg_point(region.local((45, 30, 25)))
    assert isclose(tick.x, x - 8 * sqrt(3) / 2, abs_tol=0.11)
    assert isclose(tick.y, y - 4 + 5, abs_tol=0.11)


# ---- Zoom ------------------------------------------------------------------------------------------------


def test_the_zoom_region_snaps_to_five_points_with_some_air():
    # Lows: a 40 − 2 = 38 → 35; b 25 − 2 = 23 → 20; c 29 − 2 = 27 → 25; side 100 − 80 = 20.
    region = chart.zoom_region([(40, 30, 30), (42, 29, 29), (45, 25, 30)])
    assert region == Region(35, 20, 25)
    assert region.side == 20
    assert region.corners() == [(55, 20, 25), (35, 40, 25), (35, 20, 45)]


def test_points_spread_over_more_than_half_the_triangle_get_no_zoom():
    # Lows 8 → 5, 18 → 15, 0: side 80 > 50.
    assert chart.zoom_region([(10, 20, 70), (70, 20, 10)]) is None
    assert chart.zoom_region([]) is None


def test_a_region_rescales_its_points_to_a_whole_triangle():
    region = Region(35, 20, 25)
    assert region.local((55, 20, 25)) == (100, 0, 0)
    assert region.local((40, 30, 30)) == (25, 50, 25)  # (5, 10, 5) × 100 / 20
    assert FULL.local((40, 30, 30)) == (40, 30, 30)


@PROPERTY
@given(places())
def test_the_zoom_region_holds_every_point_and_is_at_most_half_the_triangle(points):
    region = chart.zoom_region(points)
    if region is None:
        return
    assert region.side <= chart.ZOOM_MAX_SIDE
    assert all(bound % chart.ZOOM_STEP == 0 and bound >= 0 for bound in (region.a0, region.b0, region.c0))
    for point in points:
        assert region.contains(point)
        assert in_unit_triangle(*chart.to_unit(*region.local(point)), tol=1e-6)


@PROPERTY
@given(shares)
def test_a_single_year_always_gets_a_zoom(point):
    # Each low loses at most 2 + 5 points, so the side is at most 3 × 7 = 21 points.
    region = chart.zoom_region([point])
    assert region is not None and region.side <= 21


# Lows a 38 → 35, b 23 → 20, c 27 → 25: Region(35, 20, 25), side 20.
THREE_YEARS = [("2022", False, (40, 30, 30)), ("2023", False, (42, 29, 29)), ("Cible 2026", True, (45, 25, 30))]


def test_the_zoom_says_its_scale_in_words():
    _, zoom = pair(THREE_YEARS)
    assert zoom.is_zoom
    assert zoom.scale == (
        f"Vue agrandie de la zone où se trouvent vos points{NBSP}: ressources publiques de 35{NBSP}% à 55{NBSP}%, "
        f"ressources privées non marchandes de 20{NBSP}% à 40{NBSP}%, revenus d’activité de 25{NBSP}% à 45{NBSP}%. "
        "Chaque côté y couvre 20 points au lieu de 100."
    )


def test_the_zoomed_region_is_outlined_on_the_full_chart_only():
    full, zoom = pair(THREE_YEARS)
    assert not full.is_zoom and zoom.is_zoom
    # Region(35, 20, 25): corners (55, 20, 25), (35, 40, 25), (35, 20, 45) on the full triangle.
    assert numbers(full.outline) == [chart.svg_point(c) for c in ((55, 20, 25), (35, 40, 25), (35, 20, 45))]
    assert zoom.outline is None


def test_spread_points_give_the_full_chart_alone_without_outline():
    full, zoom = pair([("2022", False, (10, 20, 70)), ("2023", False, (70, 20, 10))])
    assert zoom is None
    assert full.outline is None
    assert pair([]) == (None, None)


def test_the_zoomed_chart_keeps_the_real_shares_for_its_text_alternative():
    _, zoom = pair(THREE_YEARS)
    assert zoom.points[0].shares == (40, 30, 30)
    assert zoom.points[0].parts == list(zip(NAMES, (40, 30, 30), strict=True))
    assert (zoom.points[0].x, zoom.points[0].y) == chart.svg_point((25, 50, 25))


# ---- Points, path and labels -----------------------------------------------------------------------------


def test_years_are_joined_in_order_and_the_target_by_its_own_segment():
    drawn = hybrid([("2022", False, (60, 20, 20)), ("2023", False, (50, 25, 25)), ("Cible 2026", True, (40, 30, 30))])
    first, latest, target = drawn.points
    assert [p.latest for p in drawn.points] == [False, True, False]
    assert drawn.target is target and drawn.years == [first, latest]
    assert drawn.segments == [chart.Line(first.x, first.y, latest.x, latest.y)]
    assert drawn.target_segment == chart.Line(latest.x, latest.y, target.x, target.y)


def test_the_target_is_a_losange_around_its_point():
    target = hybrid([("Cible 2026", True, (1, 1, 1))]).points[0]  # at (200, 200.3)
    assert target.diamond == "200.0,192.3 208.0,200.3 200.0,208.3 192.0,200.3"
    assert hybrid([("Cible 2026", True, (1, 1, 1))]).target_segment is None


def test_a_lone_label_sits_next_to_its_point_without_a_leader():
    point = hybrid([("2024", False, (1, 1, 1))]).points[0]
    assert point.leader is None
    tx, ty = point.tag.x, point.tag.y - FONT / 3
    assert isclose(((tx - point.x) ** 2 + (ty - point.y) ** 2) ** 0.5, 12, abs_tol=0.2)


def test_coincident_years_get_separate_labels():
    drawn = hybrid([(str(y), False, (1, 1, 1)) for y in (2021, 2022, 2023, 2024)])
    boxes = [p.tag.box for p in drawn.points]
    assert not any(overlap(a, b) for a, b in combinations(boxes, 2))


def check_labels(drawn):
    labels = [p.tag.box for p in drawn.points]
    for box in labels:
        assert inside_view(box)
    for a, b in combinations(labels, 2):
        assert not overlap(a, b)
    for box in labels:
        for other in obstacles(drawn):
            assert not overlap(box, other)
        for point in drawn.points:  # nor any dot or losange (8 units around its centre)
            assert not overlap(box, (point.x - 8, point.y - 8, point.x + 8, point.y + 8))
    for point in drawn.points:
        if point.leader:
            assert (point.leader.x1, point.leader.y1) == (point.x, point.y)


@PROPERTY
@given(series())
def test_year_labels_never_overlap_each_other_the_ticks_or_the_corner_names_and_stay_in_the_view(drawn_series):
    full, zoom = pair(drawn_series)
    check_labels(full)
    if zoom is not None:
        check_labels(zoom)
        for point in zoom.points:
            assert in_svg_triangle(point.x, point.y)


@PROPERTY
@given(series())
def test_the_activation_corners_leave_room_for_the_labels_too(drawn_series):
    check_labels(chart.ternary(LEVERS, chart.ACTIVATION_CORNERS, drawn_series))


# ---- From the years to the charts ------------------------------------------------------------------------

EXAMPLE_LEVELS = dict(zip(computation.ACTIVATION_FIELDS, (3, 2, 1, 0, 0, 2, 2, 1, 1, 0, 2), strict=True))


def test_the_activation_chart_skips_incomplete_and_all_absent_years():
    results = [
        year(2022, dict.fromkeys(computation.ACTIVATION_FIELDS, 0)),  # all « Absent »: no point
        year(2023, {**EXAMPLE_LEVELS, "level_interns": None}),  # incomplete
        year(2024, EXAMPLE_LEVELS),
    ]
    full, zoom = chart.activation_charts(results)
    assert [p.label for p in full.points] == ["2024"]
    # 31,0 / 43,1 / 25,9 %, in lever order (rh on top, fin bottom left, alliances bottom right).
    assert [round(s, 1) for s in full.points[0].shares] == [31.0, 43.1, 25.9]
    assert zoom is None  # a single point needs no zoom: the table gives its figures
    assert chart.activation_charts([year(2024, {})]) == (None, None)


def test_the_hybridation_chart_places_the_three_families_and_ignores_other_resources():
    results = [year(2024, {"subsidies_state": 55000, "gifts_individuals": 15000, "revenue_sales": 30000,
                           "other_income": 10000}),
               year(2026, {"other_income": 10}, target=True)]  # only « autres »: no point
    full, _ = chart.hybridation_charts(results)
    assert [(p.label, p.shares) for p in full.points] == [("2024", (55.0, 15.0, 30.0))]


# ---- Bars ------------------------------------------------------------------------------------------------


def test_financial_bars_are_sorted_longest_first_and_sized_on_the_total():
    # 70 %, 20 %, 10 % of 290 units: 203, 58, 29; one row of 48 units each (name above, bar below).
    bars = chart.financial_bars({"gifts_individuals": 10000, "revenue_sales": 70000, "subsidies_state": 20000})
    assert [(b.label, b.family, b.width, b.y) for b in bars] == [
        ("Ventes et prestations", "activity", 203.0, 0),
        ("Subventions de l’État", "public", 58.0, 48),
        ("Dons de particuliers", "private", 29.0, 96),
    ]
    assert bars[0].share == 70
    assert bars[0].text_x == 203 + 6
    assert chart.bars_height(bars) == 3 * 48 + 4


def test_the_longest_source_name_fits_the_bars_viewbox():
    longest = max((label for label, _ in FINANCIAL_SOURCES.values()), key=len)
    assert chart.char_width(longest) * 16 / chart.FONT <= chart.BARS_WIDTH  # names are drawn at 16 units


def test_no_money_gives_no_bar():
    assert chart.financial_bars(dict.fromkeys(FINANCIAL_SOURCES)) == []
    assert chart.bars_height([]) == 4


def test_a_stacked_bar_splits_the_full_width_by_family_with_other_resources_last():
    # 110 000 €: printed shares 50 / 13,6 / 27,3 / 9,1 (adding up to 100) of 290 units: 145, 39,44, 79,17, 26,39.
    result = year(2024, {"subsidies_state": 55000, "gifts_individuals": 15000, "revenue_sales": 30000, "other_income": 10000})
    [stack] = chart.stacked_bars([result])
    assert stack.label == "2024" and stack.y == 0
    assert [s.family for s in stack.segments] == ["public", "private", "activity", "other"]
    assert [s.width for s in stack.segments] == [145.0, 39.44, 79.17, 26.39]
    assert [s.x for s in stack.segments] == [100.0, 245.0, 284.44, 363.61]
    assert [s.shows_text for s in stack.segments] == [True, False, True, False]  # under 16 %: the table says it
    assert stack.segments[0].text_x == 172.5


def test_years_without_a_budget_get_no_stacked_bar_and_empty_families_no_segment():
    stacks = chart.stacked_bars([year(2023, {}), year(2024, {"revenue_sales": 1}), year(2026, {"crowdfunding": 2}, True)])
    assert [(s.label, s.y) for s in stacks] == [("2024", 0), ("Cible 2026", 40)]
    assert [[seg.family for seg in s.segments] for s in stacks] == [["activity"], ["private"]]
    assert stacks[0].segments[0].width == chart.STACK_WIDTH
    assert chart.stacks_height(stacks) == 2 * 40 + 4


@PROPERTY
@given(st.fixed_dictionaries({name: st.integers(min_value=0, max_value=10**8) for name in FINANCIAL_SOURCES}))
def test_stacked_segment_widths_add_up_to_the_bar_width_within_rounding(figures):
    stacks = chart.stacked_bars([year(2024, figures)])
    if not any(figures.values()):
        assert stacks == []
        return
    segments = stacks[0].segments
    # Each width is rounded to the hundredth: at most 4 × 0,005 away in all.
    assert abs(sum(s.width for s in segments) - chart.STACK_WIDTH) <= 0.02 + 1e-9
    assert segments[0].x == chart.STACK_LABEL
    for before, after in zip(segments, segments[1:], strict=False):
        assert isclose(after.x, before.x + before.width, abs_tol=0.011)
    assert all(s.share > 0 for s in segments)  # an empty family draws nothing


def test_the_legend_names_the_four_families_in_drawing_order():
    assert [family for family, _ in chart.LEGEND] == ["public", "private", "activity", "other"]



# The figures written on the stacked bars


@pytest.mark.parametrize("share, text, shown", [
    (Decimal("33.3"), "33,3\u00a0%", True),  # as the table under the chart writes it, not « 33 % »
    (Decimal("55"), "55\u00a0%", True),
    (Decimal("16"), "16\u00a0%", True),
    (Decimal("19.5"), "19,5\u00a0%", False),  # a decimal is wider: the table gives it
    (Decimal("20.4"), "20,4\u00a0%", True),
    (Decimal("15"), "15\u00a0%", False),
])
def test_a_segment_writes_its_share_as_the_table_does_when_it_fits(share, text, shown):
    segment = chart.Segment("public", "Ressources publiques", share, 100.0, float(share) / 100 * chart.STACK_WIDTH)
    assert (segment.text, segment.shows_text) == (text, shown)
