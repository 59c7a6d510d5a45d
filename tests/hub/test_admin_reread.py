"""The admin page « À relire » (hub.admin_reread): published fiches to read again, most overdue first, with their
delay in words, each linked to its change page, in a fixed number of queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from resources.models import Fiche
from tests.factories import make_fiche

pytestmark = pytest.mark.django_db

URL = "/admin/a-relire/"


def due(days, **fields):
    """A published fiche to read again ``days`` days from today (negative: overdue)."""
    return make_fiche(review_by=timezone.localdate() + timedelta(days=days), **fields)


def test_the_admin_index_links_the_reread_page(staff_client):
    assert f'href="{URL}">À relire</a>' in staff_client.get("/admin/").content.decode()


def test_the_list_is_sorted_by_urgency_with_the_delay_in_words_and_links_to_each_fiche(staff_client):
    soon = due(12, title="Dans douze jours")
    today = due(0, title="Aujourd’hui")
    late = due(-40, title="Très en retard")
    slightly = due(-1, title="Un peu en retard")
    due(31, title="Plus tard")
    due(-5, title="Brouillon", status=Fiche.Status.DRAFT)
    html = staff_client.get(URL).content.decode()
    order = [html.index(f'<a href="/admin/resources/fiche/{fiche.pk}/change/">{fiche.title}</a>')
             for fiche in (late, slightly, today, soon)]
    assert order == sorted(order)
    assert "<strong>en retard de 40\u00a0jours</strong>" in html and "<strong>en retard de 1\u00a0jour</strong>" in html
    assert "à relire aujourd’hui" in html and "à relire dans 12\u00a0jours" in html
    assert "4 fiches à relire, dont 2 en retard." in html
    assert "Plus tard" not in html and "Brouillon" not in html


def test_the_list_takes_the_same_queries_for_three_fiches_or_thirty(staff_client, django_assert_max_num_queries):
    for index in range(3):
        due(-index)
    with django_assert_max_num_queries(8) as small:
        staff_client.get(URL)
    for index in range(27):
        due(index - 10)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert staff_client.get(URL).content.decode().count("/change/\">") == 30


def test_the_list_is_paginated_and_a_bad_page_is_refused(staff_client, monkeypatch):
    monkeypatch.setattr("hub.admin_reread.PER_PAGE", 2)
    fiches = [due(-30 + index) for index in range(3)]
    second = staff_client.get(f"{URL}?page=2").content.decode()
    assert f"/admin/resources/fiche/{fiches[2].pk}/change/" in second
    assert f"/admin/resources/fiche/{fiches[0].pk}/change/" not in second and "page 2 sur 2" in second
    assert staff_client.get(f"{URL}?page=abc").status_code == 400
    assert staff_client.get(f"{URL}?page=9").status_code == 404


def test_nothing_to_reread_says_so(staff_client):
    due(200)
    assert "Rien à relire" in staff_client.get(URL).content.decode()


def test_visitors_learners_and_staff_without_fiche_rights_are_kept_out(visitor, learner_client, django_user_model,
                                                                       client):
    for outsider in (visitor, learner_client):
        response = outsider.get(URL)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    client.force_login(django_user_model.objects.create_user(username="dora", password="pw-dora-123", is_staff=True))
    assert client.get(URL).status_code == 403
