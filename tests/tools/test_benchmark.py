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


def test_cold_twins_repeat_the_measured_pages_with_their_uncached_query_counts():
    items = [_item("floor", 1000), _item("fiche", 250, target=0.2), _item("dashboard", 100)]
    twins = benchmark.cold_twins(items)
    assert [twin.key for twin in twins] == ["fiche_cold"]
    assert twins[0].cold and twins[0].target is None and twins[0].label.endswith("caches coupés")
    assert twins[0].queries == {"1x froid": 5, "1x servi": 5, "10x froid": 5, "10x servi": 5}


def test_the_report_gives_each_verdict_and_flags_a_page_whose_queries_grow(tmp_path):
    items = [
        _item("floor", 1000),
        _item("home", 600, target=0.5),
        _item("step", 100, target=0.2, queries={"1x froid": 8, "1x servi": 3, "10x froid": 9, "10x servi": 3}),
    ]
    context = {
        "date": "27/11/2026 à 15 h 00",
        "machine": {"processeur": "Test CPU", "coeurs": 2, "systeme": "Linux", "python": "3.11", "postgresql": "15",
                    "wrk": "wrk 4.1.0", "cache": "HubRedisCache"},
        "data": {scale: {"fiches": n, "publiees": n, "personnes": n // 4, "diagnostics": n // 20}
                 for scale, n in (("1x", 2000), ("10x", 20000))},
        "workers": 2, "connections": 4, "seconds": 8, "seed_s": 60.0, "duration_s": 270.0,
    }
    markdown, data = tmp_path / "b.md", tmp_path / "b.json"
    benchmark.write_report(markdown, data, items, context)
    text = markdown.read_text(encoding="utf-8")
    assert "≥ 50 % ✓" in text and "≥ 20 % ✗" in text
    assert "Cibles atteintes : 1 sur 2." in text
    assert "Requêtes en hausse entre 1x et 10x : Scénario step." in text
    assert "20 000 fiches" in text
    saved = json.loads(data.read_text(encoding="utf-8"))
    assert [row["met"] for row in saved["scenarios"]] == [None, True, False]
