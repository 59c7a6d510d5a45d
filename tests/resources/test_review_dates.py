"""Review dates of the fiches (resources.review_dates): a default a year after publication, the data migration's
filling of existing fiches, « Marquer comme relue » (action and button) and the « Relecture » list filter."""

from datetime import UTC, date, datetime, timedelta
from importlib import import_module

import pytest
from django.apps import apps
from django.utils import timezone

from resources import content_loader
from resources.content_files import FicheFile
from resources.models import Fiche
from resources.review_dates import delay_label, one_year_after, review_date_default, review_dates_fill
from tests.factories import make_fiche

pytestmark = pytest.mark.django_db

migration = import_module("resources.migrations.0016_fiche_review_by")


def test_a_fiche_published_gets_a_review_date_a_year_later_and_a_draft_none():
    fiche = make_fiche(status=Fiche.Status.DRAFT, published_at=None)
    assert fiche.review_by is None
    fiche.status = Fiche.Status.PUBLISHED
    fiche.save()
    assert fiche.review_by == one_year_after(timezone.localdate(fiche.published_at))
    # A default only: a date staff chose stays.
    fiche.review_by = date(2030, 1, 1)
    fiche.save()
    fiche.refresh_from_db()
    assert fiche.review_by == date(2030, 1, 1)


def test_the_default_counts_from_the_last_review_when_more_recent_and_in_paris_time():
    # 23:30 UTC on 31 December is already 1 January in Paris.
    assert review_date_default(datetime(2025, 12, 31, 23, 30, tzinfo=UTC), None) == date(2027, 1, 1)
    assert review_date_default(datetime(2025, 3, 1, 9, tzinfo=UTC), date(2025, 6, 2)) == date(2026, 6, 2)
    assert review_date_default(datetime(2025, 3, 1, 9, tzinfo=UTC), date(2024, 6, 2)) == date(2026, 3, 1)
    assert one_year_after(date(2028, 2, 29)) == date(2029, 2, 28)
    assert review_date_default(None, None) is None
    assert review_date_default("2025-03-01 09:00", "2025-06-02") == date(2026, 6, 2)  # as create() may be given


def test_the_data_migration_fills_published_fiches_only_and_keeps_dates_already_set():
    old = make_fiche(published_at=datetime(2024, 5, 10, 8, tzinfo=UTC))
    reviewed = make_fiche(published_at=datetime(2023, 1, 5, 8, tzinfo=UTC), last_reviewed=date(2025, 9, 1))
    chosen = make_fiche(review_by=date(2031, 1, 1))
    draft = make_fiche(status=Fiche.Status.DRAFT, published_at=None)
    Fiche.objects.exclude(pk=chosen.pk).update(review_by=None)  # as the column arrives on an existing database

    migration.fill_review_dates(apps, None)

    dates = dict(Fiche.objects.values_list("pk", "review_by"))
    assert dates == {old.pk: date(2025, 5, 10), reviewed.pk: date(2026, 9, 1), chosen.pk: date(2031, 1, 1),
                     draft.pk: None}
    assert review_dates_fill(Fiche.objects.all()) == 0  # run again: nothing left to fill


def test_the_publish_action_gives_a_first_publication_its_review_date(staff_client):
    draft = make_fiche(status=Fiche.Status.DRAFT, published_at=None)
    staff_client.post("/admin/resources/fiche/", {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.review_by == one_year_after(timezone.localdate(draft.published_at))


def test_the_mark_reviewed_action_sets_today_and_a_year_later_on_published_fiches_only(staff_client):
    late = make_fiche(review_by=date(2020, 1, 1))
    draft = make_fiche(status=Fiche.Status.DRAFT, published_at=None)
    updated_at = late.updated_at
    response = staff_client.post("/admin/resources/fiche/", {"action": "mark_reviewed",
                                                             "_selected_action": [late.pk, draft.pk]}, follow=True)
    today = timezone.localdate()
    late.refresh_from_db()
    draft.refresh_from_db()
    assert (late.last_reviewed, late.review_by) == (today, one_year_after(today))
    assert late.updated_at == updated_at  # no news for the alerts and feeds
    assert (draft.last_reviewed, draft.review_by) == (None, None)
    assert "1 fiche(s) marquée(s) comme relue(s) aujourd’hui" in response.content.decode()
    assert "(1 brouillon(s) laissé(s) de côté)" in response.content.decode()


def fiche_form(fiche, **changes):
    return {
        "family": fiche.family, "title": fiche.title, "slug": fiche.slug, "chapeau": fiche.chapeau, "body": fiche.body,
        "tags": "", "status": fiche.status, "published_at_0": "", "published_at_1": "", "last_reviewed": "",
        "review_by": "", "sources-TOTAL_FORMS": "0", "sources-INITIAL_FORMS": "0", **changes,
    }


def test_the_button_saves_what_was_typed_marks_the_fiche_reviewed_and_stays_on_the_form(staff_client):
    fiche = make_fiche(title="Ancien titre", review_by=date(2020, 1, 1))
    url = f"/admin/resources/fiche/{fiche.pk}/change/"
    assert 'name="_mark_reviewed"' in staff_client.get(url).content.decode()
    response = staff_client.post(url, fiche_form(fiche, title="Titre corrigé", review_by="01/01/2020",
                                                 _mark_reviewed="Enregistrer et marquer comme relue"))
    assert response.status_code == 302 and response["Location"] == url
    fiche.refresh_from_db()
    today = timezone.localdate()
    assert (fiche.title, fiche.last_reviewed, fiche.review_by) == ("Titre corrigé", today, one_year_after(today))
    assert "marquée comme relue" in staff_client.get(url).content.decode()


def test_a_draft_form_has_no_mark_reviewed_button(staff_client):
    draft = make_fiche(status=Fiche.Status.DRAFT, published_at=None)
    assert "_mark_reviewed" not in staff_client.get(f"/admin/resources/fiche/{draft.pk}/change/").content.decode()


def test_the_review_filter_splits_published_fiches_into_late_soon_and_up_to_date(staff_client):
    today = timezone.localdate()
    late = make_fiche(title="En retard", review_by=today - timedelta(days=1))
    soon = make_fiche(title="Bientôt", review_by=today + timedelta(days=30))
    fine = make_fiche(title="Tranquille", review_by=today + timedelta(days=31))
    make_fiche(title="Brouillon ancien", status=Fiche.Status.DRAFT, review_by=today - timedelta(days=9))

    def listed(value):
        response = staff_client.get(f"/admin/resources/fiche/?relecture={value}")
        assert response.status_code == 200
        return {fiche.title for fiche in response.context["cl"].result_list}

    assert listed("en-retard") == {late.title}
    assert listed("sous-30-jours") == {soon.title}
    assert listed("a-jour") == {fine.title}
    assert len(listed("n-importe-quoi")) == 4  # a made-up value filters nothing


def test_the_delay_reads_in_days_in_french():
    today = date(2027, 1, 10)
    assert delay_label(date(2027, 1, 9), today) == "en retard de 1\u00a0jour"
    assert delay_label(date(2026, 12, 1), today) == "en retard de 40\u00a0jours"
    assert delay_label(today, today) == "à relire aujourd’hui"
    assert delay_label(date(2027, 1, 11), today) == "à relire dans 1\u00a0jour"
    assert delay_label(date(2027, 2, 9), today) == "à relire dans 30\u00a0jours"



def test_load_content_derives_the_review_date_from_the_file_and_moves_it_with_a_new_review():
    def load(last_reviewed, update):
        meta = {"title": "Une fiche", "family": "action", "chapeau": "Un chapeau.", "published": date(2025, 3, 1),
                "last_reviewed": last_reviewed}
        return content_loader._load_fiche(FicheFile("une-fiche", meta, "Du texte."), update)[0]

    assert load(date(2025, 6, 2), update=False).review_by == date(2026, 6, 2)
    assert load(date(2026, 1, 15), update=True).review_by == date(2027, 1, 15)
