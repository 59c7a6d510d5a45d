"""Events (« Agenda ») and the registrations to them.

An event is content: staff write it in the admin, its saves change the content version (core.content_cache), and
``save()`` derives only its own fields (the end, the rendered Markdown). A registration is a person's row: it is
never shown to anyone but its owner (through the signed link of their e-mail) and staff.

Personal data kept: the name, the address and, if given, the organisation, for as long as the registration is
alive. A cancelled registration keeps only its event, status and dates (what staff count); its name, address and
organisation are erased at once. Thirty days after the event has ended, ``manage.py prune_registrations`` erases
those of every registration the same way (README « Rendez-vous »).
"""

import secrets
from datetime import UTC, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone

from core.addresses import remembered_reverse
from core.content_cache import ContentQuerySet
from core.schedule import WITHIN, date_state, next_date_change, within_dates_q
from core.text import title_slug
from resources.markdown import render_markdown
from resources.models import Fiche, Lever

# Words of the agenda's own addresses (/agenda/passes/, /agenda/mon-inscription/…): no event may take them.
RESERVED_SLUGS = frozenset({"passes", "mon-inscription", "flux"})
# Its own code: a form would replace the message of an « invalid » error by its field's generic one.
HTTP_ONLY = URLValidator(schemes=["http", "https"], code="http_only",
                         message="Saisissez une adresse web qui commence par https:// ou http://.")
MAX_DURATION = 24 * 60  # minutes: a longer programme is several events


def new_nonce():
    return secrets.token_hex(16)


class EventKind(models.TextChoices):
    WEBINAR = "webinaire", "Webinaire"
    THURSDAY = "jeudi", "Jeudi de l’ODD\u00a017"
    WORKSHOP = "atelier", "Atelier"


class EventFormat(models.TextChoices):
    ONLINE = "en_ligne", "En ligne"
    ON_SITE = "sur_place", "Sur place"


class EventStatus(models.TextChoices):
    DRAFT = "brouillon", "Brouillon"
    PUBLISHED = "publie", "Publié"


def visible_q(now):
    """The events a visitor may see at ``now``: published, and within their dates if they have any (core.schedule)."""
    return Q(status=EventStatus.PUBLISHED) & within_dates_q(now)


def next_visibility_change(now):
    """The next moment after ``now`` an event appears or disappears (one query), or None."""
    return next_date_change(Event.objects.filter(status=EventStatus.PUBLISHED), now)


class EventQuerySet(ContentQuerySet):
    def published(self):
        """Events every visitor may see now (a draft, or one outside its dates, is a 404)."""
        return self.filter(visible_q(timezone.now()))

    def upcoming(self, now):
        """Published events not ended at ``now``, the soonest first (one that has started is still listed)."""
        return self.published().filter(ends_at__gt=now).order_by("starts_at", "pk")

    def past(self, now):
        """Published events ended at ``now``, the latest first."""
        return self.published().filter(ends_at__lte=now).order_by("-ends_at", "-pk")

    def with_counts(self):
        """Annotated with ``confirmed_count`` and ``waiting_count`` (one grouped join, no query per event)."""
        return self.annotate(
            confirmed_count=Count("registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)),
            waiting_count=Count("registrations", filter=Q(registrations__status=RegistrationStatus.WAITING)),
        )

    def for_cards(self):
        """What an agenda card shows: the counts, the levers in one more query, no long text."""
        return self.with_counts().defer("description", "description_html", "resources", "online_url").prefetch_related(
            "levers"
        )


class Event(models.Model):
    title = models.CharField("titre", max_length=200)
    slug = models.SlugField("identifiant d’adresse", max_length=200, unique=True,
                           help_text="La fin de l’adresse de la page\u00a0: /agenda/identifiant/.")
    kind = models.CharField("type", max_length=12, choices=EventKind.choices)
    starts_at = models.DateTimeField(
        "début", help_text="Heure de Paris. La nuit du passage à l’heure d’hiver, l’heure entre 2\u202fh et 3\u202fh "
                           "existe deux fois, et au passage à l’heure d’été elle n’existe pas\u00a0: choisissez-en une autre.",
    )
    duration = models.PositiveSmallIntegerField(
        "durée (minutes)", validators=[MinValueValidator(1), MaxValueValidator(MAX_DURATION)],
        help_text="De 1 à 1\u202f440 minutes (24 heures).",
    )
    ends_at = models.DateTimeField("fin", editable=False, help_text="Calculée à partir du début et de la durée.")
    format = models.CharField("format", max_length=10, choices=EventFormat.choices, default=EventFormat.ONLINE)
    online_url = models.URLField(
        "lien de connexion", max_length=500, blank=True, validators=[HTTP_ONLY],
        help_text="Pour un rendez-vous en ligne. Envoyé aux seules personnes inscrites (place confirmée), jamais "
                  "affiché sur la page publique ni dans le fichier .ics public.",
    )
    place = models.CharField("lieu", max_length=300, blank=True, help_text="Adresse complète, pour un rendez-vous sur place.")
    capacity = models.PositiveIntegerField(
        "nombre de places", null=True, blank=True, validators=[MinValueValidator(1)],
        help_text="Vide\u00a0: sans limite. Au-delà, les inscriptions vont en liste d’attente.",
    )
    speakers = models.TextField("intervenantes et intervenants", blank=True, help_text="Une personne par ligne.")
    levers = models.ManyToManyField(Lever, blank=True, related_name="events", verbose_name="leviers")
    fiches = models.ManyToManyField(Fiche, blank=True, related_name="events", verbose_name="fiches liées")
    description = models.TextField("description", help_text="En Markdown\u00a0; le HTML brut est filtré.")
    description_html = models.TextField("description (HTML)", editable=False, default="")
    replay_url = models.URLField("adresse du replay", max_length=500, blank=True, validators=[HTTP_ONLY],
                                 help_text="Affichée une fois le rendez-vous passé.")
    resources = models.TextField("ressources", blank=True,
                                 help_text="En Markdown. Affichées une fois le rendez-vous passé (supports, liens…).")
    resources_html = models.TextField("ressources (HTML)", editable=False, default="")
    status = models.CharField("état", max_length=10, choices=EventStatus.choices, default=EventStatus.DRAFT)
    published_at = models.DateTimeField(
        "visible à partir du", null=True, blank=True,
        help_text="Facultatif\u00a0: une date à venir programme la publication (heure de Paris). Vide\u00a0: "
                  "visible dès qu’il est publié.",
    )
    unpublish_at = models.DateTimeField(
        "retiré le", null=True, blank=True,
        help_text="Facultatif\u00a0: à partir de cette date, le rendez-vous n’est plus visible.",
    )
    is_example = models.BooleanField(
        "exemple", default=False,
        help_text="Un rendez-vous fictif livré pour montrer l’agenda\u00a0: marqué «\u00a0Exemple\u00a0» partout.",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = "rendez-vous"
        verbose_name_plural = "rendez-vous"
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["status", "ends_at"], name="event_status_ends_idx"),
            models.Index(fields=["status", "starts_at"], name="event_status_starts_idx"),
            models.Index(fields=["kind"], name="event_kind_idx"),
            models.Index(fields=["created_at"], name="event_created_idx"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.slug in RESERVED_SLUGS:
            errors["slug"] = f"«\u00a0{self.slug}\u00a0» est une adresse de l’agenda\u00a0: choisissez un autre identifiant."
        if self.format == EventFormat.ONLINE and not self.online_url:
            errors["online_url"] = "Un rendez-vous en ligne a besoin de son lien de connexion."
        if self.format == EventFormat.ON_SITE and not self.place.strip():
            errors["place"] = "Un rendez-vous sur place a besoin de son adresse."
        if self.unpublish_at and self.published_at and self.unpublish_at <= self.published_at:
            errors["unpublish_at"] = "La date de retrait doit suivre la date de publication."
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.derive_fields()
        super().save(*args, **kwargs)

    def derive_fields(self):
        """The event's own derived fields: slug if empty, end, rendered Markdown; touches nothing else."""
        if not self.slug:
            self.slug = title_slug(self.title)
        # In UTC: an aware datetime plus a timedelta moves the wall clock of its own zone, so 1 h 30 in Paris plus
        # two hours would give 3 h 30 the night clocks go forward, when 4 h 30 is meant.
        self.ends_at = self.starts_at.astimezone(UTC) + timedelta(minutes=self.duration)
        self.description_html = render_markdown(self.description)
        self.resources_html = render_markdown(self.resources) if self.resources.strip() else ""

    def get_absolute_url(self):
        return remembered_reverse("rendezvous:event_detail", kwargs={"slug": self.slug})

    def has_started(self, now):
        return self.starts_at <= now

    def has_ended(self, now):
        return self.ends_at <= now

    @property
    def is_published(self):
        """Whether a visitor can see it now (published, and within its dates)."""
        return self.status == EventStatus.PUBLISHED and date_state(self, timezone.now()) == WITHIN

    @property
    def is_online(self):
        return self.format == EventFormat.ONLINE

    @property
    def speaker_list(self):
        return [line.strip() for line in self.speakers.splitlines() if line.strip()]

    def places_left(self, confirmed):
        """Places still free given ``confirmed`` registrations, or None without a limit."""
        return None if self.capacity is None else max(0, self.capacity - confirmed)


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmee", "Place confirmée"
    WAITING = "attente", "En liste d’attente"
    CANCELLED = "annulee", "Annulée"


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        """Registrations not cancelled: a confirmed place or a rank on the waiting list."""
        return self.exclude(status=RegistrationStatus.CANCELLED)

    def waiting_in_order(self):
        """The waiting list, first come first served."""
        return self.filter(status=RegistrationStatus.WAITING).order_by("created_at", "pk")


class Registration(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations", verbose_name="rendez-vous")
    name = models.CharField("nom", max_length=150, blank=True)
    email = models.EmailField("adresse e-mail", max_length=254, blank=True,
                              help_text="Écrite en minuscules\u00a0; effacée à l’annulation.")
    organisation = models.CharField("organisation", max_length=200, blank=True)
    consent = models.BooleanField("accord donné", default=False)
    status = models.CharField("statut", max_length=10, choices=RegistrationStatus.choices)
    created_at = models.DateTimeField("inscrite le", auto_now_add=True)
    promoted_at = models.DateTimeField("place obtenue le", null=True, blank=True,
                                       help_text="Quand une place libérée lui a été donnée (liste d’attente).")
    cancelled_at = models.DateTimeField("annulée le", null=True, blank=True)
    # Signed into the link of the person's e-mails: redrawn, it kills the links already sent.
    nonce = models.CharField("jeton", max_length=32, default=new_nonce, editable=False)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = "inscription"
        verbose_name_plural = "inscriptions"
        ordering = ["created_at", "pk"]
        constraints = [
            # One registration per address and event (addresses are stored lower-cased). An erased one (cancelled,
            # or pruned after the event) has no address left: the same person may register again.
            models.UniqueConstraint(fields=["event", "email"], condition=~Q(email=""),
                                    name="registration_one_per_address"),
        ]
        indexes = [
            models.Index(fields=["event", "status", "created_at"], name="registration_event_status_idx"),
            models.Index(fields=["status"], name="registration_status_idx"),
        ]

    def __str__(self):
        if self.is_cancelled:
            return "Inscription annulée"  # its name was erased with it
        # A name erased 30 days after the event (registrations_prune) leaves the status alone.
        return f"{self.name or 'Nom effacé'} ({self.get_status_display().lower()})"

    @property
    def is_confirmed(self):
        return self.status == RegistrationStatus.CONFIRMED

    @property
    def is_waiting(self):
        return self.status == RegistrationStatus.WAITING

    @property
    def is_cancelled(self):
        return self.status == RegistrationStatus.CANCELLED
