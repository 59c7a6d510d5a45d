"""Plain builders of test objects: defaults plus overrides, no factory library."""

from itertools import count

from django.utils import timezone

from resources import models as m

_seq = count(1)


def make_lever(**overrides):
    n = next(_seq)
    fields = {"slug": f"levier-{n}", "label": f"Levier {n}", "question": "Quelle question ?", "theme": "rh"}
    fields.update(overrides)
    return m.Lever.objects.create(**fields)


def make_component(lever=None, **overrides):
    n = next(_seq)
    fields = {"slug": f"composante-{n}", "label": f"Composante {n}", "lever": lever or make_lever()}
    fields.update(overrides)
    return m.Component.objects.create(**fields)


def make_vocabulary(model, **overrides):
    n = next(_seq)
    fields = {"slug": f"valeur-{n}", "label": f"Valeur {n}"}
    if model is m.Tool:
        fields["kind"] = m.Tool.Kind.GUIDE
    fields.update(overrides)
    return model.objects.create(**fields)


def make_reference(**overrides):
    n = next(_seq)
    fields = {
        "slug": f"reference-{n}",
        "title": f"Publication numéro {n}",
        "publisher": "Le RAMEAU",
        "date": "2019",
        "url": f"https://example.org/publication-{n}",
        "kind": m.Reference.Kind.DOCUMENT,
    }
    fields.update(overrides)
    return m.Reference.objects.create(**fields)


def make_fiche(*, levers=(), sources=(), **overrides):
    """``sources``: titles of references the fiche cites (created unless one has that title)."""
    n = next(_seq)
    fields = {
        "title": f"Fiche numéro {n}",
        "slug": f"fiche-{n}",
        "family": m.Fiche.Family.ACTION,
        "chapeau": "Un chapeau qui résume la fiche.",
        "body": "## Une partie\n\nDu texte **utile**.",
        "status": m.Fiche.Status.PUBLISHED,
        "published_at": timezone.now(),
    }
    fields.update(overrides)
    fiche = m.Fiche.objects.create(**fields)
    if levers:
        fiche.levers.set(levers)
    for order, title in enumerate(sources):
        reference = m.Reference.objects.filter(title=title).first() or make_reference(title=title)
        fiche.sources.create(reference=reference, order=order)
    return fiche


def make_parcours(*, steps=0, depths=(), **overrides):
    """A parcours with ``steps`` steps; ``depths`` gives each step's depth in order (cycled if shorter)."""
    from parcours.models import Parcours

    n = next(_seq)
    fields = {
        "title": f"Parcours {n}",
        "slug": f"parcours-{n}",
        "kind": Parcours.Kind.PEDAGOGICAL,
        "summary": "Un parcours pour apprendre.",
        "order": n,
    }
    fields.update(overrides)
    parcours = Parcours.objects.create(**fields)
    for index in range(steps):
        depth = depths[index % len(depths)] if depths else ""
        make_step(parcours, order=index + 1, depth=depth)
    return parcours


def make_step(parcours, **overrides):
    from parcours.models import Step

    n = next(_seq)
    fields = {
        "parcours": parcours,
        "title": f"Étape numéro {n}",
        "slug": f"etape-{n}",
        "order": n,
        "objective": "Savoir faire quelque chose.",
        "body": "## Une partie\n\nDu contenu **utile** sur les bénévoles.",
        "minutes": 30,
        "questions": "Première question ?\nSeconde question ?",
    }
    fields.update(overrides)
    return Step.objects.create(**fields)


def make_organisation(*, user=None, years=(), **overrides):
    """An organisation with one snapshot per ``years`` entry: a year (int) or a (year, figures) pair."""
    from diagnostic.models import Organisation, Snapshot

    n = next(_seq)
    fields = {"name": f"Association numéro {n}", "user": user}
    fields.update(overrides)
    organisation = Organisation.objects.create(**fields)
    for entry in years:
        year, figures = entry if isinstance(entry, tuple) else (entry, {"subsidies_state": 10000})
        Snapshot.objects.create(organisation=organisation, year=year, **figures)
    return organisation


def make_space(*, responsable, members=(), years=(), **overrides):
    """A shared space whose first responsable is ``responsable``; ``members``: (user, role) pairs, the role a
    diagnostic.models.Role value (« responsable », « contributeur », « lecteur »)."""
    from diagnostic.models import Membership, Role

    organisation = make_organisation(user=None, years=years, is_space=True, **overrides)
    Membership.objects.create(organisation=organisation, user=responsable, role=Role.RESPONSABLE)
    for user, role in members:
        Membership.objects.create(organisation=organisation, user=user, role=role)
    return organisation


def make_member(django_user_model, name, *, space=None, role="contributeur"):
    """An account named ``name`` (address ``name@example.org``, password ``pw-<name>-123``), member of ``space``
    with ``role`` when given."""
    from diagnostic.models import Membership

    user = django_user_model.objects.create_user(username=name, email=f"{name}@example.org", password=f"pw-{name}-123")
    if space is not None:
        Membership.objects.create(organisation=space, user=user, role=role)
    return user


def logged_client(user):
    """A browser logged in as ``user``."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def jardins_space(user):
    """The space « Les Jardins partagés », whose responsable is ``user``, shown as « Alice Martin »."""
    from accounts.models import Profile

    Profile.objects.create(user=user, display_name="Alice Martin")
    return make_space(responsable=user, name="Les Jardins partagés")


def give_to_browser(client, *organisations):
    """Make ``organisations`` belong to the browser ``client`` as if it had created them without an account (its
    session is created if it has none)."""
    from diagnostic.models import Organisation, Visitor
    from diagnostic.ownership import visitor_key

    visitor, _ = Visitor.objects.get_or_create(key=visitor_key(client.session))
    Organisation.objects.filter(pk__in=[o.pk for o in organisations]).update(user=None, visitor=visitor)
    return visitor


def make_rule(*, fiches=(), steps=(), **overrides):
    """A recommendation rule of the diagnostic; by default « public share above 50 % »."""
    from decimal import Decimal

    from diagnostic.models import RecommendationRule

    n = next(_seq)
    fields = {
        "slug": f"regle-{n}",
        "title": f"Règle numéro {n}",
        "indicator": "public_share",
        "comparison": "gt",
        "threshold": Decimal(50),
        "reason": "Vos ressources publiques pèsent {valeur} en {annee}.",
        "order": n,
    }
    fields.update(overrides)
    rule = RecommendationRule.objects.create(**fields)
    rule.fiches.set(fiches)
    rule.steps.set(steps)
    return rule


def make_fiches_in_bulk(count, *, title, values, tags):
    """``count`` published fiches written in bulk as the demo generator (tools/demo/fiches.py) writes its own: one
    INSERT per table instead of some twenty queries a fiche. ``title`` and ``tags`` are functions of the index
    (a title, tag names); ``values`` gives {many-to-many field: value} to every fiche. The tags must exist."""
    from django.contrib.contenttypes.models import ContentType
    from taggit.models import Tag, TaggedItem

    from core.content_cache import bump_content_version

    n = next(_seq)
    fiches = []
    for index in range(count):
        fiche = m.Fiche(
            title=title(index), slug=f"fiche-{n}-{index}", family=m.Fiche.Family.ACTION,
            chapeau="Un chapeau qui résume la fiche.", body="## Une partie\n\nDu texte **utile**.",
            status=m.Fiche.Status.PUBLISHED, published_at=timezone.now(),
            tags_text=", ".join(sorted(tags(index))),  # what resources.fiche_tags would copy there
        )
        fiche.derive_fields()  # what save() does, and bulk_create does not
        fiches.append(fiche)
    m.Fiche.objects.bulk_create(fiches)
    ids = list(m.Fiche.objects.filter(slug__startswith=f"fiche-{n}-").order_by("pk").values_list("pk", flat=True))
    for field, value in values.items():
        relation = m.Fiche._meta.get_field(field)
        through = relation.remote_field.through
        through.objects.bulk_create(
            through(**{f"{relation.m2m_field_name()}_id": pk, f"{relation.m2m_reverse_field_name()}_id": value.pk})
            for pk in ids
        )
    by_name = {tag.name: tag for tag in Tag.objects.all()}
    content_type = ContentType.objects.get_for_model(m.Fiche)
    TaggedItem.objects.bulk_create(
        TaggedItem(content_type=content_type, object_id=pk, tag=by_name[name])
        for index, pk in enumerate(ids) for name in tags(index)
    )
    bump_content_version()  # the tags and many-to-many rows are bulk-created, without signals
    return ids


def make_worksheet(*, fiches=(), steps=(), **overrides):
    """A printable worksheet with a heading, a list and a table to fill in (two empty rows)."""
    n = next(_seq)
    fields = {
        "title": f"Feuille numéro {n}",
        "slug": f"feuille-{n}",
        "summary": "Une feuille pour faire le point.",
        "body": (
            "## Avant de commencer\n\nRéunir **l’équipe**.\n\n- Les comptes\n- Le budget\n\n"
            "## Le tableau\n\n| Levier | Ce qui est solide | Ce qui est fragile |\n| --- | --- | --- |\n"
            "| Richesses humaines | | |\n| | | |\n| | | |\n"
        ),
        "minutes": 45,
        "order": n,
    }
    fields.update(overrides)
    sheet = m.Worksheet.objects.create(**fields)
    sheet.fiches.set(fiches)
    sheet.steps.set(steps)
    return sheet


def make_usage_rule(*, items=(), regions=(), domains=(), **overrides):
    """A rule of « Par où commencer ? »; ``items``: dicts of UsageRuleItem fields (kind and target at least), in
    order. A fiche given as ``fiche=`` sets the kind; so do the other targets."""
    from parcours.models import UsageRule, UsageRuleItem

    n = next(_seq)
    fields = {"title": f"Règle {n}", "slug": f"regle-{n}"}
    fields.update(overrides)
    rule = UsageRule.objects.create(**fields)
    rule.regions.set(regions)
    rule.domains.set(domains)
    kinds = {field: kind for kind, field in UsageRuleItem.TARGET_FIELDS.items()}
    for order, item in enumerate(items, start=1):
        values = {"order": order * 10, "why": f"Parce que l’élément {order} vous sert.", **item}
        if "kind" not in values:
            values["kind"] = next(kinds[field] for field in kinds if field in values)
        UsageRuleItem.objects.create(rule=rule, **values)
    return rule


def make_event(*, levers=(), fiches=(), **overrides):
    """A published online event of the agenda, 30 days after the rendez-vous' clock (rendezvous.event_dates.now)."""
    from datetime import timedelta

    from rendezvous import event_dates
    from rendezvous.models import Event

    n = next(_seq)
    fields = {
        "title": f"Rendez-vous numéro {n}", "slug": f"rendez-vous-{n}", "kind": "webinaire", "status": "publie",
        "starts_at": event_dates.now() + timedelta(days=30), "duration": 90, "format": "en_ligne",
        "online_url": f"https://visio.example.org/salle-{n}", "description": "Un **programme** en trois temps.",
    }
    fields.update(overrides)
    event = Event.objects.create(**fields)
    event.levers.set(levers)
    event.fiches.set(fiches)
    return event


def make_registration(event, **overrides):
    """A registration written directly (no lock, no e-mail): confirmed unless ``status`` says otherwise."""
    from rendezvous.models import Registration

    n = next(_seq)
    fields = {"name": f"Personne {n}", "email": f"personne-{n}@example.org", "consent": True, "status": "confirmee"}
    fields.update(overrides)
    return Registration.objects.create(event=event, **fields)


def make_alert(*, email="personne@example.org", query="/fiches/", confirmed=True, **overrides):
    """A SearchAlert; confirmed (its mark the confirmation) unless ``confirmed=False``."""
    import secrets

    from rendezvous.models import SearchAlert

    now = timezone.now()
    fields = {"email": email, "query": query, "frequency": "weekly", "nonce": secrets.token_hex(16),
              "created_at": now, "confirmed_at": now if confirmed else None, "checked_until": now if confirmed else None}
    fields.update(overrides)
    return SearchAlert.objects.create(**fields)
