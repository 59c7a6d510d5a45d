import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError
from django.db.models import ProtectedError

from resources.models import Component, Fiche, Region
from tests.factories import make_component, make_fiche, make_lever, make_vocabulary

pytestmark = pytest.mark.django_db


def test_slug_is_derived_from_the_title_when_left_empty():
    fiche = make_fiche(title="Mobiliser des bénévoles à l’échelle d’un territoire", slug="")
    assert fiche.slug == "mobiliser-des-benevoles-a-lechelle-dun-territoire"


def test_slugs_are_unique():
    make_fiche(slug="meme-adresse")
    with pytest.raises(IntegrityError):
        make_fiche(slug="meme-adresse")


def test_publishing_stamps_the_publication_date_once():
    fiche = make_fiche(status=Fiche.Status.DRAFT, published_at=None)
    assert fiche.published_at is None
    fiche.status = Fiche.Status.PUBLISHED
    fiche.save()
    first = fiche.published_at
    assert first is not None
    fiche.save()
    assert fiche.published_at == first


def test_published_hides_drafts():
    shown = make_fiche()
    make_fiche(status=Fiche.Status.DRAFT)
    assert list(Fiche.objects.published()) == [shown]


def test_visible_to_shows_drafts_to_staff_only(staff, learner):
    draft = make_fiche(status=Fiche.Status.DRAFT)
    assert draft in Fiche.objects.visible_to(staff)
    assert draft not in Fiche.objects.visible_to(learner)
    assert draft not in Fiche.objects.visible_to(AnonymousUser())


def test_component_examples_are_one_per_line():
    component = make_component(examples="Subvention publique\n\n  Mécénat  \n")
    assert component.example_list == ["Subvention publique", "Mécénat"]


def test_a_lever_with_components_cannot_be_deleted():
    component = make_component()
    with pytest.raises(ProtectedError):
        component.lever.delete()


def test_vocabulary_values_link_to_their_page():
    region = make_vocabulary(Region, slug="bretagne", label="Bretagne")
    assert region.get_absolute_url() == "/regions/bretagne/"
    assert str(region) == "Bretagne"


def test_levers_and_components_have_nested_addresses():
    lever = make_lever(slug="financement")
    component = make_component(lever=lever, slug="subventionnement")
    assert lever.get_absolute_url() == "/leviers/financement/"
    assert Component.objects.get(pk=component.pk).get_absolute_url() == "/leviers/financement/subventionnement/"


def test_fiche_sources_keep_their_order():
    fiche = make_fiche()
    fiche.sources.create(label="Deuxième", kind="inference", order=2)
    fiche.sources.create(label="Première", kind="inference", order=1)
    assert [s.label for s in fiche.sources.all()] == ["Première", "Deuxième"]


def test_related_fiches_are_symmetrical():
    a, b = make_fiche(), make_fiche()
    a.related.add(b)
    assert a in b.related.all()
