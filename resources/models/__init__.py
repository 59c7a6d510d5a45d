from resources.models.correction import Correction, ReviewNote
from resources.models.fiche import Fiche, FicheSource, Synonym
from resources.models.glossary import GlossaryTerm
from resources.models.link_check import LinkCheck
from resources.models.reference import CitedSource, Reference
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
    PROVENANCE_HELP,
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
    "CitedSource",
    "Component",
    "Correction",
    "Domain",
    "Economy",
    "EntryDoor",
    "Fiche",
    "FicheSource",
    "GlossaryTerm",
    "Impact",
    "Lever",
    "LinkCheck",
    "PROVENANCE_HELP",
    "Provenance",
    "Reference",
    "ReferentielPart",
    "ReviewNote",
    "Region",
    "Synonym",
    "Tool",
    "Vocabulary",
    "Worksheet",
]
