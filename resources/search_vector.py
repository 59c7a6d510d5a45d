"""The SQL of the generated column ``Fiche.search_vector``: imports nothing of the project, so that the models
(and migration 0002) can use it without importing the search."""

from django.contrib.postgres.search import SearchVectorField
from django.db.models.expressions import Expression

SEARCH_CONFIG = "hub_french"


class FicheSearchVector(Expression):
    """Expression of the generated column ``search_vector``: title A, chapeau and tags B, body C.

    On SQLite the column only holds an empty string: searching there uses the folded copies.
    Migrations cannot see a change of this SQL: changing it needs a hand-written AlterField migration.
    """

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        if connection.vendor != "postgresql":
            return "''", []
        parts = [("title", "A"), ("chapeau", "B"), ("tags_text", "B"), ("body_text", "C")]
        # Hyphens read as spaces, as in the parsed query: « socio-économique » is two adjacent words.
        sql = " || ".join(
            f"setweight(to_tsvector('public.{SEARCH_CONFIG}'::regconfig, "
            f"translate(COALESCE(\"{column}\", ''), '-‑', '  ')), '{weight}')"
            for column, weight in parts
        )
        return sql, []
