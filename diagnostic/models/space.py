"""An organisation's shared space: its members and their roles, invitations, and the work they do together on the
8-step method (the state of each step, the answers to the board's questions, decisions, comments), with a short
history of who changed what.

Who may do what is decided in one place, diagnostic.access; writes go through diagnostic.spaces.
"""

from django.conf import settings
from django.db import models

from diagnostic.models.diagnostic import Organisation, Snapshot
from parcours.models import BoardQuestion, Status, Step
from resources.markdown import render_markdown

COMMENT_MAX_LENGTH = 5000
ANSWER_MAX_LENGTH = 5000
DECISION_MAX_LENGTH = 2000


class Role(models.TextChoices):
    RESPONSABLE = "responsable", "Responsable"
    CONTRIBUTOR = "contributeur", "Contributeur·rice"
    READER = "lecteur", "Lecteur·rice"


class Membership(models.Model):
    """One person in one space, with one role; a space always keeps at least one « responsable »
    (diagnostic.spaces refuses any change that would leave none)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships", verbose_name="espace"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name="compte"
    )
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    joined_at = models.DateTimeField("membre depuis le", auto_now_add=True)

    class Meta:
        verbose_name = "membre d’un espace"
        verbose_name_plural = "membres des espaces"
        ordering = ["joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="membership_once_per_space"),
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="membership_known_role"),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.organisation}"


class Invitation(models.Model):
    """An e-mailed invitation to join a space. The link carries a signed token naming this row and its ``nonce``
    (diagnostic.invitations): it works until ``expires_at``, once; sending it again draws a new nonce, which kills
    the previous link. Accepted or withdrawn, the row is deleted; the history keeps the fact."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations", verbose_name="espace"
    )
    email = models.EmailField("adresse invitée")
    role = models.CharField("rôle proposé", max_length=20, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="invitée par"
    )
    nonce = models.CharField("jeton", max_length=32, editable=False)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    expires_at = models.DateTimeField("expire le")
    sent_at = models.DateTimeField("envoyée le", null=True, blank=True)

    class Meta:
        verbose_name = "invitation"
        verbose_name_plural = "invitations"
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "email"], name="invitation_once_per_address"),
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="invitation_known_role"),
        ]

    def __str__(self):
        return f"{self.email} · {self.organisation}"


class SpaceEvent(models.Model):
    """One line of a space's history: who did what, when. The name is copied so the line outlives the account."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="events", verbose_name="espace"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="auteur",
    )
    actor_name = models.CharField("nom de l’auteur", max_length=200)
    summary = models.CharField("action", max_length=300)
    created_at = models.DateTimeField("le", auto_now_add=True)

    class Meta:
        verbose_name = "événement d’un espace"
        verbose_name_plural = "historique des espaces"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "-created_at"], name="space_event_recent")]

    def __str__(self):
        return f"{self.actor_name} · {self.summary}"


class Comment(models.Model):
    """A member's comment on a step of the method or on a year of figures (exactly one of the two), in Markdown
    rendered once, sanitised, into ``body_html``: as typed in a plain box, line breaks kept and a list possible
    without a blank line before it."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="comments", verbose_name="espace"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="auteur",
    )
    author_name = models.CharField("nom de l’auteur", max_length=200)
    step = models.ForeignKey(
        Step, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name="étape"
    )
    snapshot = models.ForeignKey(
        Snapshot, on_delete=models.CASCADE, null=True, blank=True, related_name="comments",
        verbose_name="année de chiffres",
    )
    body = models.TextField("commentaire (Markdown)", max_length=COMMENT_MAX_LENGTH)
    body_html = models.TextField("commentaire (HTML)", editable=False, blank=True)
    created_at = models.DateTimeField("écrit le", auto_now_add=True)

    class Meta:
        verbose_name = "commentaire"
        verbose_name_plural = "commentaires"
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(step__isnull=True, snapshot__isnull=False)
                | models.Q(step__isnull=False, snapshot__isnull=True),
                name="comment_on_a_step_or_a_year",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "step"], name="comment_space_step")]

    def __str__(self):
        return f"{self.author_name} · {self.created_at:%d/%m/%Y}"

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body, line_breaks=True)
        super().save(*args, **kwargs)


class SpaceStep(models.Model):
    """Where the space stands on one step of the method: its status, set by a member."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="space_steps", verbose_name="espace"
    )
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="+", verbose_name="étape")
    status = models.CharField("statut", max_length=20, choices=Status.choices, default=Status.TO_DO)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="mis à jour par",
    )
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)

    class Meta:
        verbose_name = "étape d’un espace"
        verbose_name_plural = "étapes des espaces"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "step"], name="space_step_once"),
            models.CheckConstraint(condition=models.Q(status__in=Status.values), name="space_step_known_status"),
        ]


class Answer(models.Model):
    """The answer the group agreed on to one of the board's questions. The question's text is copied: staff may
    reword or remove the question, the group's answer stays readable."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="answers", verbose_name="espace"
    )
    question = models.ForeignKey(
        BoardQuestion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="question"
    )
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="+", verbose_name="étape")
    question_text = models.CharField("question", max_length=400)
    text = models.TextField("réponse retenue", max_length=ANSWER_MAX_LENGTH)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="mise à jour par",
    )
    updated_by_name = models.CharField("nom de qui l’a mise à jour", max_length=200)
    updated_at = models.DateTimeField("mise à jour le", auto_now=True)

    class Meta:
        verbose_name = "réponse du groupe"
        verbose_name_plural = "réponses des groupes"
        ordering = ["step__order", "question__order", "pk"]
        constraints = [models.UniqueConstraint(fields=["organisation", "question"], name="answer_once_per_question")]


class Decision(models.Model):
    """A decision the group took, dated, optionally on one step of the method."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="decisions", verbose_name="espace"
    )
    step = models.ForeignKey(
        Step, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="étape"
    )
    decided_on = models.DateField("décidé le")
    text = models.TextField("décision", max_length=DECISION_MAX_LENGTH)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="notée par",
    )
    recorded_by_name = models.CharField("nom de qui l’a notée", max_length=200)
    created_at = models.DateTimeField("notée le", auto_now_add=True)

    class Meta:
        verbose_name = "décision"
        verbose_name_plural = "décisions"
        ordering = ["-decided_on", "-pk"]
