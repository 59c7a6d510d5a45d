import pytest
from django.core.management import call_command

from resources.models import Fiche
from resources.vocabularies import VOCABULARIES

pytestmark = pytest.mark.django_db


# The shipped content is put back in bulk first (tests/shipped.py): the command's own content_load() then finds it
# there, instead of loading it twice. Loading from an empty database is tested in tests/tools/test_demo_data.py.
def test_seed_demo_is_deterministic_and_spread_over_every_vocabulary(shipped_content):
    call_command("seed_demo", fiches=60, stdout=None)
    first = list(Fiche.objects.filter(slug__startswith="demo-").order_by("slug").values_list("title", "body"))
    call_command("seed_demo", fiches=60, stdout=None)
    second = list(Fiche.objects.filter(slug__startswith="demo-").order_by("slug").values_list("title", "body"))
    assert len(first) == 60 and first == second
    demo = Fiche.objects.filter(slug__startswith="demo-")
    for kind in VOCABULARIES:
        assert demo.filter(**{f"{kind.field}__isnull": False}).exists(), kind.field
    assert demo.filter(tags__isnull=False).exists()
    assert all(fiche.body_html.startswith("<h2>") and fiche.search_text for fiche in demo)


def test_seed_demo_refuses_absurd_sizes():
    with pytest.raises(Exception, match="--fiches"):
        call_command("seed_demo", fiches=-1)


def test_bench_search_measures_every_scenario_and_writes_the_table(shipped_content, tmp_path):
    call_command("seed_demo", fiches=30, stdout=None)
    output = tmp_path / "benchmarks.md"
    call_command("bench_search", requests=2, output=str(output), stdout=None)
    table = output.read_text(encoding="utf-8")
    for scenario in ("Liste sans filtre", "Liste, trois facettes (avec comptes)", "Recherche, un mot",
                     "Recherche, une expression", "Recherche avec une faute de frappe"):
        assert f"| {scenario} |" in table
    assert "| 200 |" in table and "| 500 |" not in table
