"""The registry of vocabularies: how each one is named, filtered and browsed.

One entry per vocabulary. ``param`` is the GET parameter of the fiche list, ``field`` the Fiche
many-to-many, ``prefix`` the address of its pages (``None`` for levers and components, which have
their own pages).
"""

from dataclasses import dataclass
from functools import lru_cache

from django.db import connection
from django.db.models import CharField, ExpressionWrapper, F, IntegerField, Value

from resources import models as m


@dataclass(frozen=True)
class VocabularyKind:
    model: type
    param: str
    field: str
    title: str
    singular: str
    intro: str

    @property
    def prefix(self):
        return self.model.url_prefix


VOCABULARIES = (
    VocabularyKind(m.ActionObjective, "objectif", "objectives", "Objectifs d’action", "Objectif",
                   "Les objectifs prioritaires auxquels répondent les fiches ACTIONS."),
    VocabularyKind(m.Lever, "levier", "levers", "Leviers", "Levier",
                   "Les trois leviers du modèle socio-économique."),
    VocabularyKind(m.Component, "composante", "components", "Composantes des leviers", "Composante",
                   "Les briques de chaque levier."),
    VocabularyKind(m.ActorProfile, "profil", "actor_profiles", "Profils d’acteurs de l’écosystème", "Profil",
                   "Les dix profils d’acteurs qui composent l’écosystème de l’intérêt général."),
    VocabularyKind(m.ActorKind, "acteur", "actor_kinds", "Types d’acteurs des fiches ACTEURS", "Type d’acteur",
                   "Les quatre familles d’acteurs dont les pratiques sont décrites par une fiche ACTEURS."),
    VocabularyKind(m.Region, "region", "regions", "Régions", "Région",
                   "Les treize régions métropolitaines analysées par l’Observatoire des partenariats."),
    VocabularyKind(m.Domain, "domaine", "domains", "Domaines (fragilités)", "Domaine",
                   "Les seize fragilités étudiées par l’Observatoire des partenariats."),
    VocabularyKind(m.EntryDoor, "porte", "entry_doors", "Portes d’entrée de la boussole ODD 17", "Porte d’entrée",
                   "Les huit façons d’entrer dans la boussole de l’ODD 17, décrites par les fiches MÉTHODES."),
    VocabularyKind(m.Impact, "impact", "impacts", "Impacts", "Impact",
                   "Les trois impacts d’un modèle socio-économique bien articulé."),
    VocabularyKind(m.ReferentielPart, "partie", "referentiel_parts", "Parties du référentiel", "Partie",
                   "Les trois parties du référentiel « Modèles socio-économiques d’intérêt général »."),
    VocabularyKind(m.Economy, "economie", "economies", "Économies de la vision systémique", "Économie",
                   "Les sept économies de la vision systémique."),
    VocabularyKind(m.Tool, "outil", "tools", "Outils et ressources", "Outil",
                   "Les outils, publications et plateformes cités par le référentiel et la boîte à outils ODD 17."),
)

BY_PREFIX = {kind.prefix: kind for kind in VOCABULARIES if kind.prefix}
BY_FIELD = {kind.field: kind for kind in VOCABULARIES}


@dataclass(frozen=True)
class VocabularyRow:
    field: str  # the Fiche many-to-many, as in VocabularyKind.field
    pk: int
    slug: str
    label: str
    description: str
    lever_slug: str  # a component's lever (its address holds it); "" for other values
    position: int  # display order; components lever by lever


@lru_cache(maxsize=1)
def _union_sql():
    """The UNION of every vocabulary table, compiled once: its shape never changes, its rows do."""
    parts = []
    for kind in VOCABULARIES:
        if kind.model is m.Component:
            lever_slug, position = F("lever__slug"), F("lever__order") * 1000 + F("order")
        else:
            lever_slug, position = Value("", output_field=CharField()), F("order")
        parts.append(kind.model.objects.order_by().values_list(
            Value(kind.field, output_field=CharField()), "pk", "slug", "label", "description", lever_slug,
            ExpressionWrapper(position, IntegerField()),
        ))
    return parts[0].union(*parts[1:], all=True).query.sql_with_params()


def vocabulary_rows():
    """Every value of every vocabulary, in one query, sorted by vocabulary then display order."""
    sql, params = _union_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = [VocabularyRow(*row) for row in cursor.fetchall()]
    return sorted(rows, key=lambda row: (row.field, row.position, row.label))


@dataclass(frozen=True)
class ClassementValue:
    """A vocabulary value as a fiche's « Classement » shows it: a chip linking to the list filtered on it."""

    slug: str
    label: str
    chip_class: str  # the chip's colour: a lever's theme, a component's lever's theme, or "" for the others


@lru_cache(maxsize=1)
def _classement_sql():
    """Every vocabulary value linked to one fiche, in one UNION ALL over the link tables (not one query per
    vocabulary): written once from the models' metadata. Columns: vocabulary index in VOCABULARIES, slug, label,
    theme, then the sort keys of the models' ``ordering`` (a component's lever's order first)."""
    quote = connection.ops.quote_name
    parts = []
    for position, kind in enumerate(VOCABULARIES):
        relation = m.Fiche._meta.get_field(kind.field)
        link = quote(relation.remote_field.through._meta.db_table)
        table = quote(kind.model._meta.db_table)
        own, target = quote(relation.m2m_column_name()), quote(relation.m2m_reverse_name())
        join, theme, major = "", "''", "0"
        if kind.model is m.Lever:
            theme = f"v.{quote('theme')}"
        elif kind.model is m.Component:
            join = f" INNER JOIN {quote(m.Lever._meta.db_table)} l ON l.{quote('id')} = v.{quote('lever_id')}"
            theme, major = f"l.{quote('theme')}", f"l.{quote('order')}"
        parts.append(
            # Only names from the models' metadata, quoted; the fiche's pk is a parameter.
            f"SELECT {position:d}, v.{quote('slug')}, v.{quote('label')}, {theme}, {major}, v.{quote('order')} "  # nosec B608
            f"FROM {link} t INNER JOIN {table} v ON v.{quote('id')} = t.{target}{join} WHERE t.{own} = %s"
        )
    return " UNION ALL ".join(parts), len(parts)


def fiche_classement(fiche_pk):
    """{Fiche many-to-many name: [ClassementValue]} of one fiche, each list in its model's display order (order,
    label; a component's lever first), in one query whatever the number of vocabularies."""
    sql, count = _classement_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, [fiche_pk] * count)
        rows = cursor.fetchall()
    rows.sort(key=lambda row: (row[0], row[4], row[5], row[2]))
    found = {}
    for position, slug, label, theme, _major, _order in rows:
        kind = VOCABULARIES[position]
        if kind.model is m.Component:
            chip_class = f" hub-chip--{theme}"  # as the template wrote it: a component always has a lever
        else:
            chip_class = f" hub-chip--{theme}" if theme else ""
        found.setdefault(kind.field, []).append(ClassementValue(slug, label, chip_class))
    return found
