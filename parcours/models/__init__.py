from parcours.models.account import Profile, SavedFiche
from parcours.models.parcours import Depth, Parcours, Step
from parcours.models.progress import Enrolment, Status, StepProgress

__all__ = ["Depth", "Enrolment", "Parcours", "Profile", "SavedFiche", "Status", "Step", "StepProgress"]
