"""What one person did in a parcours: the depth they chose and, per step, a status and private notes."""

from django.conf import settings
from django.db import models

from parcours.models.parcours import Depth, Parcours, Step

NOTE_MAX_LENGTH = 5000


class Status(models.TextChoices):
    TO_DO = "a_faire", "À faire"
    IN_PROGRESS = "en_cours", "En cours"
    DONE = "terminee", "Terminée"
    NOT_CONCERNED = "non_concernee", "Non concernée"

    @classmethod
    def done(cls):
        """Statuses that count as finished for the percentage, « Reprendre » and the attestation."""
        return {cls.DONE, cls.NOT_CONCERNED}

    @classmethod
    def advancement(cls, value):
        """How far a status goes: the most advanced one wins when two progressions are merged."""
        return [cls.TO_DO, cls.IN_PROGRESS, cls.NOT_CONCERNED, cls.DONE].index(value)


class Enrolment(models.Model):
    """A person following a parcours, at the depth they chose."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments", verbose_name="compte"
    )
    parcours = models.ForeignKey(Parcours, on_delete=models.CASCADE, related_name="enrolments", verbose_name="parcours")
    depth = models.CharField("niveau", max_length=20, choices=Depth.choices, blank=True)
    started_at = models.DateTimeField("commencé le", auto_now_add=True)

    class Meta:
        verbose_name = "inscription à un parcours"
        verbose_name_plural = "inscriptions à un parcours"
        constraints = [models.UniqueConstraint(fields=["user", "parcours"], name="enrolment_unique_per_user")]


class StepProgress(models.Model):
    """One row per person and step (a database constraint): the status, its dates and the private notes.

    Deleting a step deletes its rows, so percentages only ever count the steps that exist.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="step_progress", verbose_name="compte"
    )
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="progress", verbose_name="étape")
    status = models.CharField("statut", max_length=20, choices=Status.choices, default=Status.TO_DO)
    note = models.TextField("notes personnelles", blank=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("mise à jour le", auto_now=True)
    # Set when the step is closed (terminée or non concernée): the date printed on the attestation.
    completed_at = models.DateTimeField("close le", null=True, blank=True)

    class Meta:
        verbose_name = "progression"
        verbose_name_plural = "progressions"
        constraints = [
            models.UniqueConstraint(fields=["user", "step"], name="progress_unique_per_user_and_step"),
            models.CheckConstraint(condition=models.Q(status__in=Status.values), name="progress_known_status"),
        ]
        # The funnel in admin counts rows per step and status.
        indexes = [models.Index(fields=["step", "status"], name="progress_step_status")]

    def __str__(self):
        return f"{self.step} : {self.get_status_display()}"
