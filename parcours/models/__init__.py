from parcours.models.saved import SavedFiche
from parcours.models.parcours import Depth, Parcours, Step, StepSource
from parcours.models.progress import Enrolment, Status, StepProgress

__all__ = ["Depth", "Enrolment", "Parcours", "SavedFiche", "Status", "Step", "StepProgress", "StepSource"]
