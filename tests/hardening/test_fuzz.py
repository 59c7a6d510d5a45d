"""Property-based fuzzing of every URL of the site (hypothesis).

Each URL pattern of the resolver gets GET requests with hostile query strings and path arguments, each form
endpoint gets POST requests with hostile field values, for a visitor and for a logged-in person: no answer may
be a server error. A 500 raises out of the test client (``raise_request_exception``), so hypothesis shows the
shrunk example. Every example runs in a savepoint that is rolled back: a deletion or a log-out in one example
never changes what the next one sees.

A new URL pattern fails ``test_every_url_pattern_is_fuzzed_or_skipped`` until it is given path arguments below
(and a form, or a reason why it has none).
"""

import operator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.db import connection, transaction
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, SlugConverter, StringConverter
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import HealthCheck, given, settings, strategies as st

from accounts.services import signup_token_generator
from parcours import services
from accounts.models import Profile
from diagnostic.invitations import invitation_token
from diagnostic.models import Comment, Decision, Invitation, Membership
from parcours.models import BoardQuestion, KeptUsagePath, Status
from resources import models as m
from resources.vocabularies import BY_PREFIX
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
from tests.module_data import rows_for_the_module
from tests.rendezvous.letter_helpers import letter_links, make_letter_world

pytestmark = pytest.mark.django_db

ALICE_PASSWORD = "pw-alice-123"
STRONG = "Un-mot-de-passe-solide-2025"
# Fixed slugs: the strategies below can offer real values without seeing the database.
SLUGS = {
    "lever": "levier-fuzz", "component": "composante-fuzz", "region": "region-fuzz", "profile": "profil-fuzz",
    "objective": "objectif-fuzz", "fiche": "fiche-fuzz", "draft": "brouillon-fuzz", "parcours": "parcours-fuzz",
    "flat": "parcours-sans-niveau", "tag": "benevolat", "worksheet": "feuille-fuzz", "term": "terme-fuzz",
}
STEP_SLUGS = ["etape-une", "etape-deux", "etape-trois"]
# Kept parcours d'usage: alice's in the database, the visitor's in the session.
KEPT_KEYS = {"learner": "a1b2c3d4e5f6", "visitor": "0123456789ab"}
USAGE_ANSWERS = {"profil": "association", "objectif": "diversifier", "maturite": "j-ai-commence", "temps": "2-h"}

# Examples per URL pattern (each one sent by a visitor and by a logged-in person): most of them on PostgreSQL, the
# production database, where most of what SQLite accepts is refused (a NUL byte in a text, an integer out of range);
# a few on SQLite, the embedded default (the same first ones: in CI the examples are drawn the same on every run,
# tests/conftest.py). Counts set by CI's fifteen minutes on two cores.
GET_EXAMPLES, POST_EXAMPLES = (6, 15) if connection.vendor == "postgresql" else (2, 5)
GET_ONLY_POST_EXAMPLES = 3
FUZZ_SETTINGS = dict(
    deadline=None,
    database=None,  # no .hypothesis/ folder written in the project
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


# The URL patterns ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    route: str
    name: str
    converters: dict

    @property
    def key(self):
        """The name (« app:name »), or the route itself for an unnamed pattern (favicon.ico, robots.txt)."""
        return self.name or self.route


def walk(resolver=None, prefix="", namespace="", converters=None):
    """Every URL pattern of the site, included ones too, as Route(route, namespaced name, converters)."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        found = {**(converters or {}), **getattr(entry.pattern, "converters", {})}
        if isinstance(entry, URLResolver):
            inner = ":".join(part for part in (namespace, entry.namespace) if part)
            yield from walk(entry, prefix + str(entry.pattern), inner, found)
        else:
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name or ""
            yield Route(prefix + str(entry.pattern), name, found)


def _skip_reason(route):
    if (route.key.startswith("admin:") or route.route.startswith("admin/")) and route.key != "admin:login":
        return "Django admin: staff only, Django's own views (the admin login page is fuzzed)"
    static = django_settings.STATIC_URL.lstrip("/")
    if static and route.route.lstrip("^").startswith(static):
        return "static files: served by WhiteNoise, not by a view"
    return None


# Valid path arguments of each pattern: {key: function(world, who) -> [kwargs]}, lists of the same length for
# every client. The first entries are the client's own objects (alice's for the learner, the session's for the
# visitor); then come other people's ids, which are 404s, an answer too.
def _mine(w, who):
    return w.alice_org if who == "learner" else w.visitor_org


def _diagnostic_ids(w, who):
    return [{"pk": _mine(w, who).pk}] * 3 + [{"pk": w.bob_org.pk}]


def _snapshot_ids(w, who):
    mine = _mine(w, who)
    own = [{"pk": mine.pk, "snapshot_pk": snap.pk} for snap in mine.snapshots.order_by("pk")[:1]]
    return own * 3 + [
        {"pk": w.bob_org.pk, "snapshot_pk": w.bob_org.snapshots.first().pk},
        {"pk": mine.pk, "snapshot_pk": w.bob_org.snapshots.first().pk},  # a year of another organisation
    ]


def _steps(w, who):
    return [{"slug": SLUGS["parcours"], "step_slug": slug} for slug in STEP_SLUGS] + [
        {"slug": SLUGS["flat"], "step_slug": w.flat_step_slug},
        {"slug": SLUGS["flat"], "step_slug": STEP_SLUGS[0]},  # a step of another parcours
    ]


def _parcours(w, who):
    return [{"slug": SLUGS["parcours"]}, {"slug": SLUGS["flat"]}]


def _none(w, who):
    return [{}]


METHOD_STEP = "etape-de-la-methode"


def _space_ids(w, who):
    """Alice's space (the learner is its responsable; the visitor is nobody there), then bob's."""
    return [{"pk": w.spaces["alice"]["space"].pk}] * 3 + [{"pk": w.spaces["bob"]["space"].pk}]


def _space_rows(row):
    """A row of a space in the address: alice's in her space, bob's in his, bob's in alice's space."""
    def arguments(w, who):
        alice, bob = w.spaces["alice"], w.spaces["bob"]
        return [{"pk": alice["space"].pk, row: alice[ROW_OF[row]].pk}] * 3 + [
            {"pk": bob["space"].pk, row: bob[ROW_OF[row]].pk},
            {"pk": alice["space"].pk, row: bob[ROW_OF[row]].pk},
        ]
    return arguments


ROW_OF = {"member_pk": "member", "invitation_pk": "invitation", "decision_pk": "decision"}


PATH_ARGUMENTS = {
    "admin:login": _none,
    "sitemap": _none,
    "favicon.ico": _none,
    "robots.txt": _none,
    "parcours:list": _none,
    "parcours:detail": _parcours,
    "parcours:start": _parcours,
    "parcours:attestation": _parcours,
    "parcours:attestation_depth": lambda w, who: [
        {"slug": SLUGS["parcours"], "niveau": level} for level in ("decouverte", "approfondissement", "fondamentaux")
    ] + [{"slug": SLUGS["flat"], "niveau": "decouverte"}],
    "parcours:step": _steps,
    "parcours:step_status": _steps,
    "parcours:step_note": _steps,
    "hub:dashboard": _none,
    "hub:usage": _none,
    "hub:usage_open": _none,
    "hub:usage_keep": _none,
    "hub:usage_kept": lambda w, who: [{"key": KEPT_KEYS[who]}, {"key": "ffffffffffff"}, {"key": KEPT_KEYS["learner"]}],
    "hub:usage_kept_done": lambda w, who: [{"key": KEPT_KEYS[who]}, {"key": KEPT_KEYS["visitor"]}],
    "hub:usage_kept_remove": lambda w, who: [{"key": KEPT_KEYS[who]}, {"key": "ffffffffffff"}],
    "parcours:notes_export": lambda w, who: [{"extension": "md"}, {"extension": "txt"}],
    "parcours:fiche_save": lambda w, who: [{"slug": SLUGS["fiche"]}] * 3 + [{"slug": SLUGS["draft"]}],
    "accounts:account": _none,
    "accounts:signup": _none,
    "accounts:signup_done": _none,
    "accounts:signup_confirm": lambda w, who: [
        {"uidb64": w.pending_uid, "token": w.pending_token},
        {"uidb64": w.pending_uid, "token": "abc-123"},
        {"uidb64": w.alice_uid, "token": w.alice_token},  # a reset token is no confirmation token
    ],
    "accounts:login": _none,
    "accounts:logout": _none,
    "accounts:account_delete": _none,
    "accounts:password_change": _none,
    "accounts:password_change_done": _none,
    "accounts:password_reset": _none,
    "accounts:password_reset_done": _none,
    "accounts:password_reset_confirm": lambda w, who: [
        {"uidb64": w.alice_uid, "token": w.alice_token},
        {"uidb64": w.alice_uid, "token": "set-password"},
        {"uidb64": w.alice_uid, "token": "abc-123"},
    ],
    "accounts:password_reset_complete": _none,
    "diagnostic:index": _none,
    "diagnostic:detail": _diagnostic_ids,
    "diagnostic:report": _diagnostic_ids,
    "diagnostic:edit": _diagnostic_ids,
    "diagnostic:delete": _diagnostic_ids,
    "diagnostic:export": _diagnostic_ids,
    "diagnostic:snapshot_add": _diagnostic_ids,
    "diagnostic:snapshot_edit": _snapshot_ids,
    "diagnostic:snapshot_delete": _snapshot_ids,
    "diagnostic:space_create": _none,
    "diagnostic:space_share": _diagnostic_ids,
    "diagnostic:members": _space_ids,
    "diagnostic:space_leave": _space_ids,
    "diagnostic:method": _space_ids,
    "diagnostic:decisions": _space_ids,
    "diagnostic:comment_add": _space_ids,
    "diagnostic:history": _space_ids,
    "diagnostic:dossier": _space_ids,
    # The PDF view reads nothing but its path, and laying a PDF out takes seconds: hostile query strings go to
    # someone else's space and to hostile ids; the PDF itself is tested in tests/diagnostic/test_space_dossier.py,
    # and the learner's own one by the other methods below and by the per-user suite.
    "diagnostic:dossier_pdf": lambda w, who: _space_ids(w, who)[3:],
    "diagnostic:member_role": _space_rows("member_pk"),
    "diagnostic:member_remove": _space_rows("member_pk"),
    "diagnostic:invitation_resend": _space_rows("invitation_pk"),
    "diagnostic:invitation_withdraw": _space_rows("invitation_pk"),
    "diagnostic:decision_delete": _space_rows("decision_pk"),
    "diagnostic:method_step": lambda w, who: [{"pk": w.spaces["alice"]["space"].pk, "step_slug": METHOD_STEP}] * 3 + [
        {"pk": w.spaces["alice"]["space"].pk, "step_slug": STEP_SLUGS[0]},  # a step of another parcours
        {"pk": w.spaces["bob"]["space"].pk, "step_slug": METHOD_STEP},
    ],
    "diagnostic:invitation_accept": lambda w, who: [{"token": w.invitation_token}] * 2 + [
        {"token": w.invitation_token[:-2] + "xx"}, {"token": "pas-un-jeton"},
    ],
    "hub:home": _none,
    "resources:referentiel": _none,
    "hub:search": _none,
    "resources:fiche_list": _none,
    "resources:fiche_detail": lambda w, who: [{"slug": SLUGS["fiche"]}, {"slug": SLUGS["draft"]}],
    "resources:lever_detail": lambda w, who: [{"slug": SLUGS["lever"]}],
    "resources:component_detail": lambda w, who: [
        {"lever_slug": SLUGS["lever"], "slug": SLUGS["component"]},
        {"lever_slug": w.other_lever_slug, "slug": SLUGS["component"]},  # a component of another lever
    ],
    "hub:accessibility": _none,
    "hub:legal": _none,
    "hub:site_map": _none,
    "hub:bibliography": _none,
    "resources:information_status": _none,
    "resources:worksheet_list": _none,
    "resources:glossary_index": _none,
    "resources:glossary_detail": lambda w, who: [{"slug": SLUGS["term"]}, {"slug": "terme-inconnu"}],
    "resources:worksheet_detail": lambda w, who: [{"slug": SLUGS["worksheet"]}, {"slug": "feuille-inconnue"}],
    "resources:worksheet_docx": lambda w, who: [{"slug": SLUGS["worksheet"]}, {"slug": "feuille-inconnue"}],
    "resources:worksheet_ods": lambda w, who: [{"slug": SLUGS["worksheet"]}, {"slug": "feuille-inconnue"}],
    "resources:vocabulary_index": lambda w, who: [{"kind": prefix} for prefix in BY_PREFIX],
    "resources:vocabulary_detail": lambda w, who: [
        {"kind": "regions", "slug": SLUGS["region"]},
        {"kind": "profils-d-acteurs", "slug": SLUGS["profile"]},
        {"kind": "objectifs", "slug": SLUGS["objective"]},
        {"kind": "regions", "slug": SLUGS["profile"]},  # a value of another vocabulary
    ],
    "rendezvous:agenda": _none,
    "rendezvous:agenda_past": _none,
    "rendezvous:events_feed": _none,
    "rendezvous:event_detail": lambda w, who: _events(w, who),
    "rendezvous:event_ics": lambda w, who: _events(w, who),
    "rendezvous:registration_sent": lambda w, who: _events(w, who),
    "rendezvous:registration": lambda w, who: _registration_tokens(w, who),
    "rendezvous:registration_cancel": lambda w, who: _registration_tokens(w, who),
    # Feeds of the fiches (resources.feeds)
    "resources:fiche_feed": _none,
    "hub:search_feed": _none,
    # Alerts on a search (rendezvous.alerts): the links of the alerts of _alerts_world, dead and forged ones
    "rendezvous:alert_new": _none,
    "rendezvous:alert_sent": _none,
    "rendezvous:alert_confirm": lambda w, who: _alert_links("alert-confirm"),
    "rendezvous:alert_manage": lambda w, who: _alert_links("alert-manage"),
    "rendezvous:alert_stop_one_click": lambda w, who: _alert_links("alert-manage"),
}

ALERT_EMAILS = {"alert-confirm": "a-confirmer@example.org", "alert-manage": "confirmee@example.org"}


def _alerts_world():
    """An alert waiting for its confirmation and a confirmed one (their links are built from their rows)."""
    from tests.factories import make_alert

    make_alert(email=ALERT_EMAILS["alert-confirm"], query="/fiches/?famille=action", confirmed=False)
    make_alert(email=ALERT_EMAILS["alert-manage"], query=f"/fiches/?levier={SLUGS['lever']}")


def _alert_links(purpose):
    from rendezvous.alerts import alert_token
    from rendezvous.models import SearchAlert
    from rendezvous.tokens import token_make

    alert = SearchAlert.objects.get(email=ALERT_EMAILS[purpose])
    other = "alert-manage" if purpose == "alert-confirm" else "alert-confirm"
    return [{"token": alert_token(purpose, alert)}] * 3 + [
        {"token": alert_token(other, alert)},  # the other link of the same alert
        {"token": token_make(purpose, alert.pk, "0" * 32)},  # another nonce
        {"token": "pas-un-jeton"},
    ]


# Forms: {key: function(world) -> a valid submission}; hypothesis then breaks it field by field and adds keys.
FIGURES = ["subsidies_state", "volunteer_hours", "salaried_fte", "volunteers_count", "revenue_sales", "in_kind_premises"]
FORMS = {
    "admin:login": lambda w: {"username": "alice@example.org", "password": ALICE_PASSWORD, "next": "/admin/"},
    "accounts:signup": lambda w: {
        "email": "nouvelle@example.org", "display_name": "Nouvelle Personne", "password1": STRONG, "password2": STRONG,
        "next": "/mon-espace/",
    },
    "accounts:signup_confirm": lambda w: {"password": STRONG, "next": "/mon-espace/"},
    "accounts:login": lambda w: {"username": "alice@example.org", "password": ALICE_PASSWORD, "next": "/mon-espace/"},
    "accounts:logout": lambda w: {},
    "accounts:password_reset": lambda w: {"email": "alice@example.org"},
    "accounts:password_reset_confirm": lambda w: {"new_password1": STRONG, "new_password2": STRONG},
    "accounts:password_change": lambda w: {
        "old_password": ALICE_PASSWORD, "new_password1": STRONG, "new_password2": STRONG,
    },
    "accounts:account": lambda w: {
        "display_name": "Alice Martin", "actor_profile": str(w.actor_profile.pk), "region": str(w.region.pk),
    },
    "accounts:account_delete": lambda w: {"password": ALICE_PASSWORD},
    "parcours:step_note": lambda w: {"note": "Une note."},
    "parcours:step_status": lambda w: {"statut": "terminee"},
    "parcours:start": lambda w: {"niveau": "decouverte"},
    "parcours:fiche_save": lambda w: {"action": "sauvegarder", "next": "/mon-espace/"},
    "hub:usage_keep": lambda w: {**USAGE_ANSWERS, "region": SLUGS["region"]},
    "hub:usage_kept_done": lambda w: {"element": "diagnostic", "fait": "1"},
    "hub:usage_kept_remove": lambda w: {},
    "diagnostic:index": lambda w: {"name": "La Ruche", "actor_profile": str(w.actor_profile.pk), "region": str(w.region.pk)},
    "diagnostic:edit": lambda w: {"name": "La Ruche", "actor_profile": "", "region": str(w.region.pk)},
    "diagnostic:delete": lambda w: {},
    "diagnostic:snapshot_add": lambda w: {"year": "2024", "subsidies_state": "12 500,50", "volunteer_hours": "300"},
    "diagnostic:snapshot_edit": lambda w: {"year": "2021", "subsidies_state": "1000", "cible": "1"},
    "diagnostic:snapshot_delete": lambda w: {},
    "diagnostic:space_create": lambda w: {"name": "Espace", "actor_profile": str(w.actor_profile.pk), "region": ""},
    "diagnostic:space_share": lambda w: {},
    "diagnostic:members": lambda w: {"email": "nouvelle@example.org", "role": "contributeur"},
    "diagnostic:member_role": lambda w: {"role": "lecteur"},
    "diagnostic:member_remove": lambda w: {},
    "diagnostic:space_leave": lambda w: {},
    "diagnostic:invitation_resend": lambda w: {},
    "diagnostic:invitation_withdraw": lambda w: {},
    "diagnostic:invitation_accept": lambda w: {},
    "diagnostic:method_step": lambda w: {
        "formulaire": "reponses", "statut": "en_cours",
        **{f"reponse_{question.pk}": "Notre réponse." for question in BoardQuestion.objects.all()},
    },
    "diagnostic:decisions": lambda w: {"decided_on": "01/12/2026", "text": "On décide.", "etape": METHOD_STEP},
    "diagnostic:decision_delete": lambda w: {},
    "diagnostic:comment_add": lambda w: {"etape": METHOD_STEP, "corps": "Un **avis**."},
    "rendezvous:event_detail": lambda w: {"name": "Camille Dupont", "email": "camille@example.org",
                                          "organisation": "La Ruche", "consent": "on"},
    "rendezvous:registration_cancel": lambda w: {},
    "rendezvous:alert_new": lambda w: {"suivre": f"/fiches/?famille=action&levier={SLUGS['lever']}",
                                       "email": "nouvelle@example.org", "frequency": "daily", "consent": "on"},
    "rendezvous:alert_confirm": lambda w: {},
    "rendezvous:alert_manage": lambda w: {"action": "frequence", "frequency": "daily"},
    "rendezvous:alert_stop_one_click": lambda w: {"List-Unsubscribe": "One-Click"},
}
FORM_FIELDS = sorted(
    {"email", "display_name", "password1", "password2", "next", "username", "password", "old_password",
     "new_password1", "new_password2", "actor_profile", "region", "note", "statut", "niveau", "action", "name",
     "year", "cible", *FIGURES, "csrfmiddlewaretoken", "profil", "objectif", "maturite", "temps", "domaine", "element",
     "fait", "role", "formulaire", "decided_on", "text", "etape", "annee", "corps", "organisation", "consent", "suivre",
     "frequency"}
)
# Pages without a form: why POST is not fuzzed as a form there (a POST still may not give a 5xx: see below).
GET_ONLY = {
    key: "page without a form (read only)"
    for key in (
        "sitemap", "favicon.ico", "robots.txt", "parcours:list", "parcours:detail", "parcours:attestation",
        "parcours:attestation_depth", "parcours:step", "hub:dashboard", "parcours:notes_export",
        "accounts:password_change_done", "accounts:password_reset_done", "accounts:password_reset_complete",
        "accounts:signup_done",
        "diagnostic:detail", "diagnostic:report", "diagnostic:export", "hub:home", "resources:referentiel",
        "hub:search", "resources:fiche_list", "resources:fiche_detail", "resources:lever_detail",
        "resources:component_detail", "hub:accessibility", "hub:legal", "hub:site_map",
        "hub:bibliography", "resources:information_status", "resources:vocabulary_index", "resources:vocabulary_detail",
        "resources:worksheet_list", "resources:worksheet_detail", "resources:worksheet_docx", "resources:worksheet_ods",
        "resources:glossary_index", "resources:glossary_detail", "hub:usage_open", "hub:usage_kept",
        "diagnostic:method", "diagnostic:history", "diagnostic:dossier", "diagnostic:dossier_pdf",
    )
}
GET_ONLY["hub:usage"] = "a GET form: its answers are the query strings fuzzed like every page's"
GET_ONLY.update({key: "page without a form (read only)" for key in (
    "rendezvous:agenda", "rendezvous:agenda_past", "rendezvous:events_feed", "rendezvous:event_ics",
    "rendezvous:registration_sent", "rendezvous:registration",
)})

# « La lettre » (rendezvous): the archive, an issue (online, draft, unknown), the form and its signed links.
PATH_ARGUMENTS.update({
    "rendezvous:letter_archive": _none,
    "rendezvous:letter_detail": lambda w, who: [{"number": 1}, {"number": 2}, {"number": 99}],
    "rendezvous:letter_subscribe": _none,
    "rendezvous:letter_subscribe_done": _none,
    "rendezvous:letter_subscribe_confirmed": _none,
    "rendezvous:letter_confirm": lambda w, who: letter_links("confirm"),
    "rendezvous:letter_unsubscribe": lambda w, who: letter_links("unsubscribe"),
    "rendezvous:letter_unsubscribe_one_click": lambda w, who: letter_links("unsubscribe"),
})
FORMS.update({
    "rendezvous:letter_subscribe": lambda w: {"email": "nouvelle@example.org", "consent": "on"},
    "rendezvous:letter_confirm": lambda w: {},
    "rendezvous:letter_unsubscribe": lambda w: {},
    "rendezvous:letter_unsubscribe_one_click": lambda w: {"List-Unsubscribe": "One-Click"},
})
FORM_FIELDS = sorted({*FORM_FIELDS, "consent", "List-Unsubscribe"})
GET_ONLY.update({key: "page without a form (read only)" for key in (
    "rendezvous:letter_archive", "rendezvous:letter_detail", "rendezvous:letter_subscribe_done",
    "rendezvous:letter_subscribe_confirmed")})
GET_ONLY.update({key: "an Atom feed (read only): its filters are the query strings fuzzed like every page's"
                 for key in ("resources:fiche_feed", "hub:search_feed")})

# Readers' corrections on a fiche (hub.views.corrections): a published fiche, a draft (404), an unknown one.
def _correction_fiches(w, who):
    return [{"slug": SLUGS["fiche"]}, {"slug": SLUGS["draft"]}, {"slug": "fiche-inconnue"}]


PATH_ARGUMENTS.update({"hub:fiche_correction": _correction_fiches, "hub:fiche_correction_sent": _correction_fiches})
FORMS["hub:fiche_correction"] = lambda w: {"message": "Le chiffre de 2019 a changé.", "proposed_text": "En 2024…",
                                           "email": "lectrice@example.org", "site_web": ""}
FORM_FIELDS = sorted({*FORM_FIELDS, "message", "proposed_text", "site_web"})
GET_ONLY["hub:fiche_correction_sent"] = "page without a form (read only)"
GET_ONLY["rendezvous:alert_sent"] = "page without a form (read only)"


# The world the requests land in ------------------------------------------------------------------------------


@dataclass
class World:
    alice: object
    bob: object
    region: object
    actor_profile: object
    alice_org: object
    visitor_org: object
    bob_org: object
    flat_step_slug: str
    other_lever_slug: str
    alice_uid: str
    alice_token: str
    pending_uid: str
    pending_token: str
    fiche: object
    steps: list
    parcours: object
    spaces: dict  # alice's (she is responsable) and bob's shared spaces, each with a member, an invitation, a decision
    invitation_token: str  # the signed link of the invitation to alice's space
    registration_token: str = ""  # the signed link of a registration to the agenda's event


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module (tests/module_data.py): every test, and every example inside it (rolled_back),
    starts from the same world."""
    with rows_for_the_module(django_db_blocker, _build_world) as built:
        yield built


def _build_world():
    # The personas of tests/conftest.py, which are built per test.
    learner = get_user_model().objects.create_user(username="alice", email="alice@example.org", password=ALICE_PASSWORD)
    other_learner = get_user_model().objects.create_user(username="bob", email="bob@example.org", password="pw-bob-123")
    # Signed up, not confirmed yet.
    pending = get_user_model().objects.create_user(
        username="dana@example.org", email="dana@example.org", password=STRONG, is_active=False
    )
    lever = make_lever(slug=SLUGS["lever"])
    other_lever = make_lever()
    component = make_component(lever, slug=SLUGS["component"])
    region = make_vocabulary(m.Region, slug=SLUGS["region"])
    actor_profile = make_vocabulary(m.ActorProfile, slug=SLUGS["profile"])
    objective = make_vocabulary(m.ActionObjective, slug=SLUGS["objective"])
    fiche = make_fiche(slug=SLUGS["fiche"], title="Les bénévoles", levers=[lever], sources=["Une source"])
    fiche.components.add(component)
    fiche.regions.add(region)
    fiche.actor_profiles.add(actor_profile)
    fiche.objectives.add(objective)
    fiche.tags.add(SLUGS["tag"])
    make_fiche(slug=SLUGS["draft"], status=m.Fiche.Status.DRAFT, published_at=None)
    for _ in range(3):
        make_fiche(levers=[lever])
    parcours = make_parcours(slug=SLUGS["parcours"])
    steps = [
        make_step(parcours, slug=slug, order=index, depth=depth)
        for index, (slug, depth) in enumerate(zip(STEP_SLUGS, ["decouverte", "decouverte", "approfondissement"], strict=True))
    ]
    steps[0].fiches.add(fiche)
    make_worksheet(slug=SLUGS["worksheet"], fiches=[fiche], steps=[steps[0]])
    m.GlossaryTerm.objects.create(slug=SLUGS["term"], term="terme fuzz", definition="Une définition.",
                                  provenance="confirmed")
    flat = make_parcours(slug=SLUGS["flat"])
    flat_step = make_step(flat)
    # Alice finished the « découverte » level, wrote notes, saved a fiche and has a profile and a diagnostic.
    services.enrolment_set_depth(user=learner, parcours=parcours, depth="decouverte")
    for step in steps[:2]:
        services.progress_set_status(user=learner, step=step, status=Status.DONE)
    services.progress_set_note(user=learner, step=steps[0], note="La note d’Alice")
    services.fiche_set_saved(user=learner, fiche=fiche, saved=True)
    Profile.objects.create(user=learner, display_name="Alice Martin", actor_profile=actor_profile, region=region)
    alice_org = make_organisation(user=learner, years=[2021, 2022, (2030, {"is_target": True, "subsidies_state": 5})])
    KeptUsagePath.objects.create(user=learner, key=KEPT_KEYS["learner"], query=urlencode(USAGE_ANSWERS),
                                 entries=usage_entries(fiche))
    visitor_org = make_organisation(user=None, years=[2023])
    bob_org = make_organisation(user=other_learner, years=[2023])
    method = make_parcours(slug="trajectoire-socio-economique")
    method_step = make_step(method, slug=METHOD_STEP)
    BoardQuestion.objects.create(step=method_step, order=1, text="Que décidons-nous\u202f?")
    spaces = {"alice": _space(learner, "alice", method_step), "bob": _space(other_learner, "bob", method_step)}
    make_letter_world()
    _alerts_world()
    return World(
        alice=learner, bob=other_learner, region=region, actor_profile=actor_profile, alice_org=alice_org,
        visitor_org=visitor_org, bob_org=bob_org, flat_step_slug=flat_step.slug,
        other_lever_slug=other_lever.slug, alice_uid=urlsafe_base64_encode(force_bytes(learner.pk)),
        alice_token=default_token_generator.make_token(learner), fiche=fiche, steps=steps, parcours=parcours,
        pending_uid=urlsafe_base64_encode(force_bytes(pending.pk)), pending_token=signup_token_generator.make_token(pending),
        spaces=spaces, invitation_token=invitation_token(spaces["alice"]["invitation"]),
        registration_token=_agenda(lever, fiche),
    )


EVENT_SLUGS = {"event": "rendez-vous-fuzz", "past": "rendez-vous-passe", "draft": "rendez-vous-brouillon"}


def _agenda(lever, fiche):
    """An event to come (one place, taken; one person waiting), a past one with its replay, a draft; returns the
    signed link of the registration that holds the place."""
    from rendezvous.registration_links import registration_token

    event = make_event(slug=EVENT_SLUGS["event"], capacity=1, levers=[lever], fiches=[fiche])
    holder = make_registration(event, email="alice@example.org")
    make_registration(event, status="attente")
    make_event(slug=EVENT_SLUGS["past"], starts_at=timezone.now() - timedelta(days=3), replay_url="https://example.org/r",
               resources="Des **ressources**.")
    make_event(slug=EVENT_SLUGS["draft"], status="brouillon")
    return registration_token(holder)


def _events(w, who):
    return [{"slug": slug} for slug in EVENT_SLUGS.values()]


def _registration_tokens(w, who):
    return [{"token": w.registration_token}] * 2 + [
        {"token": w.registration_token[:-2] + "xx"}, {"token": "pas-un-jeton"},
    ]


def _space(responsable, name, step):
    """A space of ``responsable`` with one year, a contributor, a pending invitation, a comment and a decision."""
    space = make_space(responsable=responsable, years=[2024], name=f"Espace de {name}")
    member = Membership.objects.get(user=make_member(get_user_model(), f"membre-{name}", space=space))
    invitation = Invitation.objects.create(organisation=space, email=f"invite-{name}@example.org", role="lecteur",
                                           invited_by=responsable, nonce="1" * 32,
                                           expires_at=timezone.now() + timedelta(days=14))
    Comment.objects.create(organisation=space, author=responsable, author_name=name, step=step, body="Un avis.")
    decision = Decision.objects.create(organisation=space, decided_on=date(2026, 12, 1), text="Une décision.",
                                       recorded_by=responsable, recorded_by_name=name)
    return {"space": space, "member": member, "invitation": invitation, "decision": decision,
            "snapshot": space.snapshots.get()}


WHO = ("visitor", "learner")


def usage_entries(fiche):
    return [{"key": "diagnostic", "minutes": 20, "medoc": "outils", "why": "Situer son modèle."},
            {"key": f"fiche:{fiche.pk}", "minutes": 4, "medoc": "methodes", "why": "Lire d’abord."},
            {"key": "page:glossaire"}, {"key": "fiche:999999"}, "pas un élément"]


def client_for(world, who):
    """A fresh browser: the visitor's session holds a diagnostic, progress and a saved fiche; the learner is alice."""
    client = Client()
    if who == "learner":
        client.force_login(world.alice)
        return client
    session = client.session
    session["hub_diagnostics"] = [world.visitor_org.pk]
    session["hub_parcours"] = {
        "steps": {str(world.steps[0].pk): {"status": "en_cours", "note": "La note du visiteur"}},
        "depths": {str(world.parcours.pk): "decouverte"},
        "saved": [world.fiche.pk],
    }
    session["hub_usage_paths"] = [{"key": KEPT_KEYS["visitor"], "query": urlencode(USAGE_ANSWERS),
                                   "entries": usage_entries(world.fiche), "done": ["diagnostic"],
                                   "kept_at": "2026-12-01T10:00:00+00:00"}]
    session.save()
    return client


@contextmanager
def rolled_back():
    """Whatever the request writes is undone: each example starts from the same world."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


# Strategies -----------------------------------------------------------------------------------------------------

PARAMS = [
    "q", "page", "tri", "niveau", "famille", "levier", "composante", "profil", "region", "domaine", "porte", "tag",
    "objectif", "acteur", "outil", "impact", "partie", "economie", "next", "cible", "format", "maturite", "temps",
    "element", "type", "levier",
]
HOSTILE = [
    "", " ", "\x00", "a\x00b", "\x00" * 3, "\u202e\u200fevil", "\u200b", "\ufeff", "😀", "👩‍👩‍👧", "𝕏", "é", "e\u0301",
    "\r\n", "\t", "%00", "%", "%ff%fe", "..", "../../etc/passwd", "-1", "0", "1", "2", "007", "1e9", "9" * 40,
    "-" + "9" * 30, "NaN", "inf", "-0", "1.5", "1,5", "１", "٣", "true", "null", "[]", "{}", "'", '"', "\\",
    "<script>alert(1)</script>", "javascript:alert(1)", "//evil.example", "http://evil.example/", "\\\\evil.example",
    "/\\evil.example", "OR", "-", '"a', "a OR", "OR OR", "-\"", "*", "pertinence", "recent", "titre", "decouverte",
    "approfondissement", "fondamentaux", "action", "acteur", "md", "txt", "retirer", "terminee", "non_concernee",
    *SLUGS.values(), *STEP_SLUGS, "regions", "outils", *USAGE_ANSWERS.values(), "je-pilote", "plusieurs-semaines",
    "diagnostic", "fiche:1", "parcours:1:decouverte", "page:glossaire", *KEPT_KEYS.values(),
]
LONG = st.builds(operator.mul, st.sampled_from(["a", "é", "\x00", "<", "-", " ", "😀", "1", "%", "OR "]),
                 st.integers(5000, 6000))
VALUE = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=40),
    st.integers(-(2**70), 2**70).map(str),
    st.floats().map(str),
    LONG,
)
VALUES = st.one_of(VALUE, st.lists(VALUE, min_size=2, max_size=5), st.lists(st.sampled_from(HOSTILE), min_size=25, max_size=40))
QUERY = st.dictionaries(st.one_of(st.sampled_from(PARAMS), st.text(max_size=12)), VALUES, max_size=6)
# A query string as a browser or a script may send it, malformed escapes and invalid UTF-8 included.
RAW_QUERY = st.lists(
    st.one_of(
        st.sampled_from(["%", "%0", "%00", "%ff", "%c3%28", "%e2%82", "&", "&&", "=", "==", "+", ";", "%26", "%3d",
                         *(f"{p}=" for p in PARAMS)]),
        st.text(st.characters(max_codepoint=255), max_size=6),
    ),
    max_size=24,
).map("".join)
FORM_VALUES = st.one_of(VALUE, st.lists(VALUE, min_size=2, max_size=4))
# Fields whose values hypothesis would seldom hit by chance: where to go next, numbers, choices.
NEXT = st.one_of(
    st.sampled_from(["/", "/mon-espace/", "mon-espace", "x", "hub:home", "//evil.example", "https://evil.example",
                     "/\\evil.example", "javascript:alert(1)", "?a=1", "#x", "../..", ".", "/\x00"]),
    st.text(st.sampled_from("abc-_:/.?#%\\"), max_size=12),
)
NUMBER = st.one_of(st.integers(-(10**15), 10**15).map(str), st.decimals(allow_nan=True).map(str),
                   st.from_regex(r"\A-?[0-9 .,\u00a0\u202f']{1,25}\Z"))
FIELD_VALUES = {
    "next": NEXT, "year": NUMBER, **{name: NUMBER for name in FIGURES},
    "statut": st.sampled_from([*Status.values, "DONE", ""]),
    "niveau": st.sampled_from(["decouverte", "approfondissement", "fondamentaux", "", "x"]),
    "action": st.sampled_from(["retirer", "sauvegarder", "", "RETIRER", "arreter", "frequence"]),
    "frequency": st.sampled_from(["daily", "weekly", "", "DAILY", "monthly"]),
    "suivre": st.one_of(
        st.sampled_from(["/fiches/", "/recherche/?q=b%C3%A9n%C3%A9voles", "/fiches/?famille=inconnue", "//evil.example",
                         "https://evil.example/fiches/", "/parcours/", "/recherche/?q=", "/fiches/?q=%00", "\x00"]),
        st.text(st.sampled_from("/fiches?recherq=&%-_:.\\"), max_size=30),
    ),
    "role": st.sampled_from(["responsable", "contributeur", "lecteur", "proprietaire", "", "RESPONSABLE"]),
    "formulaire": st.sampled_from(["reponses", "decision", "", "x"]),
    "decided_on": st.one_of(st.sampled_from(["01/12/2026", "2026-12-01", "31/02/2026", "01/01/0001", "99/99/9999"]),
                            st.dates().map(str)),
    "etape": st.sampled_from([METHOD_STEP, *STEP_SLUGS, "", "-"]),
}


def hostile_path_value(converter):
    if isinstance(converter, IntConverter):
        return st.one_of(
            st.integers(0, 2**70),
            st.sampled_from([0, 2**31 - 1, 2**31, 2**63 - 1, 2**63, 2**64, int("9" * 60)]),
        )
    if isinstance(converter, SlugConverter):
        return st.one_of(
            st.from_regex(r"\A[-a-zA-Z0-9_]{1,40}\Z"),
            st.sampled_from(["-", "_", "0", "a" * 5000, "-" * 300, "commencer", "attestation", "statut", "notes"]),
        )
    if isinstance(converter, StringConverter):
        return st.one_of(
            st.text(min_size=1, max_size=60).filter(lambda s: "/" not in s),
            st.sampled_from(["\x00", "é", "😀", "..", "%00", "<script>", "a" * 5000, "md.", "MD", "txt\x00"]),
        )
    return st.nothing()


def draw_paths(data, world, route):
    """{who: path}: the same choice (own object, someone else's, a hostile value) for both clients."""
    choices = {who: PATH_ARGUMENTS[route.key](world, who) for who in WHO}
    index = data.draw(st.integers(0, len(choices["visitor"]) - 1), label="which valid path arguments")
    hostile = {}
    for name, converter in route.converters.items():
        if data.draw(st.sampled_from([False, False, True]), label=f"hostile {name}?"):
            hostile[name] = data.draw(hostile_path_value(converter), label=name)
    paths = {}
    for who in WHO:
        kwargs = {**choices[who][index], **hostile}
        paths[who] = reverse(route.name, kwargs=kwargs) if route.name else "/" + route.route
    return paths


def draw_form(data, world, key):
    """The valid submission, each of its fields kept, dropped or replaced, plus fields nobody expects."""
    fields = dict(FORMS[key](world))
    for name in sorted(fields):
        action = data.draw(st.sampled_from(["keep", "keep", "drop", "replace"]), label=f"{name}: keep, drop or replace")
        if action == "drop":
            del fields[name]
        elif action == "replace":
            targeted = FIELD_VALUES.get(name)
            fields[name] = data.draw(st.one_of(targeted, FORM_VALUES) if targeted is not None else FORM_VALUES, label=name)
    extra_names = st.one_of(st.sampled_from(FORM_FIELDS), st.text(max_size=12))
    fields.update(data.draw(st.dictionaries(extra_names, FORM_VALUES, max_size=3), label="extra fields"))
    return fields


def post(client, path, fields, encoding, query):
    target = f"{path}?{urlencode(query, doseq=True)}" if query else path
    if encoding == "multipart":
        return client.post(target, fields)
    if encoding == "urlencoded":
        return client.post(target, urlencode(fields, doseq=True), content_type="application/x-www-form-urlencoded")
    # A body that does not match its content type: a broken multipart, JSON, binary noise.
    return client.post(target, encoding.encode("utf-8", "surrogatepass"), content_type="multipart/form-data")


def routes():
    return [route for route in walk() if not _skip_reason(route)]


def route_by_key(key):
    return ROUTES[key]


# Walked once: every example looks its pattern up.
ROUTES = {route.key: route for route in routes()}
ROUTE_KEYS = list(ROUTES)
FORM_KEYS = [key for key in ROUTE_KEYS if key in FORMS]
GET_ONLY_KEYS = [key for key in ROUTE_KEYS if key in GET_ONLY]


# The classification is complete ---------------------------------------------------------------------------------


def test_every_url_pattern_is_fuzzed_or_skipped():
    unclassified = [route.key for route in walk() if not _skip_reason(route) and route.key not in PATH_ARGUMENTS]
    assert unclassified == [], "URL patterns without fuzzing: add them to PATH_ARGUMENTS (or to _skip_reason)"
    stale = sorted(set(PATH_ARGUMENTS) - {route.key for route in walk()})
    assert stale == [], "PATH_ARGUMENTS lists URL patterns that no longer exist"


def test_every_fuzzed_pattern_is_a_form_or_says_why_not():
    unclassified = [key for key in ROUTE_KEYS if key not in FORMS and key not in GET_ONLY]
    assert unclassified == [], "add the pattern to FORMS (its fields) or to GET_ONLY (why it has no form)"
    assert not set(FORMS) & set(GET_ONLY)
    assert sorted(set(FORMS) | set(GET_ONLY)) == sorted(PATH_ARGUMENTS)


def test_the_walk_finds_the_site_and_the_admin_login():
    keys = {route.key for route in walk()}
    assert {"admin:login", "hub:home", "parcours:step", "diagnostic:snapshot_delete", "robots.txt"} <= keys
    assert "admin:login" in ROUTE_KEYS and "admin:index" not in ROUTE_KEYS
    assert len(ROUTE_KEYS) >= 47


# GET ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ROUTE_KEYS)
@settings(max_examples=GET_EXAMPLES, **FUZZ_SETTINGS)
@given(data=st.data())
def test_get_with_hostile_parameters_never_gives_a_server_error(key, world, data):
    paths = draw_paths(data, world, route_by_key(key))
    raw = data.draw(st.booleans(), label="raw query string?")
    query = data.draw(RAW_QUERY if raw else QUERY, label="query")
    headers = {"HTTP_X_HUB_PARTIAL": "1"} if data.draw(st.booleans(), label="partial?") else {}
    for who, path in paths.items():
        with rolled_back():
            client = client_for(world, who)
            if raw:
                response = client.get(path, QUERY_STRING=query, **headers)
            else:
                response = client.get(path, query, **headers)
            assert response.status_code < 500, (who, path, query)


# POST -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", FORM_KEYS)
@settings(max_examples=POST_EXAMPLES, **FUZZ_SETTINGS)
@given(data=st.data())
def test_forms_with_hostile_fields_never_give_a_server_error(key, world, data):
    paths = draw_paths(data, world, route_by_key(key))
    fields = draw_form(data, world, key)
    encoding = data.draw(st.sampled_from(["multipart", "multipart", "urlencoded", "raw"]), label="encoding")
    if encoding == "raw":
        encoding = data.draw(st.text(max_size=30), label="raw body")
    query = data.draw(st.one_of(st.just({}), QUERY), label="query")
    for who, path in paths.items():
        with rolled_back():
            response = post(client_for(world, who), path, fields, encoding, query)
            assert response.status_code < 500, (who, path, fields)


@pytest.mark.parametrize("key", GET_ONLY_KEYS)
@settings(max_examples=GET_ONLY_POST_EXAMPLES, **FUZZ_SETTINGS)
@given(data=st.data())
def test_post_to_a_page_without_a_form_never_gives_a_server_error(key, world, data):
    paths = draw_paths(data, world, route_by_key(key))
    fields = data.draw(st.dictionaries(st.one_of(st.sampled_from(FORM_FIELDS), st.text(max_size=12)), FORM_VALUES, max_size=4))
    for who, path in paths.items():
        with rolled_back():
            response = post(client_for(world, who), path, fields, "multipart", {})
            assert response.status_code < 500, (who, path, fields)


# A few requests hypothesis might not draw, sent every time --------------------------------------------------------


EDGE_GETS = [
    "/fiches/?" + "&".join(["levier=x"] * 31),  # more values than a facet accepts
    "/fiches/?" + "&".join(f"k{i}=v" for i in range(1001)),  # more fields than Django accepts
    "/fiches/?page=999999",
    "/fiches/?page=" + "9" * 7,
    "/fiches/?q=%00&tri=pertinence&famille=%00",
    "/recherche/?q=" + "a%20" * 3000,
    "/recherche/?q=%22&q=-&q=OR",
    "/parcours/parcours-fuzz/?niveau=%00",
    "/mon-modele/1/annees/ajouter/?cible=%00",
    "/compte/connexion/?next=%00",
    "/compte/connexion/?next=javascript%3Aalert(1)",
    "/leviers/levier-fuzz/?page=-1",
    "/regions/region-fuzz/?page=%C2%B2",
    "/mon-espace/mes-notes.md%00",
    "/mon-modele/" + "9" * 40 + "/",
    "/par-ou-commencer/?profil=association&objectif=diversifier&maturite=j-ai-commence&temps=2-h&region=%00",
    "/par-ou-commencer/?profil=association&objectif=diversifier&maturite=j-ai-commence&temps=2-h&domaine=" + "9" * 40,
    "/par-ou-commencer/ouvrir/?element=%00",
    "/par-ou-commencer/ouvrir/?element=fiche%3A" + "9" * 40,
    "/mon-espace/parcours-d-usage/%00/",
    "/agenda/?type=%00&levier=%00",
    "/agenda/?levier=" + "9" * 40,
    "/agenda/passes/?page=999999",
    "/agenda/rendez-vous-fuzz.ics?type=%00",
    "/agenda/mon-inscription/%00/",
    "/agenda/mon-inscription/" + "a" * 5000 + "/annuler/",
    "/fiches/flux.atom?" + "&".join(["levier=x"] * 31),
    "/fiches/flux.atom?q=%00&tri=pertinence&famille=%00&page=x",
    "/recherche/flux.atom?q=" + "a%20" * 3000,
    "/recherche/flux.atom?q=%22&q=-&q=OR",
]


@pytest.mark.parametrize("who", WHO)
def test_known_edge_cases_never_give_a_server_error(world, who):
    client = client_for(world, who)
    for url in EDGE_GETS:
        assert client.get(url).status_code < 500, url


# (key, fields): NUL characters in every kind of field (PostgreSQL refuses them in a string), choice fields
# given numbers too large for a bigint, lists where one value is expected.
EDGE_POSTS = [
    ("accounts:account", {"display_name": "x", "region": "\x00", "actor_profile": "1\x00"}),
    ("accounts:account", {"region": str(2**70), "actor_profile": "-" + "9" * 30}),
    ("diagnostic:index", {"name": "La Ruche", "region": "\x00", "actor_profile": "\x00"}),
    ("diagnostic:index", {"name": "a\x00b"}),
    ("diagnostic:index", {"name": "La Ruche", "region": str(2**63), "actor_profile": "1e3"}),
    ("diagnostic:edit", {"name": "La Ruche", "region": "\x00"}),
    ("diagnostic:snapshot_add", {"year": "2024\x00", "subsidies_state": "1\x00"}),
    ("diagnostic:snapshot_add", {"year": "9" * 30, "subsidies_state": "9" * 39}),
    ("diagnostic:snapshot_add", {"year": ["2024", "2025"], "subsidies_state": ["1", "2"], "cible": ["1", "0"]}),
    ("accounts:signup", {"email": "a\x00@example.org", "password1": "\x00", "password2": "\x00", "display_name": "\x00"}),
    ("accounts:login", {"username": "alice@example.org\x00", "password": "\x00", "next": "\x00"}),
    ("accounts:password_reset", {"email": "alice@example.org\x00"}),
    ("accounts:password_change", {"old_password": "\x00", "new_password1": "\x00", "new_password2": "\x00"}),
    ("accounts:account_delete", {"password": "\x00"}),
    ("parcours:step_note", {"note": "\x00" * 10}),
    ("parcours:step_status", {"statut": "\x00"}),
    ("parcours:start", {"niveau": "\x00"}),
    ("parcours:fiche_save", {"action": "\x00", "next": "/\x00"}),
    # A local address without « / » nor « . »: redirect() takes it for a URL pattern name (see the report).
    ("parcours:fiche_save", {"action": "sauvegarder", "next": "mon-espace"}),
    ("accounts:signup", {"email": "nouvelle@example.org", "password1": STRONG, "password2": STRONG, "next": "x"}),
    ("admin:login", {"username": "\x00", "password": "\x00"}),
    ("hub:usage_keep", {**USAGE_ANSWERS, "region": "\x00", "domaine": str(2**70)}),
    ("hub:usage_keep", {"profil": ["association", "fondation"], "objectif": "\x00", "maturite": "", "temps": "9" * 40}),
    ("hub:usage_kept_done", {"element": "\x00", "fait": "\x00"}),
    ("hub:usage_kept_done", {"element": ["diagnostic", "fiche:1"], "fait": ["1", "0"]}),
    ("rendezvous:event_detail", {"name": "\x00", "email": "a\x00@example.org", "organisation": "\x00", "consent": "\x00"}),
    ("rendezvous:event_detail", {"name": ["A", "B"], "email": ["a@example.org", "b@example.org"], "consent": ["on", ""]}),
    ("rendezvous:event_detail", {"name": "A", "email": "a@" + "b" * 300 + ".org", "consent": "on"}),
    ("rendezvous:letter_subscribe", {"email": "a\x00@example.org", "consent": "\x00"}),
    ("rendezvous:letter_subscribe", {"email": ["a@example.org", "b@example.org"], "consent": ["on", ""]}),
    ("rendezvous:letter_unsubscribe_one_click", {"List-Unsubscribe": "\x00"}),
    ("rendezvous:alert_stop_one_click", {"List-Unsubscribe": "\x00"}),
    ("rendezvous:alert_new", {"suivre": "/fiches/?q=%00", "email": "a\x00@example.org", "frequency": "\x00",
                              "consent": "\x00"}),
]


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("key, fields", EDGE_POSTS, ids=[f"{key}-{index}" for index, (key, _) in enumerate(EDGE_POSTS)])
def test_known_hostile_forms_never_give_a_server_error(world, who, key, fields):
    kwargs = PATH_ARGUMENTS[key](world, who)[0]
    response = client_for(world, who).post(reverse(route_by_key(key).name, kwargs=kwargs), fields)
    assert response.status_code < 500, (key, fields)


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("method", ["head", "options", "put", "patch", "delete", "trace"])
def test_other_http_methods_never_give_a_server_error(world, who, method):
    for route in routes():
        for kwargs in PATH_ARGUMENTS[route.key](world, who)[:1]:
            path = reverse(route.name, kwargs=kwargs) if route.name else "/" + route.route
            with rolled_back():
                client = client_for(world, who)
                response = client.generic(method.upper(), path, "name=x&note=y&next=z", "application/x-www-form-urlencoded")
                assert response.status_code < 500, (method, path)
