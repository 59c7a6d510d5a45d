"""History of fiches (core.history, resources.history): versions kept by the admin, compared, reverted."""

import pytest
import reversion
from reversion.models import Version

from core.content_cache import content_version
from core.history import text_lines
from core.text import fold_words
from resources import models as m
from tests.factories import make_fiche, make_lever, make_reference, make_vocabulary

pytestmark = pytest.mark.django_db


def fiche_form(fiche, **changes):
    """The admin's change form of ``fiche`` as posted, its current sources kept unless ``changes`` say otherwise."""
    sources = list(fiche.sources.all())
    data = {
        "family": fiche.family, "title": fiche.title, "slug": fiche.slug, "chapeau": fiche.chapeau,
        "body": fiche.body, "tags": ", ".join(sorted(tag.name for tag in fiche.tags.all())), "status": fiche.status,
        "published_at_0": "2026-11-20", "published_at_1": "09:00:00",
        "levers": [lever.pk for lever in fiche.levers.all()],
        "sources-TOTAL_FORMS": str(len(sources)), "sources-INITIAL_FORMS": str(len(sources)),
    }
    for index, source in enumerate(sources):
        data.update({f"sources-{index}-id": source.pk, f"sources-{index}-fiche": fiche.pk,
                     f"sources-{index}-kind": source.kind, f"sources-{index}-reference": source.reference_id or "",
                     f"sources-{index}-note": source.note, f"sources-{index}-order": source.order})
    data.update(changes)
    return data


def saved_version(obj, comment):
    with reversion.create_revision():
        obj.save()
        reversion.set_comment(comment)
    return Version.objects.get_for_object(obj).first()


def test_a_revert_brings_back_tags_sources_and_links_as_a_new_version(staff_client):
    old_lever, new_lever = make_lever(label="Levier d’origine"), make_lever(label="Levier ajouté")
    fiche = make_fiche(title="Titre d’origine", body="Premier paragraphe.\n\nAncienne phrase.", levers=[old_lever],
                       sources=["Publication d’origine"])
    fiche.tags.add("bénévolat")  # loaded as the shipped content is: no version yet
    added = make_reference(title="Publication ajoutée")
    edit = fiche_form(fiche, title="Titre modifié", body="Premier paragraphe.\n\nNouvelle phrase.",
                      tags="mécénat", levers=[new_lever.pk])
    edit.update({"sources-TOTAL_FORMS": "2", "sources-1-kind": "reference", "sources-1-reference": added.pk,
                 "sources-1-order": "1"})
    assert staff_client.post(f"/admin/resources/fiche/{fiche.pk}/change/", edit).status_code == 302
    versions = list(Version.objects.get_for_object(fiche).select_related("revision"))
    assert [v.revision.comment for v in versions][1] == "État avant la première modification"

    compare = staff_client.get(f"/admin/resources/fiche/{fiche.pk}/history/compare/").content.decode()
    for text in ("Titre d’origine", "Titre modifié", "Ancienne phrase.", "Nouvelle phrase.", "Levier d’origine",
                 "Levier ajouté", "bénévolat", "mécénat", "Publication ajoutée"):
        assert text in compare
    assert "Chapeau" not in compare  # unchanged: not shown
    history = staff_client.get(f"/admin/resources/fiche/{fiche.pk}/history/").content.decode()
    assert "État avant la première modification" in history and "charlie" in history

    baseline = versions[1]
    confirm = staff_client.get(f"/admin/resources/fiche/{fiche.pk}/history/{baseline.pk}/revert/")
    assert confirm.status_code == 200 and "Oui, revenir à cette version" in confirm.content.decode()
    before = content_version()
    response = staff_client.post(f"/admin/resources/fiche/{fiche.pk}/history/{baseline.pk}/revert/")
    assert response.status_code == 302 and response["Location"] == f"/admin/resources/fiche/{fiche.pk}/change/"

    fiche.refresh_from_db()
    assert fiche.title == "Titre d’origine" and "Ancienne phrase." in fiche.body_html
    assert fold_words("Titre d’origine") in fiche.search_text and "benevolat" in fiche.search_text
    assert [tag.name for tag in fiche.tags.all()] == ["bénévolat"] and fiche.tags_text == "bénévolat"
    assert [source.reference.title for source in fiche.sources.all()] == ["Publication d’origine"]
    assert list(fiche.levers.all()) == [old_lever]
    assert content_version() != before
    latest = Version.objects.get_for_object(fiche).select_related("revision").first()
    assert latest.revision.comment.startswith("Retour à la version du ") and latest.revision.user.username == "charlie"
    assert Version.objects.get_for_object(fiche).count() == 3


def test_forged_or_foreign_version_numbers_get_a_404(staff_client):
    fiche, other = make_fiche(), make_fiche()
    mine, theirs = saved_version(fiche, "un"), saved_version(other, "deux")
    base = f"/admin/resources/fiche/{fiche.pk}/history"
    for url in (f"{base}/compare/?from=abc", f"{base}/compare/?to=-1", f"{base}/compare/?from={theirs.pk}",
                f"{base}/compare/?from=99999999999999999999999", f"{base}/{theirs.pk}/revert/",
                "/admin/resources/fiche/999999/history/compare/"):
        assert staff_client.get(url).status_code == 404, url
    assert staff_client.post(f"{base}/{theirs.pk}/revert/").status_code == 404
    single = staff_client.get(f"{base}/compare/?to={mine.pk}")
    assert single.status_code == 200 and "rien à comparer" in single.content.decode()


def test_only_staff_with_permission_see_or_revert_the_history(client, learner, django_user_model):
    fiche = make_fiche(title="Avant")
    first = saved_version(fiche, "un")
    fiche.title = "Après"
    saved_version(fiche, "deux")
    base = f"/admin/resources/fiche/{fiche.pk}/history"
    client.force_login(learner)
    for url in (f"{base}/", f"{base}/compare/", f"{base}/{first.pk}/revert/"):
        assert client.get(url).status_code == 302  # to the admin's log-in page
    assert client.post(f"{base}/{first.pk}/revert/").status_code == 302
    client.force_login(django_user_model.objects.create_user(username="dora", password="pw", is_staff=True))
    assert client.get(f"{base}/compare/").status_code == 403
    assert client.post(f"{base}/{first.pk}/revert/").status_code == 403
    assert m.Fiche.objects.get(pk=fiche.pk).title == "Après"


def test_a_vocabulary_value_edited_in_the_admin_compares_and_a_glossary_term_reverts(staff_client):
    region = make_vocabulary(m.Region, label="Bretagne")
    data = {"slug": region.slug, "label": "Bretagne (péninsule)", "order": "0", "description": "",
            "provenance": "confirmed", "source_url": ""}
    assert staff_client.post(f"/admin/resources/region/{region.pk}/change/", data).status_code == 302
    compare = staff_client.get(f"/admin/resources/region/{region.pk}/history/compare/").content.decode()
    assert "Bretagne" in compare and "Bretagne (péninsule)" in compare and "Intitulé" in compare

    term = m.GlossaryTerm.objects.create(slug="mecenat", term="mécénat", definition="Un don **ancien**.")
    fiche = make_fiche(body="Le mécénat aide.")
    first = saved_version(term, "un")
    term.definition = "Un don **nouveau**."
    saved_version(term, "deux")
    response = staff_client.post(f"/admin/resources/glossaryterm/{term.pk}/history/{first.pk}/revert/")
    assert response.status_code == 302
    term.refresh_from_db()
    assert "<strong>ancien</strong>" in term.definition_html
    fiche.refresh_from_db()
    assert "/glossaire/mecenat/" in fiche.body_html  # the hook rendered the bodies that show the term


def test_a_body_sent_by_a_browser_with_crlf_is_saved_with_lf_and_line_endings_alone_are_no_change_in_history(staff_client):
    fiche = make_fiche(title="Avant", body="Un paragraphe.\n\nUn autre.\n")  # as loaded from a file
    edit = fiche_form(fiche, title="Après", body="Un paragraphe.\r\n\r\nUn autre.")
    assert staff_client.post(f"/admin/resources/fiche/{fiche.pk}/change/", edit).status_code == 302
    fiche.refresh_from_db()
    assert fiche.body == "Un paragraphe.\n\nUn autre."
    comment = Version.objects.get_for_object(fiche).first().revision.comment
    assert "Titre" in comment and "Corps" not in comment
    fiche.body = "Un paragraphe.\r\n\r\nUn autre."  # as versions saved before the admin read them as LF
    saved_version(fiche, "fins de ligne")
    compare = staff_client.get(f"/admin/resources/fiche/{fiche.pk}/history/compare/").content.decode()
    assert "Aucune différence" in compare and "Corps" not in compare


def test_long_texts_are_compared_line_by_line_with_the_skipped_lines_marked():
    old = "\n".join(f"Ligne {n}." for n in range(1, 10))
    assert text_lines(old, old.replace("Ligne 8.", "Ligne huit.")) == [
        ("gap", "…"), ("same", "Ligne 7."), ("del", "Ligne 8."), ("ins", "Ligne huit."), ("same", "Ligne 9.")]
    assert text_lines("Un.\nDeux.", "Un.\nTrois.") == [("same", "Un."), ("del", "Deux."), ("ins", "Trois.")]


def test_a_revert_that_cannot_be_written_any_more_says_why_and_changes_nothing(staff_client):
    fiche = make_fiche(slug="adresse-d-origine", title="Avant")
    first = saved_version(fiche, "un")
    fiche.slug, fiche.title = "nouvelle-adresse", "Après"
    saved_version(fiche, "deux")
    make_fiche(slug="adresse-d-origine")  # the old address is now another fiche's
    url = f"/admin/resources/fiche/{fiche.pk}/history/{first.pk}/revert/"
    response = staff_client.post(url, follow=True)
    assert response.status_code == 200 and "Impossible de revenir à cette version" in response.content.decode()
    fiche.refresh_from_db()
    assert (fiche.slug, fiche.title) == ("nouvelle-adresse", "Après")
    assert Version.objects.get_for_object(fiche).count() == 2
