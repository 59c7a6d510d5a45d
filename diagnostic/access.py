"""Who may do what with a diagnostic: the one table every view of a diagnostic or a space asks.

A personal diagnostic has one owner (an account, or a browser without one), who may do everything but invite
(they first turn it into a space). In a space, each member's role decides; anybody else (an invited person who
has not accepted yet, a member removed, an outsider, a visitor without an account) does not see that the space
exists: a 404, the same as for an id that was never used. A member whose role lacks the right gets a 403 that
says which role would allow it.
"""

import functools

from django.core.exceptions import PermissionDenied
from django.db import connection, models
from django.db.models import OuterRef, Subquery
from django.http import Http404

from diagnostic.models import Membership, Organisation, Role
from diagnostic.ownership import organisations_for
from resources.models import ActorProfile, Region

OWNER = "proprietaire"  # the role of the single owner of a personal diagnostic


class Action(models.TextChoices):
    READ = "read", "Lire le diagnostic, la démarche et l’historique"
    EDIT_FIGURES = "edit_figures", "Modifier les chiffres, le questionnaire et la cible"
    COMMENT = "comment", "Commenter une étape ou une année"
    DEBATE = "debate", "Mettre à jour une étape, répondre aux questions, noter une décision"
    DELETE_DECISION = "delete_decision", "Supprimer une décision notée"
    INVITE = "invite", "Inviter une personne"
    MANAGE = "manage", "Changer les rôles, retirer un membre, renommer l’organisation"
    DELETE = "delete", "Supprimer l’espace"
    PRINT = "print", "Imprimer le dossier de gouvernance"


_EVERYTHING = frozenset(Action.values)
_CONTRIBUTING = frozenset({Action.READ, Action.EDIT_FIGURES, Action.COMMENT, Action.DEBATE, Action.PRINT})

ALLOWED = {
    OWNER: _EVERYTHING - {Action.INVITE},
    Role.RESPONSABLE: _EVERYTHING,
    Role.CONTRIBUTOR: _CONTRIBUTING,
    Role.READER: frozenset({Action.READ, Action.PRINT}),
}


def can(role, action):
    return action in ALLOWED.get(role, ())


def roles_allowed(action):
    """The space roles that allow ``action``, in French, for the 403 message."""
    return [label.lower() for value, label in Role.choices if can(value, action)]


def refusal_message(role, action):
    if role == OWNER:
        return ("Ce diagnostic est personnel\u00a0: pour inviter d’autres personnes, créez d’abord un espace partagé à "
                "partir de lui.")
    allowed = roles_allowed(action)
    who = " ou ".join(allowed)
    return (
        f"Votre rôle dans cet espace ({Role(role).label.lower()}) ne permet pas cette action\u00a0: "
        f"«\u00a0{Action(action).label.lower()}\u00a0» est réservé au rôle {who}. Demandez-le à un·e responsable "
        "de l’espace."
    )


# The kind of organisation and the region read with it: (attribute, model, column prefix in the query).
_RELATED = (("actor_profile", ActorProfile, "hub_actor_"), ("region", Region, "hub_region_"))


@functools.cache
def _account_organisation_sql():
    organisation, membership = Organisation._meta.db_table, Membership._meta.db_table
    related = [(f"r{n}", model, prefix, Organisation._meta.get_field(name).column)
               for n, (name, model, prefix) in enumerate(_RELATED)]
    quote = connection.ops.quote_name  # « order » is a column
    columns = ", ".join(f"{alias}.{quote(field.column)} AS {quote(prefix + field.column)}"
                        for alias, model, prefix, _ in related for field in model._meta.concrete_fields)
    joins = " ".join(f"LEFT JOIN {model._meta.db_table} {alias} ON {alias}.{quote(model._meta.pk.column)} = o.{fk}"
                     for alias, model, _, fk in related)
    # Table and column names from the models, every value a parameter.
    return (
        f"SELECT o.*, {columns}, (SELECT m.role FROM {membership} m WHERE m.organisation_id = o.id "  # nosec B608
        f"AND m.user_id = %s ORDER BY m.joined_at, m.id LIMIT 1) AS member_role FROM {organisation} o "  # nosec B608
        f"{joins} WHERE o.id = %s AND (o.user_id = %s OR (o.is_space AND EXISTS ("  # nosec B608
        f"SELECT 1 FROM {membership} m WHERE m.organisation_id = o.id AND m.user_id = %s)))"  # nosec B608
    )


def _account_organisation(user, pk):
    """What ``organisations_with_roles`` gives for an account, filtered on ``pk`` with its kind of organisation and
    region (select_related), in SQL written once: building that query through the ORM cost about half of the result
    page's Python. Its rules are organisations_for's (tests/diagnostic/test_access_query.py compares them). The
    related rows are built with ``from_db`` from columns that need no conversion (text and integers)."""
    low, high = connection.ops.integer_field_range(Organisation._meta.pk.get_internal_type())
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    if not low <= pk <= high:  # no such row (the ORM says so too; SQLite would fail on the parameter)
        return None
    row = next(iter(Organisation.objects.raw(_account_organisation_sql(), [user.pk, pk, user.pk, user.pk])), None)
    if row is None:
        return None
    for name, model, prefix in _RELATED:
        fields = model._meta.concrete_fields
        values = [getattr(row, f"{prefix}{field.column}") for field in fields]
        for field in fields:
            delattr(row, f"{prefix}{field.column}")
        setattr(row, name, model.from_db(row._state.db, [field.attname for field in fields], values)
                if values[0] is not None else None)
    return row


def get_organisation_for(request, pk, action=Action.READ):
    """The organisation with ``role`` set (OWNER, or the member's role in a space), or a 404 for anyone who may
    not read it, or a 403 for a member whose role does not allow ``action``. One query."""
    if request.user.is_authenticated:
        organisation = _account_organisation(request.user, pk)
    else:
        organisation = organisations_for(request).filter(pk=pk).select_related("actor_profile", "region").first()
    if organisation is None:
        raise Http404("Diagnostic introuvable")
    organisation.role = (getattr(organisation, "member_role", None) or "") if organisation.is_space else OWNER
    organisation.can = {value: can(organisation.role, value) for value in Action.values}  # read by templates
    organisation.role_label = role_label(organisation.role) if organisation.role else ""
    if not can(organisation.role, action):
        raise PermissionDenied(refusal_message(organisation.role, action))
    return organisation


def get_space_for(request, pk, action=Action.READ):
    """As get_organisation_for, for the pages that exist only in a shared space: a personal diagnostic is a 404
    there (no members, no shared method, no dossier)."""
    organisation = get_organisation_for(request, pk, action)
    if not organisation.is_space:
        raise Http404("Cette page n’existe que dans un espace partagé.")
    return organisation


def role_label(role):
    return "propriétaire" if role == OWNER else Role(role).label.lower()


def organisations_with_roles(request):
    """What ``organisations_for`` gives, each with ``member_role`` (empty for a personal diagnostic)."""
    organisations = organisations_for(request)
    if request.user.is_authenticated:
        role = Membership.objects.filter(organisation=OuterRef("pk"), user=request.user).values("role")[:1]
        organisations = organisations.annotate(member_role=Subquery(role))
    return organisations
