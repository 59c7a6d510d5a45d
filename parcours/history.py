"""What the history keeps of the parcours (core.history): steps with their sources and board questions. Called by
parcours/admin.py before its admins are built, and by ParcoursConfig."""

from core.history import Followed, history_register
from parcours.models import BoardQuestion, Step, StepSource
from resources.models import Reference


def _source_line(data):
    if data.get("kind") == StepSource.Kind.INFERENCE or not data.get("reference_id"):
        return f"Déduction\u00a0: {data.get('label', '')}"
    reference = Reference.objects.filter(pk=data["reference_id"]).first()
    title = str(reference) if reference else f"référence n°\u00a0{data['reference_id']} (supprimée)"
    return f"Référence\u00a0: {title}" + (f" — {data['note']}" if data.get("note") else "")


STEP_FOLLOWED = (
    Followed("sources", "sources", StepSource, lambda data, pk: str(data.get("step_id")) == pk, _source_line),
    Followed("board_questions", "questions au conseil", BoardQuestion,
             lambda data, pk: str(data.get("step_id")) == pk, lambda data: data.get("text", "")),
)


def history_register_parcours():
    """Idempotent: the admin module and the app's ready() both call it, whichever comes first."""
    history_register(Step, followed=STEP_FOLLOWED)
