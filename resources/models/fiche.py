import html

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import slugify
from taggit.managers import TaggableManager

from core.content_cache import ContentQuerySet
from core.schedule import WITHIN, date_state, next_date_change, within_dates_q
from resources.fiche_links import fiche_links_error, render_body
from resources.glossary import glossary_links_error
from resources.markdown import BODY_HELP, unclosed_html_error
from resources.models.reference import CitedSource, Reference
from resources.review_dates import notice_limit, review_date_default
from resources.search_vector import FicheSearchVector
from core.addresses import remembered_reverse
from core.text import fold_words, sort_key
from resources.models.vocabulary import (
    ActionObjective,
    ActorKind,
    ActorProfile,
    Component,
    Domain,
    Economy,
    EntryDoor,
    Impact,
    Lever,
    ReferentielPart,
    Region,
    Tool,
)


CARD_FIELDS = ("pk", "family", "title", "slug", "chapeau", "status", "published_at", "unpublish_at")


def visible_q(now, prefix=""):
    """The fiches a visitor may read at ``now``: published, and within their dates (core.schedule: a publication
    date ahead schedules it, a withdrawal date ends it); ``prefix`` reaches fiches through a relation."""
    return Q(**{f"{prefix}status": Fiche.Status.PUBLISHED}) & within_dates_q(now, prefix)


def next_visibility_change(now):
    """The next moment after ``now`` a fiche appears or disappears (one query), or None."""
    return next_date_change(Fiche.objects.filter(status=Fiche.Status.PUBLISHED), now)


class FicheQuerySet(ContentQuerySet):
    def published(self):
        """Fiches every visitor may read now (``visible_q``)."""
        return self.visible_at(timezone.now())

    def visible_at(self, moment):
        """Fiches a visitor could read at ``moment`` (a job looking at a period: the alerts, the letter)."""
        return self.filter(visible_q(moment))

    def visible_to(self, user):
        """Published fiches, plus drafts for staff (who preview them at their public address)."""
        if user.is_authenticated and user.is_staff:
            return self.all()
        return self.published()

    def for_cards(self):
        """What a fiche card shows, and only that (the long texts stay in the database); levers in one
        extra query."""
        return self.card_fields().prefetch_related("levers")

    def card_fields(self):
        """The columns of a fiche card without its levers: give the fiches to ``with_card_levers`` once read."""
        return self.only(*CARD_FIELDS)

    def with_value(self, field, value_id):
        """Fiches linked to one vocabulary value, as a semi-join (IN): no duplicate rows, no DISTINCT."""
        relation = self.model._meta.get_field(field)
        links = relation.remote_field.through.objects.filter(**{relation.m2m_reverse_field_name(): value_id})
        return self.filter(pk__in=links.values(relation.m2m_field_name()))

    def to_reread(self, today):
        """Published fiches whose review date is past or within NOTICE_DAYS days of ``today``, most overdue
        first (resources.review_dates)."""
        return self.published().filter(review_by__lte=notice_limit(today)).order_by("review_by", "sort_title", "pk")

    def latest_preferring(self, preferred, limit):
        """The ``limit`` most recently published, those of each queryset of ``preferred`` first (in order).

        One short query per tier along the publication-date index, each stopping at ``limit`` rows, instead of
        one query that scores and sorts every matching fiche of the catalogue.
        """
        found = []
        for tier in [*preferred, self]:
            if len(found) >= limit:
                break
            rows = tier.only(*CARD_FIELDS).exclude(pk__in=[fiche.pk for fiche in found]).order_by("-published_at", "pk")
            found += list(rows[: limit - len(found)])
        models.prefetch_related_objects(found, "levers")  # one query for every tier's cards
        return found


class Fiche(models.Model):
    class Family(models.TextChoices):
        ACTION = "action", "Actions"
        ACTEUR = "acteur", "Acteurs"
        REPERE = "repere", "Repères"
        METHODE = "methode", "Méthodes"
        EXEMPLE = "exemple", "Exemples"
        DROIT = "droit", "Droit et comptabilité"

    class Status(models.TextChoices):
        DRAFT = "draft", "Brouillon"
        PUBLISHED = "published", "Publiée"

    family = models.CharField("famille", max_length=10, choices=Family.choices)
    title = models.CharField("titre", max_length=200)
    slug = models.SlugField("identifiant d’adresse", max_length=200, unique=True)
    chapeau = models.TextField("chapeau", help_text="Le résumé affiché sur les cartes et en tête de fiche.")
    body = models.TextField("corps (Markdown)", blank=True, help_text=BODY_HELP)
    body_html = models.TextField("corps (HTML)", editable=False, blank=True)
    # Derived copies for searching (see resources.search): plain body, tag names, folded text for SQLite.
    body_text = models.TextField("corps (texte)", editable=False, blank=True)
    tags_text = models.CharField("mots-clés (texte)", editable=False, blank=True, max_length=1000)
    search_title = models.CharField("titre pour la recherche", editable=False, blank=True, max_length=200)
    # Title reduced to letters and digits: « l’étude » sorts as « letude », after « la base » as in French.
    sort_title = models.CharField("titre pour le tri", editable=False, blank=True, max_length=200)
    search_text = models.TextField("texte pour la recherche", editable=False, blank=True)
    search_vector = models.GeneratedField(
        expression=FicheSearchVector(), output_field=SearchVectorField(), db_persist=True, editable=False
    )

    objectives = models.ManyToManyField(ActionObjective, blank=True, related_name="fiches", verbose_name="objectifs")
    levers = models.ManyToManyField(Lever, blank=True, related_name="fiches", verbose_name="leviers")
    components = models.ManyToManyField(Component, blank=True, related_name="fiches", verbose_name="composantes")
    actor_profiles = models.ManyToManyField(
        ActorProfile, blank=True, related_name="fiches", verbose_name="profils d’acteurs"
    )
    actor_kinds = models.ManyToManyField(ActorKind, blank=True, related_name="fiches", verbose_name="types d’acteurs")
    regions = models.ManyToManyField(Region, blank=True, related_name="fiches", verbose_name="régions")
    domains = models.ManyToManyField(Domain, blank=True, related_name="fiches", verbose_name="domaines")
    entry_doors = models.ManyToManyField(EntryDoor, blank=True, related_name="fiches", verbose_name="portes d’entrée")
    impacts = models.ManyToManyField(Impact, blank=True, related_name="fiches", verbose_name="impacts")
    referentiel_parts = models.ManyToManyField(
        ReferentielPart, blank=True, related_name="fiches", verbose_name="parties du référentiel"
    )
    economies = models.ManyToManyField(Economy, blank=True, related_name="fiches", verbose_name="économies")
    tools = models.ManyToManyField(Tool, blank=True, related_name="fiches", verbose_name="outils cités")
    related = models.ManyToManyField("self", blank=True, verbose_name="fiches liées")
    tags = TaggableManager("mots-clés", blank=True, help_text="Séparés par des virgules.")

    status = models.CharField("statut", max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        "publiée le", null=True, blank=True,
        help_text="Vide\u00a0: la date de la publication. Une date à venir programme la publication\u00a0: la fiche "
                  "reste invisible jusque-là (heure de Paris).",
    )
    unpublish_at = models.DateTimeField(
        "retirée le", null=True, blank=True,
        help_text="Facultatif\u00a0: à partir de cette date, la fiche n’est plus visible (elle reste dans "
                  "l’administration).",
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("mise à jour le", auto_now=True)
    last_reviewed = models.DateField("dernière relecture", null=True, blank=True)
    review_by = models.DateField(
        "à relire avant le", null=True, blank=True,
        help_text="Par défaut, un an après la publication ou la dernière relecture. Vide pour un brouillon jamais "
        "publié.",
    )

    objects = FicheQuerySet.as_manager()

    class Meta:
        verbose_name = "fiche"
        verbose_name_plural = "fiches"
        ordering = ["-published_at", "title"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="fiche_status_published_idx"),
            # Covering: the catalogue version (resources.facet_index) is read from the index alone.
            models.Index(fields=["status"], include=["id", "updated_at", "published_at", "unpublish_at"],
                         name="fiche_status_covering_idx"),
            models.Index(fields=["status", "family"], include=["id"], name="fiche_status_family_idx"),
            models.Index(fields=["status", "sort_title"], name="fiche_status_sort_title_idx"),
            # Newest changes first (feeds) and changes since a date (alerts): resources.feeds, rendezvous.alerts.
            models.Index(fields=["status", "-updated_at"], name="fiche_status_updated_idx"),
            # The next scheduled withdrawal (content cache deadline).
            models.Index(fields=["status", "unpublish_at"], name="fiche_status_unpublish_idx"),
            # The « À relire » list and the editors' weekly e-mail: resources.review_dates.
            models.Index(fields=["status", "review_by"], name="fiche_status_review_by_idx"),
        ]

    def __str__(self):
        return self.title

    # Saved when the [[fiche]] links of the body are rendered again (resources.fiche_links): no updated_at.
    fiche_links_update_fields = ("body", "body_html", "body_text", "search_text")

    def clean(self):
        super().clean()
        errors = [
            fiche_links_error(self.body, also_known={self.slug}),
            glossary_links_error(self.body),
            unclosed_html_error(self.body),
        ]
        if any(errors):
            raise ValidationError({"body": [error for error in errors if error]})
        if self.unpublish_at and self.published_at and self.unpublish_at <= self.published_at:
            raise ValidationError({"unpublish_at": "La date de retrait doit suivre la date de publication."})

    def save(self, *args, **kwargs):
        self.derive_fields()
        super().save(*args, **kwargs)

    def derive_fields(self):
        """Set the fiche's own derived fields (slug, rendered body, search copies); touches nothing else."""
        if not self.slug:
            self.slug = slugify(self.title)[:200]
        self.body_html = render_body(self.body)  # [[fiche]] links read the fiches: one query when there are any
        self.body_text = " ".join(html.unescape(strip_tags(self.body_html)).split())
        # Leading spaces: on SQLite « contains " art" » then matches at the start of a word only.
        self.search_title = " " + fold_words(self.title)
        self.sort_title = sort_key(self.title)
        self.search_text = " " + fold_words(f"{self.title} {self.chapeau} {self.tags_text} {self.body_text}")
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        if self.status == self.Status.PUBLISHED and self.review_by is None:  # a default, editable in the admin
            self.review_by = review_date_default(self.published_at, self.last_reviewed)

    def get_absolute_url(self):
        return remembered_reverse("resources:fiche_detail", kwargs={"slug": self.slug})

    @property
    def is_published(self):
        """Whether a visitor can read it now (published, and within its dates)."""
        return self.visibility(timezone.now()) == "online"

    @property
    def visibility_now(self):
        return self.visibility(timezone.now())

    def visibility(self, now):
        """« draft », « scheduled » (published, its date ahead), « withdrawn » (past its withdrawal) or « online »."""
        if self.status != self.Status.PUBLISHED:
            return "draft"
        state = date_state(self, now)
        return "online" if state == WITHIN else state


class Synonym(models.Model):
    """Expressions that mean the same thing: a search for one also finds the others."""

    terms = models.CharField(
        "expressions équivalentes",
        max_length=300,
        unique=True,
        help_text="Séparées par des virgules, par exemple « MSE, modèle socio-économique ».",
    )

    objects = ContentQuerySet.as_manager()

    class Meta:
        verbose_name = "synonyme de recherche"
        verbose_name_plural = "synonymes de recherche"
        ordering = ["terms"]

    def __str__(self):
        return self.terms.replace(",", " ⇄")

    @property
    def folded_terms(self):
        return [fold_words(term) for term in self.terms.split(",") if fold_words(term)]


class FicheSource(CitedSource):
    """A source of a fiche: a reference it cites, or a deduction of the editors (CitedSource)."""

    fiche = models.ForeignKey(Fiche, on_delete=models.CASCADE, related_name="sources", verbose_name="fiche")
    reference = models.ForeignKey(
        Reference, on_delete=models.PROTECT, null=True, blank=True, related_name="fiche_sources",
        verbose_name="référence",
    )
    # Kept for a deduction that points to where its reasoning starts; a cited reference carries its own address.
    url = models.URLField("adresse", max_length=500, blank=True)

    class Meta(CitedSource.Meta):
        verbose_name = "source"
        verbose_name_plural = "sources"


def with_card_levers(items):
    """``items`` (fiches, or any model with a ``levers`` many-to-many: events) as a list, each with ``card_levers``:
    the (theme, label) of its levers in their order, what its card shows, read in one query written once.
    ``prefetch_related("levers")`` cost ~1 ms of Python for a page of twenty fiches (a queryset compiled, a Lever
    built per link, the prefetch bookkeeping); this costs ~0.1 ms."""
    items = list(items)
    if not items:
        return items
    relation = type(items[0])._meta.get_field("levers")
    links, levers = relation.remote_field.through._meta.db_table, Lever._meta.db_table
    own, target = relation.m2m_column_name(), relation.m2m_reverse_name()
    marks = ", ".join(["%s"] * len(items))
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT t."{own}", l."theme", l."label" FROM "{links}" t '  # nosec B608
            f'INNER JOIN "{levers}" l ON l."id" = t."{target}" '  # nosec B608
            f'WHERE t."{own}" IN ({marks}) ORDER BY l."order", l."label"',  # nosec B608
            [item.pk for item in items],
        )
        rows = cursor.fetchall()
    found = {}
    for item_pk, theme, label in rows:
        found.setdefault(item_pk, []).append((theme, label))
    for item in items:
        item.card_levers = found.get(item.pk, [])
    return items


def card_levers_of(item):
    """[(theme, label)] of ``item``'s levers, as its card shows them: read by ``with_card_levers``, else from its
    prefetched ``levers``."""
    found = getattr(item, "card_levers", None)
    return found if found is not None else [(lever.theme, lever.label) for lever in item.levers.all()]
