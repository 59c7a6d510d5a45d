from resources.models.fiche import Fiche, FicheSource, Synonym
from resources.models.worksheet import Worksheet
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
    Provenance,
    ReferentielPart,
    Region,
    Tool,
    Vocabulary,
)

__all__ = [
    "ActionObjective",
    "ActorKind",
    "ActorProfile",
    "Component",
    "Domain",
    "Economy",
    "EntryDoor",
    "Fiche",
    "FicheSource",
    "Impact",
    "Lever",
    "Provenance",
    "ReferentielPart",
    "Region",
    "Synonym",
    "Tool",
    "Vocabulary",
    "Worksheet",
]
