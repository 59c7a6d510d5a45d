"""core.kept_sql: a queryset compiled once with stand-ins gives, with each call's moment and values, the SQL and
parameters the ORM compiles afresh, on both databases; the fiche page and the search rely on it."""

import datetime

import pytest
from django.utils import timezone

from core.kept_sql import MOMENT, kept_sql, stand_in
from resources.models import Fiche
from resources.views.catalogue import _published_fiche, _with_flags, fiche_tags
from tests.factories import make_fiche

pytestmark = pytest.mark.django_db


def _fiche_query(moment, slug):
    return _with_flags(Fiche.objects.visible_at(moment), slug).query.sql_with_params()


@pytest.mark.parametrize("slug", ["une-fiche", "published", "x", "1970-01-01 00:00:00.000001", "\x00slug"])
def test_the_kept_sql_is_what_the_orm_compiles_at_each_moment_for_each_value(slug):
    for now in (timezone.now(), timezone.now() + datetime.timedelta(days=400), timezone.now() - datetime.timedelta(1)):
        for _ in range(2):  # compiled, then kept
            kept = kept_sql("test fiche", lambda: _fiche_query(MOMENT, stand_in("slug")), now, slug=slug)
            assert kept == _fiche_query(now, slug)


def test_a_value_is_put_in_once_and_never_read_again_as_a_stand_in():
    sql, params = kept_sql("test two", lambda: ("SELECT %s, %s", (stand_in("a"), stand_in("b"))), timezone.now(),
                           a=stand_in("b"), b="deux")
    assert params == (stand_in("b"), "deux")


def test_the_fiche_page_reads_the_fiche_published_now_with_its_flags(client):
    later = timezone.now() + datetime.timedelta(days=2)
    shown = make_fiche(slug="visible", sources=["Une source"])
    make_fiche(slug="programmee", published_at=later)
    make_fiche(slug="brouillon", status=Fiche.Status.DRAFT)
    fiche = _published_fiche("visible")
    expected = _with_flags(Fiche.objects.published(), "visible").first()
    assert fiche is not None and fiche.pk == shown.pk
    assert {name: getattr(fiche, name) for name in ("has_sources", "has_related", "has_worksheets")} == {
        "has_sources": True, "has_related": False, "has_worksheets": False}
    fields = [field.attname for field in Fiche._meta.concrete_fields]
    assert [getattr(fiche, name) for name in fields] == [getattr(expected, name) for name in fields]
    assert _published_fiche("programmee") is None and _published_fiche("brouillon") is None
    assert _published_fiche("absente") is None


def test_a_fiche_page_lists_its_tags_in_the_order_they_were_given(client):
    fiche = make_fiche(slug="mots")
    fiche.tags.add("zèbre")
    fiche.tags.add("abeille")
    make_fiche(slug="autre").tags.add("ailleurs")
    assert [tag.name for tag in fiche_tags(fiche.pk)] == ["zèbre", "abeille"]
    page = client.get("/fiches/mots/").content.decode()
    assert page.index('?tag=zebre">zèbre</a>') < page.index('?tag=abeille">abeille</a>')
    assert "ailleurs" not in page
