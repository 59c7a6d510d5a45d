"""Creating a shared space, sharing a personal diagnostic, and what a space's roles see on the diagnostic's pages."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from diagnostic.models import Membership, Organisation, SpaceEvent, Visitor
from diagnostic.ownership import SESSION_KEY
from diagnostic.services import diagnostic_claim_session, diagnostic_prune_unclaimed
from tests.factories import make_member, make_organisation, make_space

pytestmark = pytest.mark.django_db

ORGANISATION = {"name": "Les Jardins de la Vallée", "actor_profile": "", "region": ""}
YEAR = {"year": "2024", "subsidies_state": "15 000", "revenue_sales": "4 000"}


def _logged(user):
    client = Client()
    client.force_login(user)
    return client


def _history(space):
    return list(SpaceEvent.objects.filter(organisation=space).order_by("pk").values_list("actor_name", "summary"))


def test_a_person_creates_a_space_and_becomes_its_responsable(learner):
    response = _logged(learner).post("/mon-modele/nouvel-espace/", ORGANISATION)
    space = Organisation.objects.get(name="Les Jardins de la Vallée")
    assert response.status_code == 302 and response["Location"] == f"/mon-modele/{space.pk}/membres/"
    assert (space.is_space, space.user, space.visitor) == (True, None, None)
    assert list(space.memberships.values_list("user", "role")) == [(learner.pk, "responsable")]
    assert _history(space) == [("alice", "a créé l’espace")]


def test_creating_a_space_needs_an_account_and_a_name(learner, visitor):
    assert visitor.get("/mon-modele/nouvel-espace/").status_code == 302  # to the log-in page
    assert visitor.post("/mon-modele/nouvel-espace/", ORGANISATION).status_code == 302
    response = _logged(learner).post("/mon-modele/nouvel-espace/", {**ORGANISATION, "name": ""})
    assert response.status_code == 400
    assert "Indiquez le nom de l’organisation." in response.content.decode()
    assert not Organisation.objects.exists()


def test_sharing_a_diagnostic_keeps_its_years_and_makes_its_owner_responsable(learner):
    organisation = make_organisation(user=learner, years=[2022, 2023])
    client = _logged(learner)
    page = client.get(f"/mon-modele/{organisation.pk}/partager/")
    assert page.status_code == 200 and "Créer l’espace partagé" in page.content.decode()
    organisation.refresh_from_db()
    assert not organisation.is_space  # the GET changed nothing

    response = client.post(f"/mon-modele/{organisation.pk}/partager/")
    assert response["Location"] == f"/mon-modele/{organisation.pk}/membres/"
    organisation.refresh_from_db()
    assert (organisation.is_space, organisation.user) == (True, None)
    assert organisation.snapshots.count() == 2
    assert Membership.objects.get(organisation=organisation).user == learner
    assert _history(organisation) == [("alice", "a créé l’espace à partir de son diagnostic")]
    assert client.get(f"/mon-modele/{organisation.pk}/").status_code == 200


def test_nobody_shares_somebody_elses_diagnostic(learner, other_learner):
    organisation = make_organisation(user=learner, years=[2023])
    assert _logged(other_learner).post(f"/mon-modele/{organisation.pk}/partager/").status_code == 404
    organisation.refresh_from_db()
    assert not organisation.is_space and organisation.user == learner
    assert not Membership.objects.exists()


def test_a_visitor_cannot_share_the_diagnostic_of_their_browser(visitor):
    visitor.post("/mon-modele/", ORGANISATION)
    organisation = Organisation.objects.get()
    response = visitor.post(f"/mon-modele/{organisation.pk}/partager/")
    assert response.status_code == 302 and response["Location"].startswith("/compte/connexion/")
    organisation.refresh_from_db()
    assert not organisation.is_space


def test_a_contributor_edits_figures_and_the_history_names_them(learner, other_learner):
    space = make_space(responsable=learner, members=[(other_learner, "contributeur")], years=[2023])
    snapshot = space.snapshots.get()
    bob = _logged(other_learner)
    assert bob.post(f"/mon-modele/{space.pk}/annees/{snapshot.pk}/", {"year": "2023", "subsidies_state": "20 000"}
                    ).status_code == 302
    assert bob.post(f"/mon-modele/{space.pk}/annees/ajouter/", YEAR).status_code == 302
    snapshot.refresh_from_db()
    assert snapshot.subsidies_state == 20000
    assert _history(space) == [
        ("bob", "a modifié les chiffres de 2023"), ("bob", "a saisi les chiffres de 2024"),
    ]


def test_a_reader_reads_the_figures_but_is_told_why_they_cannot_change_them(learner, django_user_model):
    space = make_space(responsable=learner, years=[2023])
    carol = make_member(django_user_model, "carol", space=space, role="lecteur")
    snapshot = space.snapshots.get()
    client = _logged(carol)
    page = client.get(f"/mon-modele/{space.pk}/").content.decode()
    assert "votre rôle&#8239;: lecteur·rice" in page
    assert "Ajouter une année" not in page and f"/annees/{snapshot.pk}/" not in page
    assert f"/mon-modele/{space.pk}/supprimer/" not in page
    refused = client.post(f"/mon-modele/{space.pk}/annees/{snapshot.pk}/", {"year": "2023", "subsidies_state": "1"})
    assert refused.status_code == 403
    assert "réservé au rôle responsable ou contributeur·rice" in refused.content.decode()
    snapshot.refresh_from_db()
    assert snapshot.subsidies_state == 10000
    assert client.get(f"/mon-modele/{space.pk}/rapport/").status_code == 200
    assert client.get(f"/mon-modele/{space.pk}/export.csv").status_code == 200


def test_only_a_responsable_renames_or_deletes_the_space(learner, other_learner):
    space = make_space(responsable=learner, members=[(other_learner, "contributeur")], years=[2023])
    bob = _logged(other_learner)
    assert bob.post(f"/mon-modele/{space.pk}/modifier/", ORGANISATION).status_code == 403
    assert bob.post(f"/mon-modele/{space.pk}/supprimer/").status_code == 403
    assert Organisation.objects.filter(pk=space.pk, name=space.name).exists()

    alice = _logged(learner)
    assert alice.post(f"/mon-modele/{space.pk}/modifier/", ORGANISATION).status_code == 302
    assert _history(space)[-1] == ("alice", "a modifié le nom, le type ou la région")
    assert "Supprimer cet espace" in alice.get(f"/mon-modele/{space.pk}/").content.decode()
    assert alice.post(f"/mon-modele/{space.pk}/supprimer/").status_code == 302
    assert not Organisation.objects.filter(pk=space.pk).exists()
    assert not Membership.objects.exists() and not SpaceEvent.objects.exists()


def test_spaces_appear_in_my_diagnostics_with_my_role(learner, other_learner):
    space = make_space(responsable=other_learner, members=[(learner, "lecteur")], name="Espace commun")
    make_organisation(user=learner, name="Mon diagnostic perso")
    make_space(responsable=other_learner, name="Espace de Bob seul")
    page = _logged(learner).get("/mon-modele/").content.decode()
    assert "Espace commun" in page and "espace partagé, lecteur·rice" in page
    assert "Mon diagnostic perso" in page and "Espace de Bob seul" not in page
    assert f"/mon-modele/{space.pk}/" in page


def test_a_space_is_never_taken_for_a_browsers_diagnostic(learner):
    """A space's owners are empty, like those of a diagnostic made before browsers had a row: an old session
    list naming its id neither shows it nor claims it, and the pruning of unclaimed diagnostics spares it."""
    space = make_space(responsable=learner, years=[2023])
    Organisation.objects.filter(pk=space.pk).update(updated_at=timezone.now() - timedelta(days=400))
    browser = Client()
    session = browser.session
    session[SESSION_KEY] = [space.pk]
    session.save()
    assert browser.get(f"/mon-modele/{space.pk}/").status_code == 404
    assert space.name not in browser.get("/mon-modele/").content.decode()
    browser.post("/mon-modele/", ORGANISATION)  # a creation moves the old list to the browser's row
    assert Organisation.objects.get(pk=space.pk).visitor is None
    assert diagnostic_claim_session(user=learner, ids=[space.pk]) == 0
    assert diagnostic_prune_unclaimed(now=timezone.now()) >= 0
    space.refresh_from_db()
    assert (space.is_space, space.user, space.visitor) == (True, None, None)
    assert Visitor.objects.count() == 1


def test_a_personal_owner_is_told_to_share_before_inviting(learner):
    organisation = make_organisation(user=learner, years=[2023])
    page = _logged(learner).get(f"/mon-modele/{organisation.pk}/").content.decode()
    assert "Partager avec mon organisation" in page
    assert "Espace partagé" not in page


def test_mon_espace_lists_my_spaces_with_my_role_in_a_fixed_number_of_queries(
    learner, other_learner, django_user_model, django_assert_max_num_queries
):
    client = _logged(learner)
    make_space(responsable=other_learner, members=[(learner, "contributeur")], name="Espace numéro un")
    client.get("/mon-espace/")
    with django_assert_max_num_queries(60) as one:
        page = client.get("/mon-espace/").content.decode()
    count = len(one)
    assert "Espace numéro un" in page and "espace partagé, contributeur·rice" in page
    for n in range(5):
        make_space(responsable=other_learner, members=[(learner, "lecteur")], name=f"Autre espace {n}")
    with django_assert_max_num_queries(count):
        page = client.get("/mon-espace/").content.decode()
    assert page.count("espace partagé, lecteur·rice") == 5


def test_a_reader_opening_the_share_address_of_a_space_is_sent_to_its_members(learner, django_user_model):
    space = make_space(responsable=learner)
    carol = make_member(django_user_model, "carol", space=space, role="lecteur")
    response = _logged(carol).get(f"/mon-modele/{space.pk}/partager/")
    assert response.status_code == 302 and response["Location"] == f"/mon-modele/{space.pk}/membres/"


def test_a_signed_out_member_is_offered_to_log_in_and_come_back(learner):
    space = make_space(responsable=learner)
    response = Client().get(f"/mon-modele/{space.pk}/demarche/")
    assert response.status_code == 404
    page = response.content.decode()
    assert space.name not in page
    assert f'href="/compte/connexion/?next=/mon-modele/{space.pk}/demarche/"' in page


def test_an_address_a_form_posts_to_opened_directly_gets_a_page_in_french(learner):
    space = make_space(responsable=learner)
    response = _logged(learner).get(f"/mon-modele/{space.pk}/commentaires/")
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert "Action non disponible à cette adresse" in response.content.decode()


def test_the_invitation_form_describes_each_role_to_screen_readers(learner):
    space = make_space(responsable=learner)
    page = _logged(learner).get(f"/mon-modele/{space.pk}/membres/").content.decode()
    for index in range(3):
        assert f'aria-describedby="id_role_{index}_droits"' in page
        assert f'id="id_role_{index}_droits"' in page


def test_nothing_of_one_space_appears_in_the_pages_or_exports_of_another(learner, other_learner):
    """Alice belongs to both spaces: each page and export of one shows nothing written in the other."""
    from datetime import date

    from diagnostic.models import Comment, Decision
    from tests.factories import make_parcours, make_step

    step = make_step(make_parcours(slug="trajectoire-socio-economique"), slug="etape-une", order=1)
    first = make_space(responsable=learner, name="Premier espace", years=[(2024, {"subsidies_state": 11_111})])
    second = make_space(responsable=other_learner, members=[(learner, "lecteur")], name="Second espace",
                        years=[(2024, {"subsidies_state": 22_222})])
    Comment.objects.create(organisation=first, author=learner, author_name="Alice", step=step, body="Secret du premier")
    Decision.objects.create(organisation=first, decided_on=date(2026, 1, 5), text="Décision du premier",
                            recorded_by=learner, recorded_by_name="Alice")
    client = _logged(learner)
    client.post(f"/mon-modele/{first.pk}/annees/{first.snapshots.get().pk}/", {"year": "2024", "subsidies_state": "11 112"})
    base = f"/mon-modele/{second.pk}"
    for path in ["/", "/rapport/", "/export.csv", "/membres/", "/demarche/", "/demarche/etape-une/", "/decisions/",
                 "/historique/", "/dossier/"]:
        response = client.get(base + path)
        assert response.status_code == 200, path
        body = response.content.decode()
        for secret in ("Premier espace", "Secret du premier", "Décision du premier", "11 112", "11112", "11\u202f112"):
            assert secret not in body, (path, secret)
