"""The shipped content (fixtures/), loaded once per test process and then put back in a few bulk inserts.

The loaders cost about 4,300 queries (3 to 5 s); the rows they write are the same every time. So each
process runs them once into its empty test database, in a transaction rolled back at once, and keeps the rows
each loader added; a test that only needs the content gets those rows back in one INSERT per table. Tests of
the loaders themselves still call them (tests/resources/test_shipped_content.py, tests/parcours/
test_shipped_parcours.py, tests/diagnostic/test_shipped_rules_and_migration.py).
"""

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, transaction

from core.content_cache import bump_content_version
from diagnostic.content_loader import diagnostic_load
from parcours.content_loader import parcours_load, usage_rules_load, worksheets_load
from rendezvous.events_loader import events_load
from resources.content_loader import content_load

# In the order `make run` loads them: the parcours link fiches, the worksheets fiches and steps, the usage rules
# (« Par où commencer ? ») name fiches, steps, parcours, worksheets, glossary terms and vocabulary values, the
# diagnostic rules link fiches and steps, the agenda's example events name levers and fiches.
STAGES = (
    ("content", content_load), ("parcours", parcours_load), ("worksheets", worksheets_load),
    ("usage", usage_rules_load), ("diagnostic", diagnostic_load), ("events", events_load),
)


def _tables():
    return [model for model in apps.get_models(include_auto_created=True) if model._meta.managed and not model._meta.proxy]


def _columns(model):
    """The fields an INSERT writes: a generated column (the PostgreSQL search vector) is the database's to compute."""
    return [field for field in model._meta.concrete_fields if not field.generated]


def _rows(model):
    names = [field.attname for field in _columns(model)]
    pk = names.index(model._meta.pk.attname)
    return {row[pk]: row for row in model._base_manager.order_by("pk").values_list(*names)}


def capture():
    """{stage: [(model, column names, rows)]}: what each loader adds to the empty test database.

    Restoring by inserting is exact only if the loaders never change or delete a row that was already there
    (the migrations' own rows): checked here, so a loader that starts doing it fails loudly instead of leaving
    the tests a slightly different database."""
    tables = _tables()
    content_types = {ct.pk: ct.natural_key() for ct in ContentType.objects.all()}
    before = {model: _rows(model) for model in tables}
    stages = {}
    with transaction.atomic():
        for stage, load in STAGES:
            load()
            added = []
            for model in tables:
                rows = _rows(model)
                kept = {pk: row for pk, row in before[model].items() if rows.get(pk) == row}
                assert kept == before[model], f"{stage} loader changed or deleted rows of {model._meta.label}"
                new = [row for pk, row in rows.items() if pk not in before[model]]
                if new:
                    added.append((model, _portable(model, new, content_types)))
                before[model] = rows
            stages[stage] = added
        transaction.set_rollback(True)
    return stages


def _portable(model, rows, content_types):
    """Rows whose content type ids are replaced by natural keys: after a transactional test's flush, Django
    creates the content types again under new ids."""
    columns = _columns(model)
    typed = [index for index, field in enumerate(columns) if field.is_relation and field.related_model is ContentType]
    portable = [
        tuple(content_types[value] if index in typed and value is not None else value for index, value in enumerate(row))
        for row in rows
    ]
    return [field.attname for field in columns], typed, portable


def restore(stages, upto="events"):
    """Insert the rows of every stage up to ``upto``, in one transaction, then move the PostgreSQL sequences past
    them (rows inserted with their ids do not advance a sequence)."""
    names = [stage for stage, _ in STAGES]
    wanted = names[: names.index(upto) + 1]
    models = []
    with transaction.atomic():  # deferred foreign keys: the tables can come in any order
        for stage in wanted:
            for model, (columns, typed, rows) in stages[stage]:
                objects = []
                for row in rows:
                    values = [
                        ContentType.objects.get_by_natural_key(*value).pk if index in typed and value is not None
                        else value
                        for index, value in enumerate(row)
                    ]
                    objects.append(model(**dict(zip(columns, values, strict=True))))
                model._base_manager.bulk_create(objects)
                models.append(model)
        statements = connection.ops.sequence_reset_sql(no_style(), models)
        if statements:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
        bump_content_version()  # written through the base managers, without signals
