"""A demo shared space (``manage.py seed_space_demo``): a fictional association, its figures for three years and a
target, three members, the 8 steps of the method in various states, the board's answers to the first steps, three
decisions and a few comments. Everything in it is made up.

The amounts hold together as in tools/demo/diagnostics.py: a community-garden association of about five salaried
posts whose public subsidies shrink while its sales, training and private support grow.
"""

from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from accounts.models import Profile
from diagnostic.content_loader import diagnostic_load
from diagnostic.method import METHOD_SLUG
from diagnostic.models import (
    Answer, Comment, Decision, Membership, Organisation, Role, Snapshot, SpaceStep,
)
from diagnostic.spaces import person_name, space_event_record
from parcours.content_loader import parcours_load
from parcours.models import BoardQuestion, Parcours, Status
from resources.content_loader import content_load
from resources.models import ActorProfile, Region

NAME = "Les Jardins du Val Fleuri (espace de démonstration)"
EMAIL_DOMAIN = "exemple.org"
# (username, e-mail, displayed name, role) of the two other members; the given account is the responsable.
OTHERS = [
    ("demo-espace-camille-moreau", f"camille.moreau@{EMAIL_DOMAIN}", "Camille Moreau (trésorière)", Role.CONTRIBUTOR),
    ("demo-espace-yanis-benali", f"yanis.benali@{EMAIL_DOMAIN}", "Yanis Benali (administrateur)", Role.READER),
]

# Euros a year; the people and the questionnaire (11 levels in the order of computation.ACTIVATION_FIELDS:
# salaried, volunteers, service civique, interns, skills; subsidies, societal investment, activity revenue;
# alliances of positioning, production, means).
LEVELS = ["level_salaried", "level_volunteers", "level_service_civique", "level_interns",
          "level_skills_sponsorship", "level_subsidies", "level_societal_investment", "level_activity_revenue",
          "level_alliances_positioning", "level_alliances_production", "level_alliances_means"]
YEARS = {
    # 251 000 €: public 150 000 (59,8 %), private 24 200, activity 74 800, other 2 000.
    2023: {"subsidies_state": 62_000, "subsidies_local": 88_000, "gifts_foundations": 15_000, "gifts_companies": 5_000,
           "gifts_individuals": 4_200, "membership_fees": 6_800, "revenue_sales": 38_000, "revenue_training": 12_000,
           "revenue_public_procurement": 18_000, "other_income": 2_000,
           "salaried_fte": Decimal("4.5"), "volunteers_count": 55, "volunteer_hours": 4_200, "service_civique_months": 16,
           "intern_months": 6, "skills_days": 0, "partnerships_positioning": 3, "partnerships_production": 2,
           "partnerships_means": 2, "in_kind_premises": 9_600, "in_kind_equipment": 1_500, "in_kind_services": 0,
           "levels": [2, 3, 1, 1, 0, 3, 0, 1, 1, 1, 1]},
    # 273 300 €: public 142 000 (52,0 %).
    2024: {"subsidies_state": 58_000, "subsidies_local": 84_000, "gifts_foundations": 22_000, "gifts_companies": 8_000,
           "gifts_individuals": 5_100, "crowdfunding": 6_500, "membership_fees": 7_200, "revenue_sales": 45_000,
           "revenue_training": 16_000, "revenue_public_procurement": 20_000, "other_income": 1_500,
           "salaried_fte": Decimal("5.0"), "volunteers_count": 62, "volunteer_hours": 4_800, "service_civique_months": 24,
           "intern_months": 4, "skills_days": 6, "partnerships_positioning": 4, "partnerships_production": 3,
           "partnerships_means": 2, "in_kind_premises": 9_600, "in_kind_equipment": 800, "in_kind_services": 1_200,
           "levels": [2, 3, 2, 1, 1, 3, 0, 2, 2, 1, 1]},
    # 294 000 €: public 132 000 (44,9 %, −7 points: the « part publique en recul » rule fires).
    2025: {"subsidies_state": 52_000, "subsidies_local": 80_000, "gifts_foundations": 26_000, "gifts_companies": 12_000,
           "gifts_individuals": 6_300, "societal_investment": 10_000, "membership_fees": 7_500, "revenue_sales": 54_000,
           "revenue_training": 21_000, "revenue_public_procurement": 24_000, "other_income": 1_200,
           "salaried_fte": Decimal("5.5"), "volunteers_count": 70, "volunteer_hours": 5_400, "service_civique_months": 24,
           "intern_months": 8, "skills_days": 12, "partnerships_positioning": 5, "partnerships_production": 3,
           "partnerships_means": 4, "in_kind_premises": 9_600, "in_kind_equipment": 2_000, "in_kind_services": 1_800,
           "levels": [2, 3, 2, 1, 0, 3, 1, 2, 2, 2, 2]},
}
TARGET_YEAR = 2028
# 330 000 €: public 115 000 (34,8 %), activity 141 000.
TARGET = {"subsidies_state": 45_000, "subsidies_local": 70_000, "gifts_foundations": 30_000, "gifts_companies": 20_000,
          "gifts_individuals": 9_000, "societal_investment": 15_000, "membership_fees": 8_000, "revenue_sales": 75_000,
          "revenue_training": 30_000, "revenue_public_procurement": 28_000,
          "salaried_fte": Decimal("6.0"), "volunteers_count": 80, "volunteer_hours": 6_000, "service_civique_months": 24,
          "intern_months": 8, "skills_days": 20, "partnerships_positioning": 5, "partnerships_production": 4,
          "partnerships_means": 5, "in_kind_premises": 9_600, "in_kind_equipment": 2_000, "in_kind_services": 2_500,
          "levels": [2, 3, 2, 2, 2, 2, 2, 3, 3, 2, 2]}

# The state of each step, by order; steps not listed were never set (« À faire »).
STATUSES = {1: Status.DONE, 2: Status.DONE, 3: Status.IN_PROGRESS, 4: Status.NOT_CONCERNED, 5: Status.IN_PROGRESS}
# Questions created for a step that has none, and the answers the group agreed on (None: not answered yet). With
# questions of its own, a step's answers are given to them in their order.
BOARD = {
    1: [("Quelle formulation de notre mission, en une phrase, adoptons-nous comme référence pour toutes nos "
         "décisions à venir ?",
         "« Permettre aux familles du Val Fleuri, d’abord celles des quartiers nord, de mieux se nourrir en "
         "cultivant ensemble. » Chaque projet nouveau sera relu à la lumière de cette phrase."),
        ("À quel horizon, trois ou cinq ans, fixons-nous notre ambition, et quels changements concrets pour nos "
         "publics devront alors être constatés ?",
         "Cinq ans, jusqu’en 2031 : trois jardins au lieu d’un, un chantier d’insertion maraîcher reconnu et "
         "une école du jardin qui forme d’autres associations du département."),
        ("Qui, parmi les élus, la direction et les bénévoles, porte cette démarche, et à quelle date notre conseil "
         "d’administration validera-t-il le texte de l’ambition ?",
         "La présidente et la coordinatrice, avec deux bénévoles du bureau ; le conseil d’administration "
         "valide le texte le 10 février 2026.")],
    2: [("Quelles sont les trois dépendances (un financeur, une personne, un lieu ou un partenaire) que nous "
         "jugeons les plus risquées pour notre projet ?",
         "La subvention de la communauté d’agglomération, le terrain prêté par la commune sans convention écrite, "
         "et la coordinatrice du chantier, seule à connaître le maraîchage."),
        ("Quelle part de nos ressources financières acceptons-nous, au plus, de voir dépendre d’une seule "
         "source ?",
         "Un tiers au plus. Nous restons en dessous aujourd’hui et nous nous y tiendrons, même si l’agglomération "
         "propose davantage."),
        ("Valorisons-nous désormais le bénévolat et les mises à disposition dans nos comptes et notre rapport "
         "d’activité, et qui s’en charge ?",
         "Oui, dès l’exercice 2026 : la trésorière valorise les heures de bénévolat et le terrain prêté dans "
         "l’annexe des comptes (comptes 86 et 87).")],
    3: [("Avec quels deux ou trois acteurs de notre territoire décidons-nous d’étudier un rapprochement cette "
         "année ?",
         "L’épicerie solidaire du centre social et le réseau départemental des jardins partagés ; la "
         "restauration scolaire de la ville ensuite, si le premier rapprochement aboutit."),
        ("Choisissons-nous d’agir comme opérateur de proximité, comme catalyseur qui entraîne d’autres acteurs, ou "
         "de combiner les deux rôles ?", None),
        ("Qui représentera notre organisation auprès des acteurs repérés, et avec quel mandat de notre "
         "conseil ?", None)],
}
DECISIONS = [
    (date(2026, 2, 10), 1, "Le conseil adopte la nouvelle formulation du projet associatif et la propose au vote de "
                           "l’assemblée générale du 13 juin."),
    (date(2026, 5, 19), 2, "Valoriser chaque année le bénévolat et le terrain prêté par la commune dans l’annexe des "
                           "comptes (comptes 86 et 87), dès l’exercice 2026."),
    (date(2026, 10, 13), None, "Mandat est donné à la trésorière pour chiffrer deux scénarios d’école du jardin "
                               "(formation payante des associations) avant le conseil de janvier."),
]
COMMENTS = [  # (author: 0 the responsable, 1 and 2 the others; step order or year; Markdown)
    (1, ("step", 2), "J’ai repris les montants 2023 et 2024 avec le rapport du commissaire aux comptes\u00a0: "
                     "**ils sont justes**. Il manque encore le matériel prêté par la coopérative en 2024."),
    (2, ("year", 2025), "La baisse de la subvention de l’État est-elle définitive\u00a0? À vérifier avant de la "
                        "reprendre dans la cible."),
    (0, ("step", 3), "Rendez-vous pris avec l’épicerie solidaire le 2 décembre\u00a0; je ferai un compte rendu ici."),
]


def _other_member(username, email, name):
    """A demo account that cannot log in (no usable password), with a displayed name."""
    user, created = get_user_model().objects.get_or_create(username=username, defaults={"email": email})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    Profile.objects.update_or_create(user=user, defaults={"display_name": name})
    return user


def _snapshot(organisation, year, figures, *, is_target=False):
    values = dict(figures)
    levels = values.pop("levels")
    return Snapshot.objects.create(organisation=organisation, year=year, is_target=is_target,
                                   **values, **dict(zip(LEVELS, levels, strict=True)))


def _board_questions(step):
    """The step's questions, created from BOARD when it has none (the shipped ones come with the content)."""
    questions = list(BoardQuestion.objects.filter(step=step).order_by("order", "pk"))
    if questions or step.order not in BOARD:
        return questions
    return [BoardQuestion.objects.create(step=step, order=order, text=text)
            for order, (text, _) in enumerate(BOARD[step.order], start=1)]


def _work(organisation, people, steps):
    """The group's work on the method: states, answers, decisions, comments. Returns the counts."""
    counts = {"réponses": 0, "décisions": 0, "commentaires": 0}
    for step in steps:
        if step.order in STATUSES:
            SpaceStep.objects.create(organisation=organisation, step=step, status=STATUSES[step.order],
                                     updated_by=people[0])
        written = [answer for _, answer in BOARD.get(step.order, [])]
        for question, text in zip(_board_questions(step), written, strict=False):
            if text:
                author = people[0] if step.order == 1 else people[1]
                Answer.objects.create(organisation=organisation, question=question, step=step,
                                      question_text=question.text, text=text, updated_by=author,
                                      updated_by_name=person_name(author))
                counts["réponses"] += 1
    by_order = {step.order: step for step in steps}
    for decided_on, order, text in DECISIONS:
        Decision.objects.create(organisation=organisation, step=by_order.get(order), decided_on=decided_on,
                                text=text, recorded_by=people[0], recorded_by_name=person_name(people[0]))
        counts["décisions"] += 1
    years = {s.year: s for s in organisation.snapshots.filter(is_target=False)}
    for author, (kind, key), body in COMMENTS:
        target = {"step": by_order.get(key)} if kind == "step" else {"snapshot": years.get(key)}
        if all(target.values()):
            Comment.objects.create(organisation=organisation, author=people[author],
                                   author_name=person_name(people[author]), body=body, **target)
            counts["commentaires"] += 1
    return counts


@transaction.atomic
def demo_space(*, user):
    """Replace ``user``'s demo space (the one named NAME where they are a member) by a fresh one, ``user`` its
    responsable (never one of the two demo members: the command refuses them). Loads the shipped content first
    if it is missing (the method's steps, the rules, the fiches)."""
    if not Parcours.objects.filter(slug=METHOD_SLUG).exists():
        content_load()  # the rules point to shipped fiches and steps: the dossier recommends as in production
        parcours_load()
        diagnostic_load()
    Organisation.objects.filter(name=NAME, is_space=True, memberships__user=user).delete()
    people = [user] + [_other_member(*spec[:3]) for spec in OTHERS]
    organisation = Organisation.objects.create(
        name=NAME, is_space=True,
        actor_profile=ActorProfile.objects.filter(label="Associations").first(),
        region=Region.objects.filter(label="Bretagne").first() or Region.objects.order_by("pk").first(),
    )
    for person, role in zip(people, [Role.RESPONSABLE] + [spec[3] for spec in OTHERS], strict=True):
        Membership.objects.create(organisation=organisation, user=person, role=role)
    space_event_record(organisation=organisation, actor=user, summary="a créé l’espace")
    for year, figures in YEARS.items():
        _snapshot(organisation, year, figures)
    _snapshot(organisation, TARGET_YEAR, TARGET, is_target=True)
    parcours = Parcours.objects.filter(slug=METHOD_SLUG).first()
    steps = list(parcours.steps.order_by("order")) if parcours else []
    counts = _work(organisation, people, steps)
    return {"espace": organisation, "membres": len(people), "années": len(YEARS), "étapes": len(steps), **counts}
