from parcours.models.saved import SavedFiche
from parcours.models.parcours import BoardQuestion, Depth, Parcours, Step, StepSource
from parcours.models.progress import Enrolment, Status, StepProgress
from parcours.models.usage import (
    ActorType,
    Aim,
    KeptUsagePath,
    Maturity,
    Medoc,
    TimeBudget,
    UsageFirstOpenCount,
    UsagePathCount,
    UsageRule,
    UsageRuleItem,
)

__all__ = [
    "ActorType", "Aim", "BoardQuestion", "Depth", "Enrolment", "KeptUsagePath", "Maturity", "Medoc", "Parcours", "SavedFiche",
    "Status", "Step", "StepProgress", "StepSource", "TimeBudget", "UsageFirstOpenCount", "UsagePathCount",
    "UsageRule", "UsageRuleItem",
]
