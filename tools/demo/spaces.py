"""Deterministic demo shared spaces (``manage.py seed_demo``): organisations worked on together by two to six demo
people, with their years of figures, the method's steps in various states, the board's answers, decisions, comments
and history. The first space's responsable is the benchmark's person (``bench_owner``).

Written with ``bulk_create``, as the other demo data: a hundred spaces and their thousands of rows take a second.
"""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from diagnostic.method import METHOD_SLUG
from diagnostic.models import (
    Answer, Comment, Decision, Membership, Organisation, Role, Snapshot, SpaceEvent, SpaceStep,
)
from diagnostic.spaces import person_name
from parcours.models import BoardQuestion, Parcours, Status
from resources.markdown import render_markdown
from resources.models import ActorProfile, Region
from tools.demo.diagnostics import CITIES, KINDS, NAMES, demo_years
from tools.demo.people import USERNAME_PATTERN, between, stamped_by_hand

# « Espace démo 00007 · … »: the exact shape is the marker, so a real space survives a re-run.
NAME_PATTERN = r"^Espace démo [0-9]{5,} · "
# One space for ten diagnostics: sharing is the exception.
SHARE = 10
BATCH_SIZE = 5000
DECISIONS = [
    "Le conseil adopte la nouvelle formulation du projet associatif.",
    "Valoriser chaque année le bénévolat et les locaux prêtés dans l’annexe des comptes.",
    "Ne pas dépasser un tiers de nos ressources venant d’un même financeur.",
    "Mandat est donné à la trésorière pour chiffrer deux scénarios de formation payante.",
    "Ouvrir une discussion avec l’épicerie solidaire sur une alliance de moyens.",
    "Présenter la cible de ressources à l’assemblée générale de juin.",
]
COMMENTS = [
    "J’ai repris les montants avec le rapport du commissaire aux comptes\u00a0: **ils sont justes**.",
    "La baisse de la subvention est-elle définitive\u00a0? À vérifier avant de la reprendre dans la cible.",
    "Rendez-vous pris avec la fondation le mois prochain\u00a0; je ferai un compte rendu ici.",
    "Il manque encore le matériel prêté par la coopérative.\n- à chiffrer\n- à valoriser en compte 87",
    "D’accord avec cette lecture, mais parlons-en en bureau avant de trancher.",
    "Les heures de bénévolat sont sous-estimées d’au moins un tiers selon les feuilles de présence.",
]
ANSWERS = [
    "Oui, dès l’exercice prochain\u00a0: la trésorière s’en charge.",
    "Un tiers au plus, même si un financeur propose davantage.",
    "La présidente et la coordinatrice, avec deux bénévoles du bureau.",
    "Sur cinq ans, avec un point d’étape chaque année en conseil d’administration.",
]


def bench_owner():
    """The demo person with the most progress among those who own a diagnostic: the benchmark's person
    (tools.benchmark.bench_person), made a space's responsable here so that every personal page has content."""
    return (
        get_user_model().objects.filter(username__regex=USERNAME_PATTERN)
        .annotate(n=Count("organisations", distinct=True), steps=Count("step_progress", distinct=True))
        .filter(n__gt=0)
        .order_by("-steps", "pk")
        .first()
    )


def _members(rng, index, owners, people, first):
    """[(user, role)]: a responsable who owns a diagnostic (the bench person for the first space), sometimes a
    second one, contributors and readers."""
    responsable = first if index == 1 and first else rng.choice(owners)
    chosen = {responsable.pk: (responsable, Role.RESPONSABLE)}
    for _ in range(rng.randint(1, 5)):
        other = rng.choice(people)
        role = rng.choices([Role.RESPONSABLE, Role.CONTRIBUTOR, Role.READER], weights=[1, 4, 3])[0]
        chosen.setdefault(other.pk, (other, role))
    return list(chosen.values())


def _work(rng, space, members, steps, questions, years, now):
    """The group's rows on the method, unsaved: step states, answers, decisions, comments, history."""
    writers = [user for user, role in members if role != Role.READER]
    rows = [SpaceEvent(organisation=space, actor=writers[0], actor_name=person_name(writers[0]),
                       summary="a créé l’espace", created_at=space.created_at)]
    reached = rng.randint(0, len(steps))
    for position, step in enumerate(steps[:reached]):
        author = rng.choice(writers)
        status = Status.IN_PROGRESS if position == reached - 1 and rng.random() < 0.5 else Status.DONE
        moment = between(rng, space.created_at, now)
        rows.append(SpaceStep(organisation=space, step=step, status=status, updated_by=author, updated_at=moment))
        for question in questions.get(step.pk, [])[:3]:
            rows.append(Answer(organisation=space, question=question, step=step, question_text=question.text,
                               text=rng.choice(ANSWERS), updated_by=author, updated_by_name=person_name(author),
                               updated_at=moment))
    for _ in range(rng.randint(0, 5)):
        author = rng.choice(writers)
        moment = between(rng, space.created_at, now)
        step = rng.choice(steps[:reached]) if reached and rng.random() < 0.7 else None
        rows.append(Decision(organisation=space, step=step, decided_on=moment.date(), text=rng.choice(DECISIONS),
                             recorded_by=author, recorded_by_name=person_name(author), created_at=moment))
        rows.append(SpaceEvent(organisation=space, actor=author, actor_name=person_name(author),
                               summary="a noté une décision", created_at=moment))
    for _ in range(rng.randint(0, 8)):
        author = rng.choice([user for user, _ in members])
        body = rng.choice(COMMENTS)
        target = ({"step": rng.choice(steps[:reached])} if reached and (rng.random() < 0.6 or not years)
                  else {"snapshot": rng.choice(years)} if years else None)
        if target:
            rows.append(Comment(organisation=space, author=author, author_name=person_name(author), body=body,
                                body_html=render_markdown(body, line_breaks=True),
                                created_at=between(rng, space.created_at, now), **target))
    return rows


@transaction.atomic
def demo_spaces(count, *, seed=2019, now=None):
    """Replace the demo spaces by ``count`` new ones; the same seed (and demo people, and ``now``) gives the same
    spaces. Needs demo people who own a diagnostic (seed_demo creates them first); none, no space."""
    Organisation.objects.filter(name__regex=NAME_PATTERN).delete()
    User = get_user_model()
    people = list(User.objects.filter(username__regex=USERNAME_PATTERN).select_related("profile").order_by("pk"))
    owning = set(Organisation.objects.filter(user__in=people).values_list("user_id", flat=True)) if count else set()
    owners = [user for user in people if user.pk in owning]
    parcours = Parcours.objects.filter(slug=METHOD_SLUG).first()
    steps = list(parcours.steps.order_by("order")) if parcours else []
    if not count or not owners or not steps:
        return 0
    first = bench_owner()
    first = next((user for user in people if user.pk == first.pk), None) if first else None
    questions = {}
    for question in BoardQuestion.objects.filter(step__in=steps).order_by("order", "pk"):
        questions.setdefault(question.step_id, []).append(question)
    # Bandit: reproducible demo data, nothing secret depends on it.
    rng = random.Random(seed + 1)  # nosec B311
    now = now or timezone.now()
    actor_profiles = list(ActorProfile.objects.order_by("pk"))
    regions = list(Region.objects.order_by("pk"))
    spaces, plans = [], []
    for index in range(1, count + 1):
        created = now - timedelta(minutes=rng.randint(60, 365 * 24 * 60))
        space = Organisation(
            name=f"Espace démo {index:05d} · {rng.choice(KINDS)} {rng.choice(NAMES)} ({rng.choice(CITIES)})",
            is_space=True, created_at=created,
            actor_profile=rng.choice(actor_profiles) if actor_profiles else None,
            region=rng.choice(regions) if regions else None,
        )
        years, space.updated_at = demo_years(rng, created, now)
        spaces.append(space)
        plans.append((years, _members(rng, index, owners, people, first)))
    rows = {Membership: [], SpaceStep: [], Answer: [], Decision: [], Comment: [], SpaceEvent: []}
    with stamped_by_hand(Organisation, *rows):
        Organisation.objects.bulk_create(spaces, batch_size=BATCH_SIZE)
        ids = dict(Organisation.objects.filter(name__regex=NAME_PATTERN).values_list("name", "pk"))
        snapshots = []
        for space, (years, _) in zip(spaces, plans, strict=True):
            space.pk = ids[space.name]
            for snapshot in years:
                snapshot.organisation_id = space.pk
                snapshots.append(snapshot)
        Snapshot.objects.bulk_create(snapshots, batch_size=BATCH_SIZE)
        for space, (years, members) in zip(spaces, plans, strict=True):
            rows[Membership] += [Membership(organisation=space, user=user, role=role, joined_at=space.created_at)
                                 for user, role in members]
            actual = [snapshot for snapshot in years if not snapshot.is_target]
            for row in _work(rng, space, members, steps, questions, actual, now):
                rows[type(row)].append(row)
        for model, batch in rows.items():
            model.objects.bulk_create(batch, batch_size=BATCH_SIZE)
    return len(spaces)
