"""The pieces of `make bench` that can be checked without loading a server (the run itself takes minutes)."""

import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from tools import benchmark
from tools.floor import floor

WRK_OUTPUT = """Running 8s test @ http://127.0.0.1:40123/fiches/
  1 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.61ms  612.04us  14.20ms   89.12%
    Req/Sec     1.55k    80.31     1.70k    71.25%
  Latency Distribution
     50%    2.48ms
     75%    2.80ms
     90%    3.20ms
     99%    1.02s
  12402 requests in 8.00s, 310.22MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:   1550.21
Transfer/sec:     38.77MB
"""


def test_wrk_output_is_read_with_its_units_and_every_kind_of_error():
    figures = benchmark.parse_wrk(WRK_OUTPUT)
    assert figures == {"rps": 1550.21, "p50_ms": 2.48, "p99_ms": 1020.0, "requests": 12402, "errors": 7}


def test_wrk_microseconds_are_read_as_fractions_of_a_millisecond():
    output = WRK_OUTPUT.replace("50%    2.48ms", "50%  612.00us").replace("99%    1.02s", "99%    3.20ms")
    figures = benchmark.parse_wrk(output.replace("Non-2xx or 3xx responses: 4\n", "").replace("read 2", "read 0")
                                  .replace("timeout 1", "timeout 0"))
    assert figures["p50_ms"] == pytest.approx(0.612) and figures["p99_ms"] == 3.2 and figures["errors"] == 0


def test_the_floor_view_answers_without_touching_the_database():
    # No django_db mark: any query would raise.
    request = RequestFactory().get("/bench/plancher/")
    request.user = AnonymousUser()
    response = floor(request)
    assert response.status_code == 200 and b"visiteur" in response.content


def _item(key, rps, target=None, queries=None, **extra):
    queries = queries or {"1x froid": 5, "1x servi": 0, "10x froid": 5, "10x servi": 0}
    return benchmark.Scenario(key, f"Scénario {key}", f"/{key}/", "page", target=target, queries=queries, rps=rps,
                              ratio=rps / 1000, **extra)


def test_cold_twins_repeat_the_measured_pages_with_their_uncached_query_counts_and_their_own_targets():
    items = [_item("floor", 1000), _item("fiche", 250, target=0.2), _item("dashboard", 100), _item("glossary", 300),
             _item("search_word", 200, target=0.1)]
    twins = benchmark.cold_twins(items)
    assert [twin.key for twin in twins] == ["fiche_cold", "glossary_cold", "search_word_cold"]
    assert twins[0].cold and twins[0].target == 0.05 and twins[0].label.endswith("caches coupés")
    assert twins[1].target is None and twins[2].target == 0.03
    assert twins[0].queries == {"1x froid": 5, "1x servi": 5, "10x froid": 5, "10x servi": 5}


def _run(rps, p50=1.0, p99=5.0):
    return {"rps": rps, "p50_ms": p50, "p99_ms": p99, "requests": int(rps * 8), "errors": 0}


def test_each_run_is_shared_against_its_own_floor_and_the_median_run_gives_the_latencies():
    floor = _item("floor", 0, runs=[_run(1000), _run(800), _run(1200)])
    # Shares 0.30, 0.25, 0.20: the median share (0.25) is not the median rps (240) over the median floor (1000).
    page = _item("page", 0, target=0.22, runs=[_run(300, p50=2.0), _run(200, p50=3.0), _run(240, p50=4.0)])
    benchmark.summarise([floor, page])
    assert floor.rps == 1000 and floor.ratio == 1.0
    assert page.rps == 240 and page.ratio == pytest.approx(0.25) and page.p50_ms == 4.0
    assert page.met and not page.met_every_run and page.errors == 0 and page.requests == 5920
    assert page.spread == {"rps_min": 200, "rps_max": 300, "ratio_min": pytest.approx(0.2),
                           "ratio_max": pytest.approx(0.3)}
    even = _item("even", 0, runs=[_run(100, p50=1.0), _run(300, p50=9.0)])
    benchmark.summarise([_item("floor", 0, runs=[_run(1000), _run(1000)]), even])
    assert even.rps == 200 and even.p50_ms == 1.0  # the lower middle run for an even count


def test_the_report_gives_each_verdict_and_flags_a_page_whose_queries_grow(tmp_path):
    items = [
        _item("floor", 0, runs=[_run(1000), _run(900), _run(1100)]),
        _item("home", 0, target=0.5, runs=[_run(600), _run(400), _run(620)]),
        _item("step", 0, target=0.2, queries={"1x froid": 8, "1x servi": 3, "10x froid": 9, "10x servi": 3},
              runs=[_run(100), _run(120), _run(90)]),
    ]
    benchmark.summarise(items)
    context = {
        "date": "27/11/2026 à 15 h 00",
        "machine": {"processeur": "Test CPU", "coeurs": 2, "systeme": "Linux", "python": "3.11", "postgresql": "15",
                    "wrk": "wrk 4.1.0", "cache": "HubRedisCache"},
        "data": {scale: {"fiches": n, "publiees": n, "personnes": n // 4, "diagnostics": n // 20}
                 for scale, n in (("1x", 2000), ("10x", 20000))},
        "workers": 2, "connections": 4, "seconds": 8, "runs": 3, "seed_s": 60.0, "duration_s": 270.0,
    }
    markdown, data = tmp_path / "b.md", tmp_path / "b.json"
    benchmark.write_report(markdown, data, items, context)
    text = markdown.read_text(encoding="utf-8")
    # home: shares 0.60, 0.44, 0.56, median 0.56; step: 0.10, 0.13, 0.08.
    assert "≥ 50 % ✓ (pas à chaque passage)" in text and "≥ 20 % ✗" in text
    assert "| écart sur 3 passages |" in text and "400–620 req/s\u00a0; 44–60 %" in text
    assert "| 600 | 1,0 | 5,0 | 56 % |" in text
    assert "Cibles atteintes : 1 sur 2 (dont 0 à chaque passage)." in text
    assert "Plancher : 1 000 requêtes par seconde (médiane ; écart sur 3 passages : 900–1 100)." in text
    assert "Requêtes en hausse entre 1x et 10x : Scénario step." in text
    assert "20 000 fiches" in text
    saved = json.loads(data.read_text(encoding="utf-8"))
    assert [row["met"] for row in saved["scenarios"]] == [None, True, False]
    assert [row["met_every_run"] for row in saved["scenarios"]] == [None, False, False]
    assert saved["runs"] == 3 and saved["scenarios"][1]["spread"]["rps_min"] == 400
    assert [run["rps"] for run in saved["scenarios"][1]["runs"]] == [600, 400, 620]
