"""The search box's syntax, parsed once for both databases.

Like PostgreSQL's ``websearch_to_tsquery``: words are AND-ed, ``"a phrase"`` keeps words together,
``-word`` excludes, ``a OR b`` accepts either. Anything else (a lone ``-``, an unbalanced quote, NUL
bytes, markup) is read as plain text, never as an error.
"""

import re
from dataclasses import dataclass, field

from core.text import fold_words

MAX_QUERY_LENGTH = 200
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD_CHARS = re.compile(r"[^\w\s]+")


@dataclass(frozen=True)
class Term:
    text: str  # folded words, separated by single spaces
    negated: bool = False

    @property
    def is_phrase(self):
        return " " in self.text

    def websearch(self):
        body = f'"{self.text}"' if self.is_phrase else self.text
        return f"-{body}" if self.negated else body


@dataclass
class ParsedQuery:
    raw: str
    groups: list = field(default_factory=list)  # AND of OR-groups of Terms
    truncated: bool = False

    def __bool__(self):
        return any(not term.negated for group in self.groups for term in group)

    def websearch(self):
        """The query rewritten in websearch syntax from the parsed terms (clean, balanced, folded)."""
        return " ".join(" OR ".join(term.websearch() for term in group) for group in self.groups)

    def positive_words(self):
        return [word for group in self.groups for term in group if not term.negated for word in term.text.split()]


def _clean_text(text):
    return fold_words(_WORD_CHARS.sub(" ", text))


def parse_query(raw):
    raw = (raw or "").replace("\x00", "")
    truncated = len(raw) > MAX_QUERY_LENGTH
    raw = raw[:MAX_QUERY_LENGTH]
    groups, pending_or = [], False
    for match in _TOKEN.finditer(raw):
        negation, phrase, word = match.groups()
        if word is not None and word == "OR":
            pending_or = bool(groups)
            continue
        if word is not None:
            negated = word.startswith("-")
            text = _clean_text(word.lstrip("-"))
        else:
            negated = bool(negation)
            text = _clean_text(phrase)
        if not text:
            continue
        # An unquoted « socio-économique » is two words; a quoted or excluded expression stays whole.
        terms = [Term(text, negated)] if negated or word is None else [Term(w) for w in text.split()]
        if pending_or and not negated:
            groups[-1].append(terms[0])
            groups.extend([t] for t in terms[1:])
        else:
            groups.extend([t] for t in terms)
        pending_or = False
    return ParsedQuery(raw=raw, groups=groups, truncated=truncated)


def expand_synonyms(parsed, synonym_groups):
    """Widen each positive term equal to a synonym with « OR » alternatives (as phrases when multi-word).

    ``synonym_groups`` is a list of lists of folded expressions that mean the same thing.
    """
    lookup = {}
    for group in synonym_groups:
        for expression in group:
            lookup.setdefault(expression, []).extend(other for other in group if other != expression)
    words = [group[0].text for group in parsed.groups]
    expanded, index = [], 0
    while index < len(parsed.groups):
        group = parsed.groups[index]
        # A multi-word expression typed without quotes spans several single-term groups.
        for span in range(4, 1, -1):
            candidate = " ".join(words[index:index + span])
            if span > 1 and index + span <= len(words) and candidate in lookup and all(
                len(g) == 1 and not g[0].negated and not g[0].is_phrase for g in parsed.groups[index:index + span]
            ):
                expanded.append([Term(candidate)] + [Term(alt) for alt in lookup[candidate]])
                index += span
                break
        else:
            extra = [
                Term(alt) for term in group if not term.negated for alt in lookup.get(term.text, [])
            ]
            expanded.append(group + [t for t in extra if t not in group])
            index += 1
    return ParsedQuery(raw=parsed.raw, groups=expanded, truncated=parsed.truncated)
