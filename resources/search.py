"""Full-text search of the fiches, and of the référentiel's other pages.

PostgreSQL: a weighted ``tsvector`` kept by the database (``Fiche.search_vector``, a generated column on
the ``hub_french`` configuration: unaccent then French stemming), a GIN index, ``websearch`` queries,
``ts_rank``. SQLite: the folded copies ``search_title`` / ``search_text`` matched with
``LIKE`` (titles first). Excerpts with <mark> are cut in Python on both. The one ``connection.vendor``
branch of each step is in this module.
"""

import operator
import re
import time
from functools import reduce

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.urls import reverse
from django.db.models import Case, F, IntegerField, Q, Subquery, Value, When
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from taggit.models import Tag

from core.content_cache import content_version, kept_per_content_version, process_cache
from core.kept_sql import MOMENT, kept_sql, stand_in
from resources.facet_index import catalogue_version
from resources.models import Component, Fiche, GlossaryTerm, Lever, Synonym
from resources.models.fiche import CARD_FIELDS, with_card_levers
from resources.query import ParsedQuery, Term, expand_synonyms, parse_query
from resources.search_vector import SEARCH_CONFIG
from resources.tags import fiche_tagged_items
from core.text import fold, fold_words
from resources.vocabularies import VOCABULARIES, vocabulary_rows

EXCERPT_LENGTH = 220
# Not highlighted in excerpts: marking every « des » of a phrase search helps nobody.
STOP_WORDS = frozenset("les des une pour par avec dans sur aux est son ses leur leurs qui que ont sont".split())


def is_postgres():
    return connection.vendor == "postgresql"


@kept_per_content_version
def synonym_groups():
    """Folded groups of equivalent expressions, from the Synonym table (one query per content version)."""
    return [group for group in (s.folded_terms for s in Synonym.objects.all()) if len(group) > 1]


def prepare_query(raw):
    """Parse the typed text and widen it with the synonyms."""
    return expand_synonyms(parse_query(raw), synonym_groups())


def _stem(word):
    # SQLite has no stemmer: a plural « bénévoles » must still find « bénévole ».
    return word[:-1] if len(word) > 4 and word[-1] in "sx" else word


def _needle(term):
    """What a term looks for in a folded ``search_text``: its words from the start of a word, like a stemmer."""
    return f" {term.text if term.is_phrase else _stem(term.text)}"


def _sqlite_term_q(term):
    condition = Q(search_text__contains=_needle(term))
    return ~condition if term.negated else condition


def folded_text_condition(parsed):
    """The query as a Q over a ``search_text`` field holding folded words after a leading space
    (fiches, parcours steps): matched from the start of words, the same on both databases."""
    condition = Q()
    for group in parsed.groups:
        positives = [t for t in group if not t.negated]
        negatives = [t for t in group if t.negated]
        for term in negatives:
            condition &= _sqlite_term_q(term)
        if positives:
            either = Q()
            for term in positives:
                either |= _sqlite_term_q(term)
            condition &= either
    return condition


def folded_text_matches(parsed, search_text):
    """``folded_text_condition`` in Python, for the rows of a small table kept in memory (glossary, steps)."""
    for group in parsed.groups:
        if any(_needle(term) in search_text for term in group if term.negated):
            return False
        positives = [term for term in group if not term.negated]
        if positives and not any(_needle(term) in search_text for term in positives):
            return False
    return True


def _sqlite_filter(queryset, parsed):
    condition = folded_text_condition(parsed)
    first_words = [_stem(w) for w in parsed.positive_words()]
    title_hits = Case(
        *[When(search_title__contains=f" {word}", then=Value(1)) for word in first_words[:5]],
        default=Value(0),
        output_field=IntegerField(),
    )
    return queryset.filter(condition).annotate(rank=title_hits)


def _group_text(group):
    return " OR ".join(term.websearch() for term in group)


def _postgres_query(parsed):
    """One websearch query per OR-group, AND-ed: « a OR b c » means (a OR b) AND c, as on SQLite
    (a single websearch_to_tsquery would read it a OR (b AND c))."""
    queries = [
        SearchQuery(_group_text(group), search_type="websearch", config=SEARCH_CONFIG) for group in parsed.groups
    ]
    return reduce(operator.and_, queries)


def search_fiches(queryset, parsed):
    """Fiches matching the parsed query, annotated with ``rank`` (higher is better)."""
    if not parsed:
        return queryset.none()
    if is_postgres():
        query = _postgres_query(parsed)
        return queryset.filter(search_vector=query).annotate(rank=SearchRank(F("search_vector"), query))
    return _sqlite_filter(queryset, parsed)


class _CountOf(Subquery):
    """The number of rows of a queryset, as a scalar subquery (run once)."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) matched)"
    output_field = IntegerField()


def _matches_orm(parsed, now):
    """The published matches at ``now`` as (pk, published_at, rank) rows: the ORM's (sql, params)."""
    matches = search_fiches(Fiche.objects.visible_at(now), parsed).order_by().values_list("pk", "published_at", "rank")
    return matches.query.sql_with_params()


def _matches_sql(parsed, now):
    """``_matches_orm(parsed, now)``, PostgreSQL: compiled once per number of OR-groups (core.kept_sql)."""
    shape = len(parsed.groups)
    stand_ins = ParsedQuery(raw="", groups=[[Term(stand_in(f"group{number}"))] for number in range(shape)])
    words = {f"group{number}": _group_text(group) for number, group in enumerate(parsed.groups)}
    return kept_sql(("search matches", shape), lambda: _matches_orm(stand_ins, MOMENT), now, **words)


def best_matches(parsed, limit, now=None):
    """(the ``limit`` best fiches published at ``now`` (by default now) for the parsed query, their number): ranked
    by ``rank`` (higher first), then the most recent, then pk; fiches with their card fields, their ``body_text``
    (for ``excerpts``), ``card_levers`` and ``rank``.

    PostgreSQL: one pass over the matches. The ranking needs every match's search vector and a count needs every
    match too: a count as a second subquery visited the same ~2,000 rows twice (8.7 → 6.6 ms of SQL for a word
    found in 2,000 fiches). The matches (pk, date, rank: a few bytes each, never their vector) are kept once in a
    materialised CTE, counted and sorted there; only the ten best are read whole."""
    if not parsed:
        return [], 0
    now = now or timezone.now()
    if not is_postgres():  # the count as a scalar subquery of the same query
        matches = search_fiches(Fiche.objects.visible_at(now), parsed)
        ranked = matches.only(*CARD_FIELDS, "body_text").annotate(total=_CountOf(matches.order_by().values("pk")))
        found = with_card_levers(ranked.order_by("-rank", "-published_at", "pk")[:limit])
        return found, (found[0].total if found else 0)
    sql, params = _matches_sql(parsed, now)
    table = Fiche._meta.db_table
    columns = ", ".join(f'f."{Fiche._meta.get_field(name).column}"' for name in (*CARD_FIELDS, "body_text")
                        if name != "pk")
    found = with_card_levers(Fiche.objects.raw(
        f"WITH matched (pk, published_at, rank) AS MATERIALIZED ({sql}) "  # nosec B608
        f'SELECT f."id", {columns}, top.rank AS rank, (SELECT COUNT(*) FROM matched) AS total '  # nosec B608
        f"FROM (SELECT * FROM matched ORDER BY rank DESC, published_at DESC, pk LIMIT %s) top "
        f'JOIN "{table}" f ON f."id" = top.pk ORDER BY top.rank DESC, top.published_at DESC, top.pk',  # nosec B608
        [*params, limit],
    ))
    return found, (found[0].total if found else 0)


def _first_position(text, words):
    """Where the first of ``words`` begins in ``fold(text)``, or None. The text is folded from its start in growing
    pieces (folding is per character, so a piece folds as the whole text would), most often one: folding ten whole
    bodies cost a fifth of the search's Python."""
    longest = max(len(word) for word in words)
    size = 600
    while True:
        folded = fold(text[:size])
        found = [position for position in (folded.find(word) for word in words) if position >= 0]
        # Past this point a word not found yet may still begin, cut by the end of the piece.
        if (found and min(found) <= size - longest) or size >= len(text):
            return min(found) if found else None
        size *= 4


def _python_excerpt(text, words):
    first = _first_position(text, words) if words else None
    start = max(first - 60, 0) if first is not None else 0
    if start:  # begin on a whole word
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    excerpt = text[start:start + EXCERPT_LENGTH]
    folded_excerpt = fold(excerpt)
    spans = []
    for word in words:
        # From the start of a word to its end: « benevole » marks the whole « bénévoles ».
        for match in re.finditer(rf"(?<!\w){re.escape(word)}\w*", folded_excerpt):
            spans.append((match.start(), match.end()))
    out, cursor = [], 0
    for begin, end in sorted(spans):
        if begin < cursor:
            continue
        out.append(excerpt[cursor:begin])
        out.append(format_html("<mark>{}</mark>", excerpt[begin:end]))
        cursor = end
    out.append(excerpt[cursor:])
    prefix = "… " if start else ""
    suffix = " …" if start + EXCERPT_LENGTH < len(text) else ""
    # format_html_join escapes the plain pieces and keeps the <mark> ones: safe HTML without mark_safe.
    return format_html_join("", "{}", ((piece,) for piece in [prefix, *out, suffix]))


def _body_texts(fiches):
    """{pk: body_text}: as read with the fiches (``best_matches``), else in one query (cards defer the body)."""
    texts = {fiche.pk: fiche.body_text for fiche in fiches if "body_text" not in fiche.get_deferred_fields()}
    missing = [fiche.pk for fiche in fiches if fiche.pk not in texts]
    if missing:
        texts.update(Fiche.objects.filter(pk__in=missing).values_list("pk", "body_text"))
    return texts


def excerpts(fiches, parsed):
    """{fiche pk: safe HTML excerpt with <mark>} for the fiches of one page: no query for those ``best_matches``
    found (it reads their body with them), one for the others.

    Built in Python from the folded body on both databases: PostgreSQL's ts_headline re-parses every body
    and cost more than the whole rest of the search page.
    """
    if not fiches or not parsed:
        return {}
    words = [_stem(w) for w in parsed.positive_words() if len(w) > 2 and w not in STOP_WORDS]
    return {pk: _python_excerpt(text, words) for pk, text in _body_texts(fiches).items()}


def _trigrams(word):
    padded = f"  {word} "
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


def _shared_ratio(grams_a, grams_b):
    return len(grams_a & grams_b) / len(grams_a | grams_b) if grams_a and grams_b else 0.0


def similarity(a, b):
    """pg_trgm's similarity(), in Python: shared trigrams over all trigrams."""
    return _shared_ratio(_trigrams(a), _trigrams(b))


_lexicon = {"version": None, "words": {}}
process_cache(lambda: _lexicon.update(version=None, words={}))
LEXICON_MAX_AGE = 300  # seconds


def _lexicon_words():
    """{folded word: (word as written, trigrams)} of titles, tags and vocabulary labels.

    Built once per catalogue version (see resources.facet_index) and kept in the process.
    """
    # Vocabulary labels change without changing the catalogue version: rebuilt when the shared content version
    # changes (any edit saved by staff), and every few minutes for the others.
    version = (catalogue_version(), content_version(), int(time.monotonic() // LEXICON_MAX_AGE))
    if _lexicon["version"] != version:
        published = Fiche.objects.published()
        texts = list(published.values_list("title", flat=True).iterator(chunk_size=5000))
        used = fiche_tagged_items().filter(object_id__in=published.values("pk")).values("tag_id")
        texts.extend(Tag.objects.filter(pk__in=used).values_list("name", flat=True))
        for kind in VOCABULARIES:
            texts.extend(kind.model.objects.values_list("label", flat=True))
        words = {}
        for text in texts:
            for word in re.findall(r"\w{3,}", text.lower()):
                folded = fold_words(word)
                if folded not in words:
                    words[folded] = (word, _trigrams(folded))
        _lexicon.update(version=version, words=words)
    return _lexicon["words"]


def suggest(parsed):
    """« Vouliez-vous dire … ? »: each unknown word replaced by the most similar known one (trigrams)."""
    typed = parsed.positive_words()
    if not typed:
        return None
    lexicon = _lexicon_words()
    corrected, changed = [], False
    for word in typed:
        if word in lexicon or len(word) < 3:
            corrected.append(lexicon[word][0] if word in lexicon else word)
            continue
        grams = _trigrams(word)
        best, best_score = None, 0.0
        for folded, (written, other) in lexicon.items():
            if abs(len(folded) - len(word)) > 3:
                continue
            score = _shared_ratio(grams, other)
            if score > best_score:
                best, best_score = written, score
        if best and best_score >= 0.3:
            corrected.append(best)
            changed = True
        else:
            corrected.append(word)
    return " ".join(corrected) if changed else None


@kept_per_content_version
def _folded_vocabulary_rows():
    """[(folded label, folded label and description, row)] of every vocabulary value: the few hundred rows every
    search matches its words against, read and folded once per content version by each process."""
    return [(fold_words(row.label), fold_words(f"{row.label} {row.description}"), row) for row in vocabulary_rows()]


def search_pages(parsed, limit=8):
    """[(kind, label, url, description)] of levers, components and vocabulary values whose label or
    description match: the small vocabulary tables (one UNION query, kept by the process for the content version),
    matched in Python so that accents fold the same on both databases."""
    if not parsed:
        return []
    words = [_stem(w) for w in parsed.positive_words()]
    scored = []
    for title, text, row in _folded_vocabulary_rows():
        if all(word in text for word in words):
            scored.append((-sum(word in title for word in words), row.label, row.field, row.slug,
                           row.description, row.lever_slug))
    scored.sort()
    kinds = {kind.field: kind for kind in VOCABULARIES}
    results = []
    for _, label, field, slug, description, parent in scored[:limit]:
        kind = kinds[field]
        if kind.model is Component:
            url = reverse("resources:component_detail", kwargs={"lever_slug": parent, "slug": slug})
        elif kind.model is Lever:
            url = reverse("resources:lever_detail", kwargs={"slug": slug})
        else:
            url = reverse("resources:vocabulary_detail", kwargs={"kind": kind.prefix, "slug": slug})
        results.append((kind, label, url, description))
    return results


@kept_per_content_version
def _glossary_rows():
    """[(search text, folded names, term, url, extract)] of every glossary term, alphabetical: a few hundred rows
    read once per content version by each process, where a query at each search cost more than the matching."""
    terms = GlossaryTerm.objects.alphabetical().only("slug", "term", "variants", "extract", "search_text")
    return [
        (term.search_text, " " + fold_words(" ".join([term.term, *term.variant_list])), term.term,
         term.get_absolute_url(), term.extract)
        for term in terms
    ]


def search_glossary(parsed, limit=8):
    """[(term, url, extract)] of the glossary terms whose name, variants or definition match, those named by the
    words first. Matched on the folded copy (``GlossaryTerm.search_text``): a variant (« CPO ») finds its term,
    the same way on both databases."""
    if not parsed:
        return []
    words = [_stem(w) for w in parsed.positive_words()]
    matches = [row for row in _glossary_rows() if folded_text_matches(parsed, row[0])][:50]
    ranked = sorted(matches, key=lambda row: -sum(f" {word}" in row[1] for word in words))
    return [(term, url, extract) for _, _, term, url, extract in ranked[:limit]]


__all__ = [
    "best_matches", "excerpts", "folded_text_condition", "folded_text_matches", "prepare_query", "search_fiches",
    "search_glossary", "search_pages", "similarity", "suggest",
]
