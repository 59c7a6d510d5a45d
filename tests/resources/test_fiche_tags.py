"""The search copies of a fiche follow its tags however they change (resources/fiche_tags.py): the public search
then finds the fiche by its new tag and no longer by an old one."""

import pytest
from taggit.models import Tag

from resources.models import Fiche
from tests.factories import make_fiche

pytestmark = pytest.mark.django_db


def copies(fiche):
    fiche = Fiche.objects.get(pk=fiche.pk)
    return fiche.tags_text, fiche.search_text


def found(visitor, words):
    return [fiche.title for fiche in visitor.get("/fiches/", {"q": words}).context["catalogue"].page.object_list]


def test_tags_added_removed_set_and_cleared_reach_the_search_copies():
    fiche = make_fiche(title="Accueillir")
    fiche.tags.add("bénévolat", "engagement")
    assert copies(fiche)[0] == "bénévolat, engagement"
    assert " benevolat" in copies(fiche)[1]
    fiche.tags.remove("engagement")
    assert copies(fiche)[0] == "bénévolat"
    fiche.tags.set(["mécénat"])
    assert copies(fiche)[0] == "mécénat"
    fiche.tags.clear()
    assert copies(fiche)[0] == ""
    assert "mecenat" not in copies(fiche)[1]


def test_a_tag_renamed_in_taggit_s_admin_is_found_under_its_new_name(staff_client, visitor):
    fiche = make_fiche(title="Partager des locaux")
    fiche.tags.add("ancien")
    tag = Tag.objects.get(name="ancien")
    item = fiche.tagged_items.get()
    prefix = "taggit_taggeditem_items"
    response = staff_client.post(f"/admin/taggit/tag/{tag.pk}/change/", {
        "name": "mutualisation", "slug": "mutualisation",
        f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-INITIAL_FORMS": "1",
        f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000",
        f"{prefix}-0-id": str(item.pk), f"{prefix}-0-tag": str(tag.pk),
        f"{prefix}-0-content_type": str(item.content_type_id), f"{prefix}-0-object_id": str(fiche.pk),
    })
    assert response.status_code == 302
    assert copies(fiche)[0] == "mutualisation"
    assert found(visitor, "mutualisation") == ["Partager des locaux"]
    assert found(visitor, "ancien") == []


def test_a_deleted_tag_leaves_the_search_copies(staff_client):
    fiche = make_fiche(title="Partager des locaux")
    fiche.tags.add("éphémère", "durable")
    Tag.objects.get(name="éphémère").delete()
    assert copies(fiche)[0] == "durable"


def test_tags_set_through_the_fiche_form_reach_the_search_copies(staff_client):
    fiche = make_fiche(title="Partager des locaux", slug="partager")
    page = staff_client.get(f"/admin/resources/fiche/{fiche.pk}/change/")
    assert page.status_code == 200
    fiche.tags.add("premier")
    assert copies(fiche)[0] == "premier"


def test_tags_merged_in_taggit_s_admin_are_found_under_the_merged_name(staff_client, visitor):
    first, second = make_fiche(title="Accueillir"), make_fiche(title="Fidéliser")
    first.tags.add("bénévoles")
    second.tags.add("benevolat", "bénévoles")
    session = staff_client.session
    session["selected_tag_ids"] = ",".join(str(tag.pk) for tag in Tag.objects.filter(name__in=["bénévoles", "benevolat"]))
    session.save()
    response = staff_client.post("/admin/taggit/tag/merge-tags/", {"new_tag_name": "bénévolat"})
    assert response.status_code == 302
    assert copies(first)[0] == "bénévolat" and copies(second)[0] == "bénévolat"
    assert sorted(found(visitor, "bénévolat")) == ["Accueillir", "Fidéliser"]
