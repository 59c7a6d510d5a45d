"""Every URL that shows or changes one person's data, found by walking the URL patterns.

Each pattern is either in PER_USER (how to build it for its owner, what the owner sees there) or in PUBLIC; a new
pattern fails ``test_every_url_pattern_is_classified`` until it is classified. Owners are alice (an account) and
a visitor (progress and diagnostics kept in the session). For each per-user URL:

- an outsider (bob, or alice for the visitor's data) gets a 404 where the address carries the owner's id, and sees
  none of the owner's data where the page is implicitly « mine »; nothing of the owner's changes;
- an anonymous stranger is sent to the log-in page where an account is required, otherwise gets the same answer
  as an outsider (the page is session-scoped).
"""

from dataclasses import dataclass
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from accounts.models import Session
from django.db.models import Q
from django.test import Client
from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from diagnostic.models import (
    Answer,
    Comment,
    Decision,
    Invitation,
    Membership,
    Organisation,
    Snapshot,
    SpaceEvent,
    SpaceStep,
)
from diagnostic.spaces import space_event_record
from parcours import services
from accounts.models import Profile
from parcours.models import Enrolment, KeptUsagePath, SavedFiche, Status, StepProgress
from resources import models as m
from tests.factories import (
    make_component,
    make_fiche,
    make_lever,
    make_member,
    make_organisation,
    make_parcours,
    make_space,
    make_step,
    make_vocabulary,
    make_worksheet,
)
from tests.factories import make_event, make_registration
from tests.rendezvous.letter_helpers import make_letter

# Who may see whose rows is decided by the views' queries, the same on both databases: checked once, on PostgreSQL
# (the production database), for CI's fifteen minutes.
pytestmark = [pytest.mark.django_db, pytest.mark.postgres_only(reason="Ownership: checked on PostgreSQL.")]

ALICE_PASSWORD = "pw-alice-123"
STRONG = "Un-mot-de-passe-solide-2025"
# What only the owner may see: unique strings, searched for in every answer an outsider gets.
SECRETS = {
    "alice": {
        "note": "Note secrète d’Alice",
        "organisation": "Organisation secrète d’Alice",
        "name": "Alice Secrète-Affichage",
        "email": "alice@example.org",
        "space": "Organisation secrète d’Alice (espace partagé)",  # the personal one's name is part of it
        "comment": "Commentaire secret d’Alice",
        "decision": "Décision secrète d’Alice",
    },
    "visitor": {"note": "Note secrète du visiteur", "organisation": "Organisation secrète du visiteur"},
}
# What the owner sees on some pages only (the same words may be an outsider's own on other pages).
# Kept parcours d'usage: alice's in the database, the visitor's in the session; each has its own answers.
KEPT = {
    "alice": ("a1b2c3d4e5f6", "profil=association&objectif=diversifier&maturite=j-ai-commence&temps=2-h"),
    "visitor": ("0123456789ab", "profil=fondation&objectif=alliance&maturite=je-decouvre&temps=30-min"),
}
MARKERS = {
    "alice": {"progress": "2 sur 2 étapes", "saved": "Fiche gardée par Alice", "unsave": 'value="retirer"',
              "kept": "Association · diversifier mes ressources",
              "kept_link": f"/mon-espace/parcours-d-usage/{KEPT['alice'][0]}/"},
    "visitor": {"progress": "1 sur 2 étapes", "saved": "Fiche gardée par le visiteur", "unsave": 'value="retirer"',
                "kept": "Fondation ou fonds de dotation · nouer une alliance",
                "kept_link": f"/mon-espace/parcours-d-usage/{KEPT['visitor'][0]}/"},
}


# The URL patterns ---------------------------------------------------------------------------------------------


def walk(resolver=None, prefix="", namespace=""):
    """(route, key) of every URL pattern; key is the namespaced name, or the route of an unnamed pattern."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(part for part in (namespace, entry.namespace) if part)
            yield from walk(entry, prefix + str(entry.pattern), inner)
        else:
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield prefix + str(entry.pattern), name or prefix + str(entry.pattern)


def is_admin(route, key):
    return (key.startswith("admin:") or route.startswith("admin/")) and key != "admin:login"


# The world --------------------------------------------------------------------------------------------------------


@dataclass
class World:
    alice: object
    bob: object
    flat: object
    levels: object
    steps: list
    alice_fiche: object
    visitor_fiche: object
    orgs: dict
    session: dict
    space: object  # alice's shared space, with a contributor, an invitation, a comment, a decision
    space_rows: dict  # {"member": Membership, "invitation": Invitation, "decision": Decision, "step": Step}


@pytest.fixture
def world(learner, other_learner):
    flat = make_parcours(slug="parcours-plat")
    steps = [make_step(flat, slug="etape-1", order=1), make_step(flat, slug="etape-2", order=2)]
    levels = make_parcours(slug="parcours-niveaux")
    level_steps = [make_step(levels, slug=f"niveau-{i}", order=i, depth=d)
                   for i, d in enumerate(["decouverte", "decouverte", "approfondissement"], start=1)]
    alice_fiche = make_fiche(slug="fiche-alice", title=MARKERS["alice"]["saved"])
    visitor_fiche = make_fiche(slug="fiche-visiteur", title=MARKERS["visitor"]["saved"])
    # Alice: both steps of the flat parcours and the « découverte » level done, a note, a saved fiche, a name,
    # a diagnostic.
    services.enrolment_set_depth(user=learner, parcours=levels, depth="decouverte")
    for step in [*steps, *level_steps[:2]]:
        services.progress_set_status(user=learner, step=step, status=Status.DONE)
    services.progress_set_note(user=learner, step=steps[0], note=SECRETS["alice"]["note"])
    services.fiche_set_saved(user=learner, fiche=alice_fiche, saved=True)
    Profile.objects.create(user=learner, display_name=SECRETS["alice"]["name"])
    alice_org = make_organisation(user=learner, name=SECRETS["alice"]["organisation"],
                                  years=[2022, (2030, {"is_target": True, "subsidies_state": 5000})])
    # The visitor: the same kind of data, in the session only.
    visitor_org = make_organisation(user=None, name=SECRETS["visitor"]["organisation"], years=[2023])
    bob_org = make_organisation(user=other_learner, name="Organisation de Bob", years=[2023])
    KeptUsagePath.objects.create(user=learner, key=KEPT["alice"][0], query=KEPT["alice"][1],
                                 entries=_kept_entries(alice_fiche))
    session = {
        "hub_diagnostics": [visitor_org.pk],
        "hub_parcours": {
            "steps": {str(steps[0].pk): {"status": "terminee", "note": SECRETS["visitor"]["note"],
                                         "closed_at": timezone.now().isoformat()}},
            "depths": {str(flat.pk): ""},
            "saved": [visitor_fiche.pk],
        },
        "hub_usage_paths": [{"key": KEPT["visitor"][0], "query": KEPT["visitor"][1], "done": [],
                             "entries": _kept_entries(visitor_fiche), "kept_at": timezone.now().isoformat()}],
    }
    space, space_rows = _alice_space(learner)
    return World(learner, other_learner, flat, levels, steps, alice_fiche, visitor_fiche,
                 {"alice": alice_org, "visitor": visitor_org, "bob": bob_org}, session, space, space_rows)


def _alice_space(alice):
    """Alice's shared space: its name, a comment and a decision are secrets; olga is a responsable too (so that
    alice may leave it or delete her account), carol contributes, dana is invited."""
    method = make_parcours(slug="trajectoire-socio-economique")
    step = make_step(method, slug="etat-des-lieux", order=1)
    space = make_space(responsable=alice, name=SECRETS["alice"]["space"], years=[2024])
    make_member(get_user_model(), "olga", space=space, role="responsable")
    member = Membership.objects.get(user=make_member(get_user_model(), "carol", space=space, role="contributeur"))
    invitation = Invitation.objects.create(
        organisation=space, email="dana@example.org", role="lecteur", invited_by=alice, nonce="0" * 32,
        expires_at=timezone.now() + timezone.timedelta(days=14),
    )
    Comment.objects.create(organisation=space, author=alice, author_name="Alice", step=step,
                           body=SECRETS["alice"]["comment"])
    decision = Decision.objects.create(organisation=space, decided_on=timezone.localdate(), recorded_by=alice,
                                       recorded_by_name="Alice", text=SECRETS["alice"]["decision"])
    space_event_record(organisation=space, actor=alice, summary="a créé l’espace")
    return space, {"member": member, "invitation": invitation, "decision": decision, "step": step}


def _kept_entries(fiche):
    return [{"key": "diagnostic", "minutes": 20, "medoc": "outils", "why": "Situer son modèle."},
            {"key": f"fiche:{fiche.pk}", "minutes": 4, "medoc": "methodes", "why": "Lire d’abord."}]


def client_of(world, who):
    """alice and bob logged in; « visitor » the browser that holds the visitor's session; « stranger » a new one."""
    client = Client()
    if who in ("alice", "bob"):
        client.force_login(getattr(world, who))
    elif who == "visitor":
        session = client.session
        session.update(world.session)
        session.save()
    return client


def owner_state(world, owner, owner_client):
    """Everything of the owner's that an outsider's request could change."""
    if owner == "alice":
        user = world.alice
        orgs = Organisation.objects.filter(user=user)
        return (
            list(get_user_model().objects.filter(pk=user.pk).values_list("password", "email", "is_active")),
            list(Profile.objects.filter(user=user).values_list("display_name", "actor_profile", "region")),
            list(StepProgress.objects.filter(user=user).order_by("pk").values_list("step", "status", "note", "completed_at")),
            list(Enrolment.objects.filter(user=user).order_by("pk").values_list("parcours", "depth")),
            list(SavedFiche.objects.filter(user=user).values_list("fiche", flat=True)),
            list(orgs.order_by("pk").values_list("pk", "name", "actor_profile", "region", "updated_at")),
            list(Snapshot.objects.filter(organisation__in=orgs).order_by("pk").values()),
            list(KeptUsagePath.objects.filter(user=user).order_by("pk").values_list("key", "query", "entries", "done")),
            _space_state(Organisation.objects.filter(Q(pk=world.space.pk) | Q(memberships__user=user)).distinct()),
        )
    session_key = owner_client.cookies["sessionid"].value
    data = Session.objects.get(session_key=session_key).get_decoded()
    orgs = Organisation.objects.filter(pk__in=data.get("hub_diagnostics", []))
    return (
        {key: data.get(key) for key in ("hub_diagnostics", "hub_parcours", "hub_usage_paths")},
        list(orgs.order_by("pk").values_list("pk", "name", "user", "actor_profile", "region", "updated_at")),
        list(Snapshot.objects.filter(organisation__in=orgs).order_by("pk").values()),
    )


def _space_state(rows):
    """Everything of these spaces an outsider's request could change."""
    rows = Organisation.objects.filter(pk__in=list(rows.values_list("pk", flat=True)))
    return (
        sorted(rows.values_list("pk", flat=True)),
        list(rows.values_list("name", "actor_profile", "region", "is_space", "user", "updated_at")),
        list(Snapshot.objects.filter(organisation__in=rows).order_by("pk").values()),
        *(list(model.objects.filter(organisation__in=rows).order_by("pk").values())
          for model in (Membership, Invitation, Comment, Decision, Answer, SpaceStep, SpaceEvent)),
    )


def login_url(path):
    return f"{reverse('accounts:login')}?next={quote(path, safe='/')}"


# The classification ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PerUser:
    """How to reach one per-user URL for an owner, and what the owner sees or changes there."""

    paths: object  # function(world, owner) -> [path]
    owners: tuple = ("alice", "visitor")
    login_required: bool = False
    carries_id: bool = False  # the address names the owner's object: anyone else gets a 404
    methods: tuple = ("get",)
    shows: tuple = ()  # SECRETS or MARKERS keys the owner sees on the page
    post: tuple = ()  # (field, value) pairs an outsider (and, in the sanity test, the owner) sends
    outsider_status: int = 200  # an outsider's GET of an implicit « mine » page (carries_id means 404)
    outsider_paths: object = None  # function(world, owner) -> [path] when the owner's address is a secret itself


def _saved(world, owner):
    return world.alice_fiche if owner == "alice" else world.visitor_fiche


def _org(world, owner):
    return world.orgs[owner]


def _diagnostic(suffix):
    """The owner's diagnostic, and for alice her space too: the same pages serve both."""
    return lambda w, owner: [f"/mon-modele/{organisation.pk}/{suffix}" for organisation in _orgs(w, owner)]


def _orgs(w, owner):
    return [_org(w, owner), *([w.space] if owner == "alice" else [])]


def _year(suffix=""):
    def paths(w, owner):
        return [f"/mon-modele/{organisation.pk}/annees/{organisation.snapshots.order_by('pk').first().pk}/{suffix}"
                for organisation in _orgs(w, owner)]
    return paths


def _space(suffix="", row=None):
    """A page of alice's space; ``row``: the key of world.space_rows whose id the address carries too."""
    def paths(w, owner):
        part = suffix.format(**{name: (value.slug if name == "step" else value.pk)
                                for name, value in w.space_rows.items()})
        return [f"/mon-modele/{w.space.pk}/{part}"]
    return paths


def _step(suffix=""):
    return lambda w, owner: [f"/parcours/parcours-plat/etape-1/{suffix}"]


def _uid(user):
    return urlsafe_base64_encode(force_bytes(user.pk))


def _reset_link(w, owner):
    return [f"/compte/reinitialisation/{urlsafe_base64_encode(force_bytes(w.alice.pk))}/"
            f"{default_token_generator.make_token(w.alice)}/"]


def _forged_reset_links(w, owner):
    """Alice's id with a token that is not hers: made up, or bob's own (bob may ask for a reset of his account)."""
    uid = urlsafe_base64_encode(force_bytes(w.alice.pk))
    return [f"/compte/reinitialisation/{uid}/{default_token_generator.make_token(w.bob)}/",
            f"/compte/reinitialisation/{uid}/cvzv4l-0123456789abcdef0123456789abcdef/",
            f"/compte/reinitialisation/{uid}/set-password/"]


ALICE = ("alice",)
DIAGNOSTIC_POST = (("name", "Piratée"), ("year", "2021"), ("subsidies_state", "99 999"))
PER_USER = {
    # « Mon espace » and the notes
    "hub:dashboard": PerUser(lambda w, o: ["/mon-espace/"],
                             shows=("note", "organisation", "progress", "saved", "kept")),
    # « Par où commencer ? »: the path of the owner's answers links to their kept copy; the kept copies
    "hub:usage": PerUser(lambda w, o: [f"/par-ou-commencer/?{KEPT[o][1]}"], shows=("kept_link",)),
    "hub:usage_keep": PerUser(lambda w, o: ["/par-ou-commencer/garder/"], methods=("post",), post=(
        ("profil", "entreprise"), ("objectif", "comprendre"), ("maturite", "je-decouvre"), ("temps", "30-min"))),
    "hub:usage_kept": PerUser(lambda w, o: [f"/mon-espace/parcours-d-usage/{KEPT[o][0]}/"], carries_id=True,
                              shows=("kept",)),
    "hub:usage_kept_done": PerUser(lambda w, o: [f"/mon-espace/parcours-d-usage/{KEPT[o][0]}/fait/"], carries_id=True,
                                   methods=("post",), post=(("element", "diagnostic"), ("fait", "1"))),
    "hub:usage_kept_remove": PerUser(lambda w, o: [f"/mon-espace/parcours-d-usage/{KEPT[o][0]}/retirer/"],
                                     carries_id=True, methods=("get", "post"), shows=("kept",)),
    "parcours:notes_export": PerUser(lambda w, o: ["/mon-espace/mes-notes.md", "/mon-espace/mes-notes.txt"],
                                     shows=("note",)),
    "parcours:fiche_save": PerUser(lambda w, o: [f"/mon-espace/fiches/{_saved(w, o).slug}/"], methods=("post",),
                                   post=(("action", "retirer"),)),
    # The parcours: progress on the list and the outline, notes and status on the steps
    "parcours:list": PerUser(lambda w, o: ["/parcours/"], shows=("progress",)),
    "parcours:detail": PerUser(lambda w, o: ["/parcours/parcours-plat/"], shows=("progress",)),
    "parcours:step": PerUser(_step(), shows=("note", "progress")),
    "parcours:step_note": PerUser(_step("notes/"), methods=("post",), post=(("note", "Note de l’intrus"),)),
    "parcours:step_status": PerUser(_step("statut/"), methods=("post",), post=(("statut", "a_faire"),)),
    "parcours:start": PerUser(lambda w, o: ["/parcours/parcours-niveaux/commencer/"], methods=("post",),
                              post=(("niveau", "approfondissement"),)),
    "parcours:attestation": PerUser(lambda w, o: ["/parcours/parcours-plat/attestation/"], owners=ALICE,
                                    login_required=True, shows=("name",), outsider_status=404),
    "parcours:attestation_depth": PerUser(lambda w, o: ["/parcours/parcours-niveaux/attestation/decouverte/"],
                                          owners=ALICE, login_required=True, shows=("name",), outsider_status=404),
    # A saved fiche shows « Retirer de Mon espace » to its owner only
    "resources:fiche_detail": PerUser(lambda w, o: [_saved(w, o).get_absolute_url()], shows=("unsave",)),
    # The account
    "accounts:account": PerUser(lambda w, o: ["/compte/"], owners=ALICE, login_required=True, methods=("get", "post"),
                                shows=("name", "email"), post=(("display_name", "Piratée"),)),
    "accounts:account_delete": PerUser(lambda w, o: ["/compte/suppression/"], owners=ALICE, login_required=True,
                                       methods=("get", "post"), post=(("password", ALICE_PASSWORD),)),
    "accounts:password_change": PerUser(
        lambda w, o: ["/compte/mot-de-passe/"], owners=ALICE, login_required=True, methods=("get", "post"),
        post=(("old_password", ALICE_PASSWORD), ("new_password1", STRONG), ("new_password2", STRONG)),
    ),
    "accounts:password_change_done": PerUser(lambda w, o: ["/compte/mot-de-passe/modifie/"], owners=ALICE,
                                             login_required=True),
    "accounts:password_reset_confirm": PerUser(
        _reset_link, owners=ALICE, methods=("get", "post"), post=(("new_password1", STRONG), ("new_password2", STRONG)),
        outsider_paths=_forged_reset_links,
    ),
    # « Mon modèle socio-économique »
    "diagnostic:index": PerUser(lambda w, o: ["/mon-modele/"], shows=("organisation",)),
    "diagnostic:detail": PerUser(_diagnostic(""), carries_id=True, shows=("organisation",)),
    "diagnostic:report": PerUser(_diagnostic("rapport/"), carries_id=True, shows=("organisation",)),
    "diagnostic:export": PerUser(_diagnostic("export.csv"), carries_id=True),
    "diagnostic:edit": PerUser(_diagnostic("modifier/"), carries_id=True, methods=("get", "post"),
                               shows=("organisation",), post=DIAGNOSTIC_POST),
    "diagnostic:delete": PerUser(_diagnostic("supprimer/"), carries_id=True, methods=("get", "post"),
                                 shows=("organisation",)),
    "diagnostic:snapshot_add": PerUser(_diagnostic("annees/ajouter/"), carries_id=True, methods=("get", "post"),
                                       shows=("organisation",), post=DIAGNOSTIC_POST),
    "diagnostic:snapshot_edit": PerUser(_year(), carries_id=True, methods=("get", "post"), shows=("organisation",),
                                        post=DIAGNOSTIC_POST),
    "diagnostic:snapshot_delete": PerUser(_year("supprimer/"), carries_id=True, methods=("get", "post"),
                                          shows=("organisation",)),
    # Shared spaces (the role of each member: tests/diagnostic/test_space_access_table.py)
    "diagnostic:space_create": PerUser(lambda w, o: ["/mon-modele/nouvel-espace/"], owners=ALICE, login_required=True,
                                       methods=("get", "post"), post=(("name", "Espace de l’intrus"),)),
    "diagnostic:space_share": PerUser(lambda w, o: [f"/mon-modele/{w.orgs['alice'].pk}/partager/"], owners=ALICE,
                                      login_required=True, carries_id=True, methods=("get", "post"),
                                      shows=("organisation",)),
    **{key: PerUser(_space(suffix), owners=ALICE, carries_id=True, methods=methods, shows=shows, post=post)
       for key, suffix, methods, shows, post in [
           ("diagnostic:members", "membres/", ("get", "post"), ("space",),
            (("email", "intrus@example.org"), ("role", "responsable"))),
           ("diagnostic:member_role", "membres/{member}/role/", ("post",), (), (("role", "lecteur"),)),
           ("diagnostic:member_remove", "membres/{member}/retirer/", ("get", "post"), ("space",), ()),
           ("diagnostic:space_leave", "quitter/", ("get", "post"), ("space",), ()),
           ("diagnostic:invitation_resend", "invitations/{invitation}/renvoyer/", ("post",), (), ()),
           ("diagnostic:invitation_withdraw", "invitations/{invitation}/retirer/", ("get", "post"), ("space",), ()),
           ("diagnostic:method", "demarche/", ("get",), ("space",), ()),
           ("diagnostic:method_step", "demarche/{step}/", ("get", "post"), ("space", "comment"),
            (("formulaire", "reponses"), ("statut", "terminee"))),
           ("diagnostic:decisions", "decisions/", ("get", "post"), ("space", "decision"),
            (("decided_on", "2026-12-01"), ("text", "Décision de l’intrus"))),
           ("diagnostic:decision_delete", "decisions/{decision}/supprimer/", ("get", "post"), ("space", "decision"),
            ()),
           ("diagnostic:comment_add", "commentaires/", ("post",), (),
            (("etape", "etat-des-lieux"), ("corps", "Commentaire de l’intrus"))),
           ("diagnostic:history", "historique/", ("get",), ("space",), ()),
           ("diagnostic:dossier", "dossier/", ("get",), ("space", "decision"), ()),
           ("diagnostic:dossier_pdf", "dossier.pdf", ("get",), (), ()),
       ]},
    # An alert's form starts from the account's address (the alerts themselves: tests/rendezvous/test_alerts.py)
    "rendezvous:alert_new": PerUser(lambda w, o: ["/alertes/nouvelle/?suivre=%2Ffiches%2F"], owners=ALICE,
                                    shows=("email",)),
}
# Pages that show nobody's data: {key: function(world) -> path}, fetched by the owners in the guard test below.
PUBLIC = {
    # The signed token in the address is the credential (tests/diagnostic/test_space_invitations.py); a made-up
    # one names no space.
    "diagnostic:invitation_accept": lambda w: "/invitation/pas-un-jeton/",
    "admin:login": lambda w: "/admin/login/",
    "sitemap": lambda w: "/sitemap.xml",
    "favicon.ico": lambda w: "/favicon.ico",
    "robots.txt": lambda w: "/robots.txt",
    "accounts:signup": lambda w: "/compte/inscription/",
    "accounts:signup_done": lambda w: "/compte/inscription/envoyee/",
    # The token in the address is the credential of an account not yet active (tests/accounts/
    # test_signup_confirmation.py); with a made-up one, alice's id gives nothing.
    "accounts:signup_confirm": lambda w: f"/compte/inscription/confirmation/{_uid(w.alice)}/abc-123/",
    "accounts:login": lambda w: "/compte/connexion/",
    "accounts:logout": lambda w: "/compte/deconnexion/",  # POST only, and on the caller's own session
    "accounts:password_reset": lambda w: "/compte/mot-de-passe-oublie/",
    "accounts:password_reset_done": lambda w: "/compte/mot-de-passe-oublie/envoye/",
    "accounts:password_reset_complete": lambda w: "/compte/reinitialisation/terminee/",
    "hub:home": lambda w: "/",
    "hub:usage_open": lambda w: "/par-ou-commencer/ouvrir/?element=diagnostic",
    "resources:referentiel": lambda w: "/referentiel/",
    "hub:search": lambda w: "/recherche/?q=secr%C3%A8te",
    "resources:fiche_list": lambda w: "/fiches/?q=secr%C3%A8te",
    "resources:lever_detail": lambda w: "/leviers/levier-public/",
    "resources:component_detail": lambda w: "/leviers/levier-public/composante-public/",
    "hub:accessibility": lambda w: "/accessibilite/",
    "hub:legal": lambda w: "/mentions-legales/",
    "hub:site_map": lambda w: "/plan-du-site/",
    "hub:bibliography": lambda w: "/bibliographie/",
    "resources:information_status": lambda w: "/statut-de-l-information/",
    "resources:vocabulary_index": lambda w: "/regions/",
    "resources:vocabulary_detail": lambda w: "/regions/region-public/",
    "resources:worksheet_list": lambda w: "/feuilles-de-travail/",
    "resources:glossary_index": lambda w: "/glossaire/",
    "resources:glossary_detail": lambda w: "/glossaire/terme-public/",
    "resources:worksheet_detail": lambda w: "/feuilles-de-travail/feuille-public/",
    "resources:worksheet_docx": lambda w: "/feuilles-de-travail/feuille-public.docx",
    "resources:worksheet_ods": lambda w: "/feuilles-de-travail/feuille-public.ods",
    # The agenda: the same for everyone. A registration's page is opened by the signed link of its e-mail, the
    # credential (test_a_registration_is_seen_only_through_its_own_link below); a made-up one names nobody.
    "rendezvous:agenda": lambda w: "/agenda/",
    "rendezvous:agenda_past": lambda w: "/agenda/passes/",
    "rendezvous:events_feed": lambda w: "/agenda/flux.atom",
    "rendezvous:event_detail": lambda w: "/agenda/rendez-vous-public/",
    "rendezvous:event_ics": lambda w: "/agenda/rendez-vous-public.ics",
    "rendezvous:registration_sent": lambda w: "/agenda/rendez-vous-public/inscription-envoyee/",
    "rendezvous:registration": lambda w: "/agenda/mon-inscription/pas-un-jeton/",
    "rendezvous:registration_cancel": lambda w: "/agenda/mon-inscription/pas-un-jeton/annuler/",
    "resources:fiche_feed": lambda w: "/fiches/flux.atom?q=secr%C3%A8te",
    "hub:search_feed": lambda w: "/recherche/flux.atom?q=secr%C3%A8te",
    "rendezvous:alert_sent": lambda w: "/alertes/nouvelle/envoyee/",
    # The signed token in the address is the credential (tests/rendezvous/test_alerts.py); a made-up one names no
    # alert.
    "rendezvous:alert_confirm": lambda w: "/alertes/confirmer/pas-un-jeton/",
    "rendezvous:alert_manage": lambda w: "/alertes/gerer/pas-un-jeton/",
    "rendezvous:alert_stop_one_click": lambda w: "/alertes/gerer/pas-un-jeton/un-clic/",  # its GET: the page
}
# « La lettre »: the archive, an issue, the form; its links carry a signed token, the credential (tests/rendezvous/
# test_letter_subscription.py): made-up ones name nobody.
PUBLIC.update({
    "rendezvous:letter_archive": lambda w: "/lettre/",
    "rendezvous:letter_detail": lambda w: "/lettre/1/",
    "rendezvous:letter_subscribe": lambda w: "/lettre/abonnement/",
    "rendezvous:letter_subscribe_done": lambda w: "/lettre/abonnement/envoye/",
    "rendezvous:letter_subscribe_confirmed": lambda w: "/lettre/abonnement/confirme/",
    "rendezvous:letter_confirm": lambda w: "/lettre/confirmation/pas-un-jeton/",
    "rendezvous:letter_unsubscribe": lambda w: "/lettre/desabonnement/pas-un-jeton/",
    "rendezvous:letter_unsubscribe_one_click": lambda w: "/lettre/desabonnement/pas-un-jeton/un-clic/",
})
# Readers' corrections: a form and its thank-you page, the same for everyone (nothing of the sender is shown back).
PUBLIC.update({
    "hub:fiche_correction": lambda w: "/fiches/fiche-public/corriger/",
    "hub:fiche_correction_sent": lambda w: "/fiches/fiche-public/corriger/merci/",
})
# A public page whose address is a credential: a made-up one is refused.
PUBLIC_STATUS = {"diagnostic:invitation_accept": (404,), "rendezvous:registration": (404,),
                 "rendezvous:registration_cancel": (404,)}
PUBLIC_STATUS.update({"rendezvous:letter_confirm": (404,), "rendezvous:letter_unsubscribe": (404,)})
PUBLIC_STATUS.update({"rendezvous:alert_confirm": (404,), "rendezvous:alert_manage": (404,)})
ADMIN_REASON = "Django admin: staff only (test_the_admin_is_closed_to_people_who_are_not_staff)"
OUTSIDERS = {"alice": ("bob",), "visitor": ("bob", "alice")}


def test_every_url_pattern_is_classified():
    unclassified = [key for route, key in walk() if not is_admin(route, key) and key not in PER_USER and key not in PUBLIC]
    assert unclassified == [], "classify the new URL patterns: PER_USER (with its tests) or PUBLIC"
    keys = {key for _, key in walk()}
    assert sorted((set(PER_USER) | set(PUBLIC)) - keys) == [], "PER_USER or PUBLIC lists patterns that no longer exist"
    assert not set(PER_USER) & set(PUBLIC)


def test_the_walk_sees_the_whole_site():
    keys = {key for _, key in walk()}
    assert {"parcours:notes_export", "diagnostic:snapshot_delete", "admin:index", "admin:login", "robots.txt"} <= keys
    assert len(PER_USER) >= 25


# Outsiders and strangers ------------------------------------------------------------------------------------------

OUTSIDER_CASES = [(key, owner, outsider) for key, spec in PER_USER.items() for owner in spec.owners
                  for outsider in OUTSIDERS[owner]]
ANONYMOUS_CASES = [(key, owner) for key, spec in PER_USER.items() for owner in spec.owners]


def _assert_reveals_nothing(response, spec, owner, where):
    body = response.content.decode(errors="replace")
    for secret in SECRETS[owner].values():
        assert secret not in body, f"{where}: {secret!r} shown to someone else"
    for marker in spec.shows:
        if marker in MARKERS[owner]:
            assert MARKERS[owner][marker] not in body, f"{where}: {MARKERS[owner][marker]!r} shown to someone else"


def _send(client, method, path, spec):
    return client.post(path, dict(spec.post)) if method == "post" else client.get(path)


def _assert_kept_out(world, key, owner, who):
    spec = PER_USER[key]
    owner_client = client_of(world, owner)
    before = owner_state(world, owner, owner_client)
    client = client_of(world, who)
    paths = (spec.outsider_paths or spec.paths)(world, owner)
    for path in paths:
        for method in spec.methods:
            where = f"{method.upper()} {path} by {who}"
            response = _send(client, method, path, spec)
            if who == "stranger" and spec.login_required:
                assert response.status_code == 302 and response["Location"] == login_url(path), where
            elif spec.carries_id:
                assert response.status_code == 404, where
            elif spec.outsider_paths:
                assert response.status_code == 200 and "Ce lien n’est plus valable" in response.content.decode(), where
            elif method == "get":
                assert response.status_code == spec.outsider_status, where
            else:
                assert response.status_code < 500, where
            _assert_reveals_nothing(response, spec, owner, where)
    assert owner_state(world, owner, owner_client) == before, f"{key}: {who} changed the data of {owner}"


@pytest.mark.parametrize("key, owner, outsider", OUTSIDER_CASES)
def test_an_outsider_gets_a_404_or_sees_nothing_of_the_owner(world, key, owner, outsider):
    _assert_kept_out(world, key, owner, outsider)


@pytest.mark.parametrize("key, owner", ANONYMOUS_CASES)
def test_an_anonymous_stranger_is_sent_to_log_in_or_sees_nothing_of_the_owner(world, key, owner):
    _assert_kept_out(world, key, owner, "stranger")


@pytest.mark.parametrize("key, owner", ANONYMOUS_CASES)
def test_the_owner_does_see_and_change_it(world, key, owner):
    """Without this, the tests above could pass on pages that show nothing to anyone."""
    spec = PER_USER[key]
    client = client_of(world, owner)
    for path in spec.paths(world, owner):
        if "get" in spec.methods:
            response = client.get(path)
            expected = 302 if key == "accounts:password_reset_confirm" else 200  # the token moves to the session
            assert response.status_code == expected, path
            body = response.content.decode(errors="replace")
            for shown in spec.shows:
                assert {**SECRETS[owner], **MARKERS[owner]}[shown] in body, f"{path}: {shown}"
        if "post" in spec.methods:
            before = owner_state(world, owner, client)
            if key == "accounts:password_reset_confirm":
                path = client.get(path)["Location"]
            response = client.post(path, dict(spec.post))
            assert response.status_code == 302, path
            if key == "accounts:account_delete":
                assert not get_user_model().objects.filter(pk=world.alice.pk).exists()
                return
            assert owner_state(world, owner, client) != before, f"{path}: the owner's request changed nothing"


def test_a_reset_link_is_the_owners_only_while_it_is_valid(world):
    """The token in the address is the credential: once used, the same link gives nothing to anyone."""
    path = _reset_link(world, "alice")[0]
    owner = Client()
    form = owner.get(path)["Location"]
    assert owner.post(form, {"new_password1": STRONG, "new_password2": STRONG}).status_code == 302
    again = Client().get(path)
    assert again.status_code == 200 and "Ce lien n’est plus valable" in again.content.decode()


def test_an_outsider_cannot_read_the_owners_year_through_another_organisation(world):
    """Bob's organisation id with alice's year id: the year must belong to the organisation in the address."""
    year = world.orgs["alice"].snapshots.first()
    client = client_of(world, "bob")
    path = f"/mon-modele/{world.orgs['bob'].pk}/annees/{year.pk}/"
    assert client.get(path).status_code == 404
    assert client.post(path, dict(DIAGNOSTIC_POST)).status_code == 404
    assert client.post(f"{path}supprimer/").status_code == 404
    assert Snapshot.objects.filter(pk=year.pk, year=year.year).exists()


# Public pages really are public -------------------------------------------------------------------------------------


@pytest.fixture
def public_world(world):
    lever = make_lever(slug="levier-public")
    make_component(lever, slug="composante-public")
    make_vocabulary(m.Region, slug="region-public")
    make_worksheet(slug="feuille-public")
    make_fiche(slug="fiche-public")
    m.GlossaryTerm.objects.create(slug="terme-public", term="terme public", definition="Une définition.",
                                  provenance="confirmed")
    make_registration(make_event(slug="rendez-vous-public"), name=SECRETS["alice"]["name"], email="alice@example.org")
    make_letter(number=1, frozen_at=timezone.now())
    return world


@pytest.mark.parametrize("owner", ["alice", "visitor"])
@pytest.mark.parametrize("key", sorted(PUBLIC))
def test_a_public_page_shows_nothing_per_user_even_to_the_owner(public_world, key, owner):
    """A page that showed the owner's data to the owner would belong in PER_USER, with its outsider tests."""
    response = client_of(public_world, owner).get(PUBLIC[key](public_world))
    assert response.status_code in PUBLIC_STATUS.get(key, (200, 301, 302, 405)), key
    body = response.content.decode(errors="replace")
    for secret in SECRETS[owner].values():
        assert secret not in body, f"{key} shows {secret!r}: classify it in PER_USER"


def test_the_sitemap_lists_no_per_user_address(world):
    body = Client().get("/sitemap.xml").content.decode()
    for fragment in ["/mon-espace/", "/compte/", "/attestation/", "/commencer/", "/notes/", "/statut/"]:
        assert fragment not in body
    assert f"/mon-modele/{world.orgs['alice'].pk}/" not in body
    assert f"/mon-modele/{world.orgs['visitor'].pk}/" not in body


# The admin --------------------------------------------------------------------------------------------------------


def _admin_paths(world):
    paths = []
    for route, key in walk():
        if not is_admin(route, key) or not key.startswith("admin:"):
            continue
        try:
            paths.append(reverse(key))
        except NoReverseMatch:
            continue
    for name in ("change", "history", "delete", "password_change"):
        paths.append(reverse(f"admin:auth_user_{name}", args=[world.alice.pk]))
    paths.append(reverse("admin:app_list", kwargs={"app_label": "parcours"}))
    return paths


@pytest.mark.parametrize("who", ["bob", "stranger"])
def test_the_admin_is_closed_to_people_who_are_not_staff(world, who):
    client = client_of(world, who)
    paths = _admin_paths(world)
    assert len(paths) > 20
    for path in paths:
        if path.endswith(("/logout/", "/login/")):
            continue
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), path
        for secret in SECRETS["alice"].values():
            assert secret not in response.content.decode(errors="replace")


# The agenda's registrations ------------------------------------------------------------------------------------------


def test_a_registration_is_seen_only_through_its_own_link(world):
    """A registration has no owner account: its signed link is the credential. Without it, nobody (bob, a visitor,
    a stranger, alice herself logged in) reaches it: no page lists it, another registration's link opens only that
    one, and a link whose id is changed is refused. Only the link's holder sees and cancels it."""
    import json
    from base64 import urlsafe_b64encode

    from rendezvous.registration_links import registration_token
    from rendezvous.tokens import token_make

    event = make_event(slug="rendez-vous-secret", capacity=1)
    alice = make_registration(event, name=SECRETS["alice"]["name"], email="alice@example.org",
                              organisation=SECRETS["alice"]["organisation"])
    bob = make_registration(event, name="Bob Public", email="bob@example.org", status="attente")
    bob_link = f"/agenda/mon-inscription/{registration_token(bob)}/"
    # Signed, but with bob's nonce or none; alice's id and nonce in front of bob's signature.
    swapped = urlsafe_b64encode(json.dumps([alice.pk, alice.nonce], separators=(",", ":")).encode()).decode().rstrip("=")
    forged = [token_make("registration", alice.pk, bob.nonce), token_make("registration", alice.pk, ""),
              f"{swapped}:{registration_token(bob).split(':', 1)[1]}"]
    public = ["/agenda/", "/agenda/passes/", "/agenda/rendez-vous-secret/", "/agenda/rendez-vous-secret.ics",
              "/agenda/flux.atom", "/sitemap.xml", "/agenda/rendez-vous-secret/inscription-envoyee/", "/mon-espace/"]
    for who in ("alice", "bob", "visitor", "stranger"):
        client = client_of(world, who)
        for path in public:
            body = client.get(path).content.decode(errors="replace")
            assert SECRETS["alice"]["name"] not in body and "alice@example.org" not in body, (who, path)
            assert "/agenda/mon-inscription/" not in body, (who, path)
        bobs = client.get(bob_link).content.decode()
        assert "Bob Public" in bobs and SECRETS["alice"]["name"] not in bobs
        for token in forged:
            assert client.get(f"/agenda/mon-inscription/{token}/").status_code == 404, (who, token)
            assert client.post(f"/agenda/mon-inscription/{token}/annuler/").status_code == 404, (who, token)
    alice.refresh_from_db()
    assert alice.status == "confirmee" and alice.email == "alice@example.org"
    holder = client_of(world, "stranger")
    page = holder.get(f"/agenda/mon-inscription/{registration_token(alice)}/").content.decode()
    assert SECRETS["alice"]["name"] in page and SECRETS["alice"]["organisation"] in page
