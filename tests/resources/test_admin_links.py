"""The admin list « Liens cassés »: dead links first, with their code or reason, since when, and where each is used
(linked to the page that corrects it); read-only, staff only, a fixed number of queries."""

from datetime import datetime, timezone

import pytest

from resources.models import LinkCheck
from tests.factories import logged_client, make_fiche

pytestmark = pytest.mark.django_db

URL = "/admin/resources/linkcheck/"
WHEN = datetime(2026, 11, 2, 8, 0, tzinfo=timezone.utc)


def make_check(url, status, *, code=None, reason="", since=None, used_in=()):
    return LinkCheck.objects.create(url=url, status=status, code=code, reason=reason, checked_at=WHEN,
                                    first_failed_at=since, failures=1 if since else 0, used_in=list(used_in))


def place(fiche, anchor="", field="corps (Markdown)"):
    return {"model": "resources.fiche", "pk": fiche.pk, "anchor": anchor, "label": f"Fiche «\u00a0{fiche.title}\u00a0»",
            "field": field}


def test_staff_see_dead_links_first_with_why_since_when_and_where_to_correct_them(staff_client):
    fiche = make_fiche(title="Le mécénat")
    make_check("https://a.example.org/valide", "ok", code=200, used_in=[place(fiche)])
    make_check("https://b.example.org/injoignable", "unreachable", reason="connexion refusée",
               since=datetime(2026, 10, 1, tzinfo=timezone.utc), used_in=[place(fiche)])
    make_check("https://c.example.org/disparue", "broken", code=404, reason="page introuvable",
               since=datetime(2026, 9, 1, tzinfo=timezone.utc),
               used_in=[place(fiche), place(fiche, "sources-group", "source\u00a0: adresse"),
                        {"model": "gone.model", "pk": 1, "anchor": "", "label": "Ancien", "field": "adresse"}])

    response = staff_client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Liens cassés</h1>" in html
    order = [html.index(host) for host in ("c.example.org", "b.example.org", "a.example.org")]
    assert order == sorted(order)  # the oldest failure first, the valid link last
    assert "404\u00a0: page introuvable" in html and "connexion refusée" in html
    assert f'<a href="/admin/resources/fiche/{fiche.pk}/change/">Fiche «\u00a0Le mécénat\u00a0», corps (Markdown)</a>' in html
    assert f'href="/admin/resources/fiche/{fiche.pk}/change/#sources-group"' in html
    assert "Ancien, adresse" in html  # a place whose admin page is gone stays, unlinked
    assert "3 adresses vérifiées" in html  # the valid one counted as an address, not as a dead link

    broken_only = staff_client.get(URL, {"status": "broken"}).content.decode()
    assert "c.example.org" in broken_only and "b.example.org" not in broken_only


def test_the_list_is_read_only_and_closed_to_everyone_but_staff(staff_client, learner):
    check = make_check("https://c.example.org/disparue", "broken", code=404, since=WHEN)

    assert staff_client.get(f"{URL}add/").status_code == 403
    page = staff_client.get(f"{URL}{check.pk}/change/")
    assert page.status_code == 200 and "Consultation du lien externe" in page.content.decode()
    assert staff_client.post(f"{URL}{check.pk}/delete/").status_code == 403
    assert staff_client.get(URL, {"status": "nimporte"}).status_code in {200, 302}  # never a 500
    assert logged_client(learner).get(URL)["Location"].startswith("/admin/login/")


def test_the_list_costs_a_fixed_number_of_queries(staff_client, django_assert_max_num_queries):
    fiche = make_fiche()
    make_check("https://a.example.org/1", "broken", code=500, since=WHEN, used_in=[place(fiche)])
    staff_client.get(URL)  # the session and the user, read once
    with django_assert_max_num_queries(12) as few:
        staff_client.get(URL)
    for n in range(2, 12):
        make_check(f"https://a.example.org/{n}", "broken", code=500, since=WHEN, used_in=[place(fiche)] * 3)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert staff_client.get(URL).content.decode().count(f"/admin/resources/fiche/{fiche.pk}/change/") == 31
