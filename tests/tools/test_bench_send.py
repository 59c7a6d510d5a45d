"""`make bench-send` (tools/send_benchmark.py): the command measured on a few subscribers, and its section of
docs/benchmarks.md, which `make bench` keeps when it rewrites the file."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from rendezvous.models import LetterSubscriber, OutgoingMail
from tools import benchmark, send_benchmark
from tests.tools.test_benchmark import _item

pytestmark = pytest.mark.django_db

CONTEXT = {
    "date": "06/12/2026 à 15 h 00",
    "machine": {"processeur": "Test CPU", "coeurs": 2, "systeme": "Linux", "python": "3.11", "postgresql": "15",
                "wrk": "wrk 4.1.0", "cache": "HubRedisCache"},
    "data": {scale: {"fiches": 10, "publiees": 10, "personnes": 1, "diagnostics": 1} for scale in ("1x", "10x")},
    "workers": 2, "connections": 4, "seconds": 8, "seed_s": 1.0, "duration_s": 2.0,
}


def test_the_send_benchmark_sends_one_email_per_subscriber_and_writes_its_section_alone(tmp_path):
    report = tmp_path / "benchmarks.md"
    report.write_text("# Mesures de charge (`make bench`)\n\nUn tableau.\n", encoding="utf-8")
    out = StringIO()
    call_command("bench_send", subscribers=25, output=str(report), stdout=out)
    assert "Mise en file : 25 e-mails en" in out.getvalue() and "envoi : 25 en" in out.getvalue()
    assert OutgoingMail.objects.filter(status="sent").count() == 25
    text = report.read_text(encoding="utf-8")
    assert text.startswith("# Mesures de charge (`make bench`)\n\nUn tableau.\n\n<!-- make bench-send : début -->")
    assert "à 25 abonnés confirmés" in text and "| Mise en file (" in text and "| 25 |" in text
    with pytest.raises(CommandError, match="La mesure part d’une base sans lettre"):
        call_command("bench_send", subscribers=5, output="", stdout=StringIO())

    # A second measure replaces the section; `make bench` rewrites everything else and keeps it.
    send_benchmark.write_section(report, send_benchmark.section(
        {"queued": 9, "queued_s": 1.0, "sent": 9, "failed": 0, "sent_s": 2.0, "again": (0, 0, 0), "again_s": 0.01,
         "delivered": 9, "stored": 9, "message_bytes": 2048}, 9, "07/12/2026 à 10 h 00", "Test CPU"))
    benchmark.write_report(report, tmp_path / "b.json", [_item("floor", 1000)], CONTEXT)
    text = report.read_text(encoding="utf-8")
    assert "Un tableau." not in text and "Plancher : 1 000 requêtes par seconde" in text
    assert text.count("<!-- make bench-send : début -->") == 1 and "à 9 abonnés confirmés" in text
    assert "à 25 abonnés" not in text and text.endswith("<!-- make bench-send : fin -->\n")
    assert LetterSubscriber.objects.count() == 25
