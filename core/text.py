"""Folding of French text for accent- and case-insensitive matching, the same in Python and in stored copies."""

import re
import unicodedata
from functools import lru_cache

from django.utils import timezone
from django.utils.formats import date_format

# Apostrophes and dashes separate words, like spaces: « l’équipe » holds the word « equipe ».
_SEPARATORS = {"’": " ", "'": " ", "‘": " ", "-": " ", "–": " ", "—": " "}


class _FoldTable(dict):
    """{code point: folded character} for str.translate, filled on first sight of each character: folding runs
    in C (a search folds the whole body of ten fiches for their excerpts) rather than a Python loop."""

    def __missing__(self, code):
        folded = self[code] = _fold_char(chr(code))
        return folded


def _fold_char(char):
    if char in _SEPARATORS:
        return " "
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)).lower()
    # One character for one: a match found in the folded text maps back to the original by index.
    return base if len(base) == 1 else (char.lower() if len(char.lower()) == 1 else char)


_FOLD_TABLE = _FoldTable()


def fold(text):
    """« L’Île-de-France ÉTÉ » -> « l ile de france ete », of the same length as the input."""
    return (text or "").translate(_FOLD_TABLE)


@lru_cache(maxsize=8192)
def fold_words(text):
    """fold() with runs of whitespace collapsed: the form stored for searching.

    Memoised: the search folds the same vocabulary labels and descriptions on every request.
    Ligatures open up (« cœur » -> « coeur »), as PostgreSQL's unaccent does.
    """
    return " ".join(_open_ligatures(fold(text)).split())


def sort_key(text):
    """Letters and digits only, folded: the alphabetical order a French reader expects."""
    return "".join(char for char in _open_ligatures(fold(text)) if char.isalnum())[:200]


def title_slug(text, max_length=200):
    """« Atelier d’essai : l’équilibre » -> « atelier-d-essai-l-equilibre »: an elision breaks words as a space does,
    as in the shipped slugs (Django's slugify and the admin's URLify glue « dessai », « lequilibre »)."""
    return re.sub(r"[^a-z0-9]+", "-", _open_ligatures(fold(text))).strip("-")[:max_length].strip("-")


def _open_ligatures(text):
    return text.replace("œ", "oe").replace("æ", "ae")


def duration_label(minutes):
    """« 45 min », « 2 h », « 1 h 05 »: how a French reader writes a duration (narrow no-break spaces)."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest}\u202fmin"
    if not rest:
        return f"{hours}\u202fh"
    return f"{hours}\u202fh\u202f{rest:02d}"


def guillemets(text):
    """« text » with the no-break spaces French typography puts inside the quotation marks."""
    return f"«\u00a0{text}\u00a0»"


# A [[…]] where Markdown expects an address (« [texte]([[slug]]) », « <https://…[[slug]]> ») or right after a
# « [ » (« [[[slug]]](…) »): it would render as a broken link. Here, free of any dependency, for the Markdown
# renderer and for the check of the shipped files (which runs before the project is installed).
MISPLACED_FICHE_LINK_RE = re.compile(r"\]\(\s*\[\[|<[^>\s]*\[\[|\[\[\[")


def moment_label(moment):
    """« 1er mars 2027 à 9 h 05 »: an aware datetime in the site's time zone (Paris), as French writes it."""
    local = timezone.localtime(moment)
    day = "1er" if local.day == 1 else local.day
    return f"{day} {date_format(local, 'F Y')} à {local.hour}\u202fh\u202f{local.minute:02d}"


def normalise_email(value):
    """An e-mail address as the hub keeps and compares it: without surrounding spaces, in lower case."""
    return (value or "").strip().lower()
