from diagnostic.models.diagnostic import (
    LEVEL_CHOICES,
    MAX_AMOUNT,
    MAX_YEAR,
    MIN_YEAR,
    ActivationDescriptor,
    Organisation,
    RecommendationRule,
    Snapshot,
    ValuationRates,
    Visitor,
)
from diagnostic.models.space import (
    ANSWER_MAX_LENGTH,
    COMMENT_MAX_LENGTH,
    DECISION_MAX_LENGTH,
    Answer,
    Comment,
    Decision,
    Invitation,
    Membership,
    Role,
    SpaceEvent,
    SpaceStep,
)

__all__ = [
    "ANSWER_MAX_LENGTH", "COMMENT_MAX_LENGTH", "DECISION_MAX_LENGTH", "LEVEL_CHOICES", "MAX_AMOUNT", "MAX_YEAR",
    "MIN_YEAR", "ActivationDescriptor", "Answer", "Comment", "Decision", "Invitation", "Membership", "Organisation",
    "RecommendationRule", "Role", "Snapshot", "SpaceEvent", "SpaceStep", "ValuationRates", "Visitor",
]
