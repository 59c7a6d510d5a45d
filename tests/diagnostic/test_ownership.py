from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from diagnostic.models import Organisation, Snapshot, Visitor
from diagnostic.ownership import SESSION_KEY, visitor_key
from diagnostic.services import diagnostic_claim_session
from tests.factories import give_to_browser, make_organisation
from tests.signup import sign_up

pytestmark = pytest.mark.django_db

User = get_user_model()
STRONG = "un-mot-de-passe-solide-42"
FIGURES = {"year": "2021", "subsidies_state": "99 999", "name": "Piratée"}


def _urls(organisation):
    """Every diagnostic URL of ``organisation``, with the method(s) it answers."""
    snapshot = organisation.snapshots.first()
    base = f"/mon-modele/{organisation.pk}"
    return [
        ("get", f"{base}/"), ("get", f"{base}/rapport/"), ("get", f"{base}/export.csv"),
        ("get", f"{base}/modifier/"), ("post", f"{base}/modifier/"),
        ("get", f"{base}/supprimer/"), ("post", f"{base}/supprimer/"),
        ("get", f"{base}/annees/ajouter/"), ("post", f"{base}/annees/ajouter/"),
        ("get", f"{base}/annees/ajouter/?cible=1"), ("post", f"{base}/annees/ajouter/?cible=1"),
        ("get", f"{base}/annees/{snapshot.pk}/"), ("post", f"{base}/annees/{snapshot.pk}/"),
        ("get", f"{base}/annees/{snapshot.pk}/supprimer/"), ("post", f"{base}/annees/{snapshot.pk}/supprimer/"),
    ]


def _state():
    return (
        list(Organisation.objects.values_list("pk", "name", "user")),
        list(Snapshot.objects.values_list("pk", "organisation", "year", "is_target", "subsidies_state")),
    )


def _assert_all_404(client, organisation):
    before = _state()
    for method, url in _urls(organisation):
        response = getattr(client, method)(url, FIGURES if method == "post" else None)
        assert response.status_code == 404, f"{method.upper()} {url}"
        assert organisation.name not in response.content.decode()
    assert _state() == before


def _visitor_with_an_old_session_list(organisation_ids):
    """A browser whose session lists diagnostic ids, as sessions did before browsers had a row of their own."""
    client = Client()
    session = client.session
    session["hub_diagnostics"] = list(organisation_ids)
    session.save()
    return client


@pytest.fixture
def alices(learner):
    return make_organisation(user=learner, name="La Ruche d’Alice", years=[2022, 2023])


# Outsiders


def test_another_account_gets_a_404_on_every_url_of_alices_diagnostic(client, other_learner, alices):
    client.force_login(other_learner)
    _assert_all_404(client, alices)


def test_the_year_deletion_page_is_a_404_for_an_outsider_like_an_unknown_year(client, other_learner, alices):
    client.force_login(other_learner)
    snapshot = alices.snapshots.first()
    for method in (client.get, client.post):
        mine = method(f"/mon-modele/{alices.pk}/annees/{snapshot.pk}/supprimer/")
        unknown = method("/mon-modele/999999/annees/999999/supprimer/")
        assert mine.status_code == unknown.status_code == 404
    assert "La Ruche" not in mine.content.decode()
    assert Snapshot.objects.filter(pk=snapshot.pk).exists()


def test_another_account_does_not_list_alices_diagnostic(client, other_learner, alices):
    client.force_login(other_learner)
    assert "La Ruche d’Alice" not in client.get("/mon-modele/").content.decode()
    assert "La Ruche d’Alice" not in client.get("/mon-espace/").content.decode()


def test_a_visitor_gets_a_404_on_every_url_of_an_accounts_diagnostic(visitor, alices):
    _assert_all_404(visitor, alices)


def test_a_visitor_whose_session_names_an_accounts_diagnostic_still_gets_a_404(alices):
    _assert_all_404(_visitor_with_an_old_session_list([alices.pk]), alices)


def test_a_visitor_gets_a_404_on_another_visitors_diagnostic():
    first, second = Client(), Client()
    first.post("/mon-modele/", {"name": "Le Fournil"})
    organisation = Organisation.objects.get()
    first.post(f"/mon-modele/{organisation.pk}/annees/ajouter/", {"year": "2023", "subsidies_state": "1"})
    assert first.get(f"/mon-modele/{organisation.pk}/").status_code == 200
    _assert_all_404(second, organisation)
    assert "Le Fournil" not in second.get("/mon-modele/").content.decode()


def test_an_account_does_not_see_a_visitors_diagnostic(learner_client):
    organisation = make_organisation(name="Le Fournil du visiteur", years=[2023])
    _assert_all_404(learner_client, organisation)
    assert "Le Fournil du visiteur" not in learner_client.get("/mon-modele/").content.decode()


TAMPERED = {
    "text": str,
    "texts": lambda pk: [str(pk)],
    "dict": lambda pk: {str(pk): pk},
    "float": lambda pk: [float(pk)],
    "true-for-1": lambda pk: [True],
    "none": lambda pk: None,
}


@pytest.mark.parametrize("tamper", TAMPERED)
def test_a_tampered_session_value_gives_access_to_nothing(tamper):
    organisation = make_organisation(id=1, years=[2023])  # so that True == 1 would match
    client = _visitor_with_an_old_session_list([])
    session = client.session
    session["hub_diagnostics"] = TAMPERED[tamper](organisation.pk)
    session.save()
    assert client.get("/mon-modele/").status_code == 200
    assert client.get(f"/mon-modele/{organisation.pk}/").status_code == 404


# A visitor's diagnostic joins their account


def _visitor_fills(client, name="Le Fournil"):
    client.post("/mon-modele/", {"name": name})
    organisation = Organisation.objects.get(name=name)
    for year in ("2022", "2023"):
        client.post(f"/mon-modele/{organisation.pk}/annees/ajouter/", {"year": year, "subsidies_state": "1 000"})
    assert organisation.snapshots.count() == 2
    return organisation


def test_signing_up_claims_the_visitors_diagnostics(visitor):
    first = _visitor_fills(visitor, "Le Fournil")
    second = _visitor_fills(visitor, "La Forge")
    response = sign_up(visitor, {"email": "dana@example.org", "password1": STRONG, "password2": STRONG})
    assert response.status_code == 302
    dana = User.objects.get(email="dana@example.org")
    assert {o.pk for o in Organisation.objects.filter(user=dana)} == {first.pk, second.pk}
    assert "hub_diagnostics" not in visitor.session
    space = visitor.get("/mon-espace/").content.decode()
    assert "Le Fournil" in space and "La Forge" in space
    assert f'href="/mon-modele/{first.pk}/"' in space
    assert visitor.get(f"/mon-modele/{first.pk}/").status_code == 200
    assert first.snapshots.count() == 2


def test_the_sign_up_link_of_the_result_page_brings_back_to_the_claimed_diagnostic(visitor):
    organisation = _visitor_fills(visitor)
    page = visitor.get(f"/mon-modele/{organisation.pk}/").content.decode()
    link = f'href="/compte/inscription/?next=/mon-modele/{organisation.pk}/"'
    assert link in page
    response = sign_up(visitor, {"email": "dana@example.org", "password1": STRONG, "password2": STRONG},
                       url=f"/compte/inscription/?next=/mon-modele/{organisation.pk}/", follow=True)
    assert response.redirect_chain == [(f"/mon-modele/{organisation.pk}/", 302)]
    assert response.status_code == 200
    assert link not in response.content.decode()


def test_signing_up_says_the_diagnostic_was_claimed(visitor):
    _visitor_fills(visitor)
    response = sign_up(visitor, {"email": "dana@example.org", "password1": STRONG, "password2": STRONG}, follow=True)
    text = response.content.decode().replace("\u00a0", " ")
    assert "Votre diagnostic « Mon modèle socio-économique » a été rattaché à votre compte." in text


def test_logging_in_claims_the_visitors_diagnostic(visitor, learner):
    organisation = _visitor_fills(visitor)
    response = visitor.post("/compte/connexion/", {"username": "alice@example.org", "password": "pw-alice-123"})
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.user == learner
    assert "hub_diagnostics" not in visitor.session
    assert "Le Fournil" in visitor.get("/mon-espace/").content.decode()
    assert "Le Fournil" in visitor.get("/mon-modele/").content.decode()


def test_a_failed_log_in_claims_nothing(visitor, learner):
    organisation = _visitor_fills(visitor)
    response = visitor.post("/compte/connexion/", {"username": "alice@example.org", "password": "mauvais"})
    assert response.status_code == 400
    organisation.refresh_from_db()
    assert organisation.user is None
    assert visitor.get(f"/mon-modele/{organisation.pk}/").status_code == 200


def test_logging_in_does_not_claim_a_diagnostic_already_owned_by_someone_else(other_learner, learner):
    bobs = make_organisation(user=other_learner, years=[2023])
    client = _visitor_with_an_old_session_list([bobs.pk])
    client.post("/compte/connexion/", {"username": "alice@example.org", "password": "pw-alice-123"})
    bobs.refresh_from_db()
    assert bobs.user == other_learner


def test_once_claimed_the_diagnostic_is_gone_from_the_visitors_other_browser(visitor, learner):
    organisation = _visitor_fills(visitor)
    same_session_elsewhere = Client()
    same_session_elsewhere.cookies = visitor.cookies.__class__(visitor.cookies)
    assert same_session_elsewhere.get(f"/mon-modele/{organisation.pk}/").status_code == 200
    visitor.post("/compte/connexion/", {"username": "alice@example.org", "password": "pw-alice-123"})
    assert same_session_elsewhere.get(f"/mon-modele/{organisation.pk}/").status_code == 404


def test_logging_out_keeps_the_diagnostic_with_the_account(visitor, learner):
    organisation = _visitor_fills(visitor)
    visitor.post("/compte/connexion/", {"username": "alice@example.org", "password": "pw-alice-123"})
    visitor.post("/compte/deconnexion/")
    assert visitor.get(f"/mon-modele/{organisation.pk}/").status_code == 404
    organisation.refresh_from_db()
    assert organisation.user == learner


# Account deletion


def test_deleting_the_account_deletes_its_diagnostics_and_their_years(learner_client, learner, alices, other_learner):
    bobs = make_organisation(user=other_learner, years=[2023])
    visitors = make_organisation(years=[2023])
    response = learner_client.post("/compte/suppression/", {"password": "pw-alice-123"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=learner.pk).exists()
    assert set(Organisation.objects.values_list("pk", flat=True)) == {bobs.pk, visitors.pk}
    assert set(Snapshot.objects.values_list("organisation", flat=True)) == {bobs.pk, visitors.pk}


def test_a_wrong_password_deletes_nothing(learner_client, alices):
    response = learner_client.post("/compte/suppression/", {"password": "mauvais"})
    assert response.status_code == 400
    assert Organisation.objects.filter(pk=alices.pk).exists()
    assert Snapshot.objects.filter(organisation=alices).count() == 2


# Pruning unclaimed diagnostics


def _age(organisation, days):
    Organisation.objects.filter(pk=organisation.pk).update(updated_at=timezone.now() - timedelta(days=days))


def _prune():
    out = StringIO()
    call_command("prune_diagnostics", stdout=out)
    return out.getvalue()


def test_pruning_deletes_old_unclaimed_diagnostics_and_keeps_the_rest(learner, other_learner):
    old_visitor = make_organisation(years=[2022, 2023])
    recent_visitor = make_organisation(years=[2023])
    _age(recent_visitor, 29)
    old_account = make_organisation(user=learner, years=[2023])
    _age(old_account, 400)
    other_account = make_organisation(user=other_learner, years=[2023])
    _age(old_visitor, 31)
    output = _prune()
    assert set(Organisation.objects.values_list("pk", flat=True)) == {recent_visitor.pk, old_account.pk, other_account.pk}
    assert not Snapshot.objects.filter(organisation_id=old_visitor.pk).exists()
    assert Snapshot.objects.count() == 3
    assert "3 lignes de diagnostic supprimées." in output  # the organisation and its two years


def test_adding_a_year_keeps_a_visitors_diagnostic_from_being_pruned(visitor):
    visitor.post("/mon-modele/", {"name": "Le Fournil"})
    organisation = Organisation.objects.get()
    _age(organisation, 31)
    visitor.post(f"/mon-modele/{organisation.pk}/annees/ajouter/", {"year": "2023", "subsidies_state": "1"})
    _prune()
    assert Organisation.objects.filter(pk=organisation.pk).exists()


def test_pruning_with_nothing_to_prune_says_so():
    make_organisation(years=[2023])
    assert "0 ligne de diagnostic supprimée." in _prune()
    assert Organisation.objects.count() == 1


def test_deleting_a_year_counts_as_activity_for_the_clean_up(visitor):
    visitor.post("/mon-modele/", {"name": "Atelier vélo"})
    organisation = Organisation.objects.get()
    visitor.post(f"/mon-modele/{organisation.pk}/annees/ajouter/", {"year": "2024", "subsidies_state": "1000"})
    long_ago = timezone.now() - timedelta(days=40)
    Organisation.objects.filter(pk=organisation.pk).update(updated_at=long_ago)
    snapshot = Snapshot.objects.get()
    visitor.post(f"/mon-modele/{organisation.pk}/annees/{snapshot.pk}/supprimer/")
    call_command("prune_diagnostics", stdout=StringIO())
    assert Organisation.objects.filter(pk=organisation.pk).exists()


def test_pruning_deletes_the_rows_of_browsers_idle_for_thirty_days_that_own_nothing(visitor):
    visitor.post("/mon-modele/", {"name": "Le Fournil"})
    owner = Visitor.objects.get()
    idle = Visitor.objects.create(key="a" * 64, seen_at=timezone.now() - timedelta(days=31))
    recent = Visitor.objects.create(key="b" * 64, seen_at=timezone.now() - timedelta(days=29))
    Visitor.objects.filter(pk=owner.pk).update(seen_at=timezone.now() - timedelta(days=400))
    assert "1 ligne de diagnostic supprimée." in _prune()
    assert set(Visitor.objects.values_list("pk", flat=True)) == {owner.pk, recent.pk}  # the owner keeps its row
    assert not Visitor.objects.filter(pk=idle.pk).exists()
    assert visitor.get("/mon-modele/").status_code == 200
    assert "Le Fournil" in visitor.get("/mon-modele/").content.decode()


def test_pruning_a_browsers_last_diagnostic_then_its_row_leaves_nothing_behind(visitor):
    visitor.post("/mon-modele/", {"name": "Le Fournil"})
    _age(Organisation.objects.get(), 31)
    Visitor.objects.update(seen_at=timezone.now() - timedelta(days=31))
    assert "2 lignes de diagnostic supprimées." in _prune()
    assert not Visitor.objects.exists()
    # The same browser starts again.
    assert visitor.post("/mon-modele/", {"name": "La Forge"}).status_code == 302
    assert "La Forge" in visitor.get("/mon-modele/").content.decode()


# Where a browser's diagnostics are kept


def test_a_browsers_diagnostics_are_kept_in_the_database_not_in_its_session(visitor):
    visitor.post("/mon-modele/", {"name": "Le Fournil"})
    session = visitor.session
    organisation = Organisation.objects.get()
    assert organisation.visitor.key == visitor_key(session)
    assert organisation.visitor.key != session.session_key  # the table holds no session key
    assert dict(session) == {}


def test_tabs_sharing_the_session_cookie_see_the_same_diagnostics(visitor):
    visitor.post("/mon-modele/", {"name": "Le Fournil"})
    tab = Client()
    tab.cookies = visitor.cookies.__class__(visitor.cookies)
    tab.post("/mon-modele/", {"name": "La Forge"})
    for client in (visitor, tab):
        text = client.get("/mon-modele/").content.decode()
        assert "Le Fournil" in text and "La Forge" in text


def test_a_cookie_naming_an_unknown_session_reaches_nothing_and_gets_a_session_of_its_own():
    organisation = make_organisation(years=[2023])
    owner = Client()
    give_to_browser(owner, organisation)
    forger = Client()
    forger.cookies["sessionid"] = "x" * 32
    assert forger.get(f"/mon-modele/{organisation.pk}/").status_code == 404
    response = forger.post("/mon-modele/", {"name": "La Forge"})
    assert response.status_code == 302
    assert forger.cookies["sessionid"].value != "x" * 32
    assert Organisation.objects.get(name="La Forge").visitor != Organisation.objects.get(pk=organisation.pk).visitor
    assert forger.get(f"/mon-modele/{organisation.pk}/").status_code == 404


def test_deleting_a_diagnostic_frees_a_place_under_the_limit(visitor):
    for index in range(20):
        assert visitor.post("/mon-modele/", {"name": f"Association {index}"}).status_code == 302
    assert visitor.post("/mon-modele/", {"name": "Une de trop"}).status_code == 400
    first = Organisation.objects.order_by("pk").first()
    assert visitor.post(f"/mon-modele/{first.pk}/supprimer/").status_code == 302
    assert visitor.post("/mon-modele/", {"name": "Une de trop"}).status_code == 302
    assert Organisation.objects.count() == 20


def test_the_limit_is_per_browser(visitor):
    for index in range(20):
        assert visitor.post("/mon-modele/", {"name": f"Association {index}"}).status_code == 302
    assert Client().post("/mon-modele/", {"name": "Dans un autre navigateur"}).status_code == 302


def test_an_account_has_no_such_limit(learner_client):
    for index in range(21):
        assert learner_client.post("/mon-modele/", {"name": f"Association {index}"}).status_code == 302
    assert Organisation.objects.count() == 21


def test_a_creation_sent_after_the_browser_logged_in_in_another_tab_is_refused(visitor, learner):
    """The other tab's log-in claimed the browser (diagnostic_claim_session, as at log-in); this tab's request still
    carries the former session: its diagnostic would belong to nobody, so it is refused and the page says why."""
    visitor.post("/mon-modele/", {"name": "Le Fournil"})
    assert diagnostic_claim_session(user=learner, visitor_key=visitor_key(visitor.session)) == 1
    response = visitor.post("/mon-modele/", {"name": "La Forge"})
    assert response.status_code == 400
    text = response.content.decode().replace("\u00a0", " ")
    assert "Ce navigateur vient d’être connecté à un compte : rechargez la page" in text
    assert 'value="La Forge"' in text
    assert list(Organisation.objects.values_list("name", "user")) == [("Le Fournil", learner.pk)]


def test_logging_in_marks_the_browser_claimed(visitor, learner):
    visitor.post("/mon-modele/", {"name": "Le Fournil"})
    visitor.post("/compte/connexion/", {"username": "alice@example.org", "password": "pw-alice-123"})
    assert Organisation.objects.get().user == learner
    assert Visitor.objects.get().claimed_at is not None
    assert Organisation.objects.get().visitor is None


# Sessions from before browsers had a row: their list of ids still counts


def test_an_old_session_list_still_opens_its_diagnostics():
    organisation = make_organisation(years=[2023])
    client = _visitor_with_an_old_session_list([organisation.pk])
    assert client.get(f"/mon-modele/{organisation.pk}/").status_code == 200
    assert organisation.name in client.get("/mon-modele/").content.decode()


def test_an_old_session_list_never_opens_a_diagnostic_another_browser_owns():
    organisation = make_organisation(years=[2023])
    give_to_browser(Client(), organisation)
    client = _visitor_with_an_old_session_list([organisation.pk])
    assert client.get(f"/mon-modele/{organisation.pk}/").status_code == 404


def test_the_next_creation_moves_an_old_session_list_to_the_browser_and_counts_it():
    old = [make_organisation() for _ in range(19)]
    client = _visitor_with_an_old_session_list([o.pk for o in old])
    assert client.post("/mon-modele/", {"name": "La vingtième"}).status_code == 302
    assert SESSION_KEY not in client.session
    assert Organisation.objects.values("visitor").distinct().count() == 1
    assert client.post("/mon-modele/", {"name": "Une de trop"}).status_code == 400
    text = client.get("/mon-modele/").content.decode()
    assert all(o.name in text for o in old) and "La vingtième" in text


def test_logging_in_claims_an_old_session_list(learner):
    organisation = make_organisation(years=[2023])
    client = _visitor_with_an_old_session_list([organisation.pk])
    client.post("/compte/connexion/", {"username": "alice@example.org", "password": "pw-alice-123"})
    organisation.refresh_from_db()
    assert organisation.user == learner
    assert SESSION_KEY not in client.session
