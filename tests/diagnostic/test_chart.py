"""Geometry of the ternary plot and of the financial bars."""

import re
from decimal import Decimal
from math import isclose, sqrt

import pytest
from hypothesis import given, settings, strategies as st

from diagnostic import chart, computation
from diagnostic.computation import CORNERS, FINANCIAL_SOURCES

RATES = computation.Rates(
    fte_year=Decimal(40000),
    volunteer_hour=Decimal(10),
    service_civique_month=Decimal(700),
    intern_month=Decimal(600),
    skills_day=Decimal(400),
    partnership_year=Decimal(1000),
    dependency_threshold=Decimal(50),
)
# Per year: rh, fin, all in euros (1 FTE = 40 000, revenue, in-kind premises).
RH_ONLY = {"salaried_fte": 1}
FIN_ONLY = {"revenue_sales": 40000}
ALL_ONLY = {"in_kind_premises": 40000}
BALANCED = {"salaried_fte": 1, "revenue_sales": 40000, "in_kind_premises": 40000}


def year(y, figures, target=False):
    return computation.evaluate(y, figures, RATES, is_target=target)


def numbers_in(text):
    return [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", text)]


def inside_view(chart_data, x, y):
    return 0 <= x <= chart_data["width"] and 0 <= y <= chart_data["height"]


# --- to_svg and the triangle -----------------------------------------------------------------


def test_the_corners_map_to_the_svg_triangle():
    height = 360 * sqrt(3) / 2  # 311,77
    assert chart.to_svg(CORNERS["rh"]) == (250.0, 50.0)  # 70 + 0,5 × 360 ; top margin
    assert chart.to_svg(CORNERS["fin"]) == (70.0, round(50 + height, 1))  # (70 ; 361,8)
    assert chart.to_svg(CORNERS["all"]) == (430.0, round(50 + height, 1))  # (430 ; 361,8)


def test_the_triangle_polygon_joins_the_three_corners():
    data = chart.ternary([])
    assert data["triangle"] == "250.0,50.0 70.0,361.8 430.0,361.8"


def test_the_view_box_holds_the_triangle_and_its_margins():
    data = chart.ternary([])
    assert data["width"] == 500  # 360 + 2 × 70
    assert data["height"] == 422  # round(311,77 + 50 + 60)


def test_the_grid_has_four_lines_per_lever():
    assert len(chart.ternary([])["grid"]) == 12


def test_the_richesses_humaines_grid_lines_are_horizontal_every_fifth_of_the_height():
    grid = chart.ternary([])["grid"][:4]  # the first lever is rh
    bottom, height = 50 + chart.HEIGHT, chart.HEIGHT
    for (x1, y1, x2, y2), pct in zip(grid, chart.GRID, strict=True):
        assert y1 == y2
        assert isclose(y1, bottom - height * pct / 100, abs_tol=0.05)
        assert x1 < x2


def test_every_grid_line_ends_on_the_sides_of_the_triangle():
    for x1, y1, x2, y2 in chart.ternary([])["grid"]:
        for x, y in ((x1, y1), (x2, y2)):
            ux, uy = (x - chart.MARGIN_X) / chart.SIDE, (chart.MARGIN_TOP + chart.HEIGHT - y) / chart.SIDE
            on_base = isclose(uy, 0, abs_tol=1e-3)
            on_left = isclose(sqrt(3) * ux, uy, abs_tol=1e-3)
            on_right = isclose(sqrt(3) * (1 - ux), uy, abs_tol=1e-3)
            assert on_base or on_left or on_right


def test_corner_labels_name_the_levers_in_order():
    labels = chart.ternary([])["corner_labels"]
    assert [(label[0], label[-1]) for label in labels] == [
        ("Richesses humaines", "rh"),
        ("Financement", "fin"),
        ("Alliances", "all"),
    ]


# --- points, segments, target ----------------------------------------------------------------


@pytest.fixture
def history():
    """Given out of order: a target and three actual years."""
    return [
        year(2025, BALANCED, target=True),
        year(2023, FIN_ONLY),
        year(2021, RH_ONLY),
        year(2022, ALL_ONLY),
    ]


def test_there_is_one_point_per_actual_year_sorted_by_year(history):
    points = chart.ternary(history)["points"]
    assert [p.label for p in points] == ["2021", "2022", "2023"]
    assert not any(p.is_target for p in points)


def test_a_year_all_in_one_lever_sits_on_that_corner(history):
    points = chart.ternary(history)["points"]
    assert [(p.x, p.y) for p in points] == [chart.to_svg(CORNERS[lever]) for lever in ("rh", "all", "fin")]


def test_segments_join_consecutive_years(history):
    data = chart.ternary(history)
    p = data["points"]
    assert data["segments"] == [(p[0].x, p[0].y, p[1].x, p[1].y), (p[1].x, p[1].y, p[2].x, p[2].y)]


def test_the_target_is_a_separate_point_with_a_diamond(history):
    target = chart.ternary(history)["target"]
    assert target.is_target and target.label == "Cible 2025"
    # balanced: the centre of the triangle, (0,5 ; √3/6) → (250 ; 361,77 − 103,92 = 257,8).
    assert (target.x, target.y) == (250.0, 257.8)
    corners = numbers_in(target.diamond)
    expected = [250, 249.8, 258, 257.8, 250, 265.8, 242, 257.8]
    assert len(corners) == 8
    assert all(isclose(a, b, abs_tol=1e-6) for a, b in zip(corners, expected, strict=True))


def test_the_target_segment_leaves_from_the_latest_year(history):
    data = chart.ternary(history)
    latest, target = data["points"][-1], data["target"]
    assert latest.label == "2023"
    assert data["target_segment"] == (latest.x, latest.y, target.x, target.y)


def test_without_target_there_is_no_target_nor_target_segment(history):
    data = chart.ternary(history[1:])
    assert data["target"] is None and data["target_segment"] is None


def test_a_target_alone_has_no_segment(history):
    data = chart.ternary(history[:1])
    assert data["points"] == [] and data["segments"] == []
    assert data["target"] is not None and data["target_segment"] is None


def test_a_single_year_has_no_segment():
    data = chart.ternary([year(2024, BALANCED)])
    assert len(data["points"]) == 1 and data["segments"] == []


def test_the_points_carry_their_result(history):
    data = chart.ternary(history)
    assert [p.result.year for p in data["points"]] == [2021, 2022, 2023]
    assert data["target"].result is history[0]


def all_coordinates(data):
    for x1, y1, x2, y2 in data["grid"]:
        yield x1, y1
        yield x2, y2
    for _, x, y, *_ in data["corner_labels"]:
        yield x, y
    values = numbers_in(data["triangle"])
    yield from zip(values[::2], values[1::2], strict=True)
    plotted = [*data["points"], *([data["target"]] if data["target"] else [])]
    for p in plotted:
        yield p.x, p.y
    if data["target"]:
        values = numbers_in(data["target"].diamond)
        yield from zip(values[::2], values[1::2], strict=True)


def test_every_coordinate_lies_inside_the_view_box(history):
    data = chart.ternary(history)
    for x, y in all_coordinates(data):
        assert inside_view(data, x, y), (x, y)


lever_figures = st.fixed_dictionaries(
    {
        "salaried_fte": st.decimals(min_value=0, max_value=10**7, places=2),
        "revenue_sales": st.decimals(min_value=0, max_value=10**12, places=2),
        "in_kind_premises": st.decimals(min_value=0, max_value=10**12, places=2),
    }
)


@settings(max_examples=200, deadline=None)
@given(st.lists(lever_figures, min_size=0, max_size=5), st.one_of(st.none(), lever_figures))
def test_any_history_stays_inside_the_view_box_and_the_triangle(years, target):
    results = [year(2000 + i, figures) for i, figures in enumerate(years)]
    if target is not None:
        results.append(year(2100, target, target=True))
    data = chart.ternary(results)
    for x, y in all_coordinates(data):
        assert inside_view(data, x, y), (x, y)
    top, bottom = chart.MARGIN_TOP, chart.MARGIN_TOP + chart.HEIGHT
    for p in data["points"]:
        assert top - 0.05 <= p.y <= bottom + 0.05
        assert chart.MARGIN_X - 0.05 <= p.x <= chart.MARGIN_X + chart.SIDE + 0.05
    assert len(data["segments"]) == max(len(years) - 1, 0)


# --- financial bars --------------------------------------------------------------------------

MIX = {"subsidies_state": Decimal(300), "revenue_sales": Decimal(600), "gifts_individuals": Decimal(100), "crowdfunding": None}


def test_bars_are_sorted_by_amount_and_skip_empty_sources():
    bars = chart.financial_bars(MIX)
    assert [b.label for b in bars] == ["Ventes et prestations", "Subventions de l’État", "Dons de particuliers"]
    assert [b.y for b in bars] == [0, 34, 68]


def test_bar_widths_are_proportional_to_the_share():
    bars = chart.financial_bars(MIX)
    # 600 / 1 000 = 60 % → 0,6 × 260 = 156; 30 % → 78; 10 % → 26.
    assert [b.share for b in bars] == [60, 30, 10]
    assert [b.width for b in bars] == [156.0, 78.0, 26.0]


def test_bars_know_their_family():
    bars = chart.financial_bars(MIX)
    assert [(b.family, b.family_label) for b in bars] == [
        ("own", "Revenus propres"),
        ("public", "Financements publics"),
        ("private", "Financements privés"),
    ]


def test_the_bar_label_follows_its_bar():
    bar = chart.financial_bars(MIX)[0]
    assert bar.text_x == chart.LABEL_WIDTH + 156 + 8


def test_a_single_source_fills_the_whole_width():
    [bar] = chart.financial_bars({"crowdfunding": Decimal(5)})
    assert bar.share == 100 and bar.width == chart.BAR_WIDTH


def test_no_money_no_bars():
    assert chart.financial_bars({}) == []
    assert chart.financial_bars(dict.fromkeys(FINANCIAL_SOURCES)) == []
    assert chart.bars_height([]) == 4


def test_the_bars_height_grows_by_one_row_per_bar():
    assert chart.bars_height(chart.financial_bars(MIX)) == 3 * chart.ROW + 4


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(list(FINANCIAL_SOURCES)), st.decimals(min_value=0, max_value=10**12, places=2)))
def test_bars_are_ordered_bounded_and_share_a_hundred_percent(sources):
    bars = chart.financial_bars(sources)
    assert len(bars) == sum(1 for amount in sources.values() if amount)
    assert [b.amount for b in bars] == sorted((b.amount for b in bars), reverse=True)
    assert all(0 <= b.width <= chart.BAR_WIDTH for b in bars)
    for b in bars:
        assert isclose(b.width, float(b.share) / 100 * chart.BAR_WIDTH, abs_tol=0.05)
    if bars:
        assert abs(sum(b.share for b in bars) - 100) <= Decimal("1e-9")
    assert [b.y for b in bars] == [i * chart.ROW for i in range(len(bars))]
