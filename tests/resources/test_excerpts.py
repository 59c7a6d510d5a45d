"""Search excerpts: the body is folded from its start in growing pieces, and the excerpt is the one a fold of the
whole body gives, wherever the words fall (at the edge of a piece, past it, nowhere)."""

import random
import re

import pytest
from django.utils.html import format_html, format_html_join

from core.text import fold
from resources.search import EXCERPT_LENGTH, _python_excerpt


def _whole_body_excerpt(text, words):
    """The excerpt as it was built before: the whole body folded at once."""
    folded = fold(text)
    positions = [folded.find(w) for w in words if w and folded.find(w) >= 0]
    start = max(min(positions) - 60, 0) if positions else 0
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < min(positions) else start
    excerpt = text[start:start + EXCERPT_LENGTH]
    folded_excerpt = folded[start:start + EXCERPT_LENGTH]
    spans = sorted((m.start(), m.end()) for word in words
                   for m in re.finditer(rf"(?<!\w){re.escape(word)}\w*", folded_excerpt))
    out, cursor = [], 0
    for begin, end in spans:
        if begin < cursor:
            continue
        out += [excerpt[cursor:begin], format_html("<mark>{}</mark>", excerpt[begin:end])]
        cursor = end
    out.append(excerpt[cursor:])
    pieces = ["… " if start else "", *out, " …" if start + EXCERPT_LENGTH < len(text) else ""]
    return format_html_join("", "{}", ((piece,) for piece in pieces))


FILLER = "Les équipes s’organisent autour d’un projet où chacun trouve sa place ; la gouvernance évolue. ".split()


def _text(length, seed):
    chooser = random.Random(seed)
    words = []
    while sum(len(w) + 1 for w in words) < length:
        words.append(chooser.choice(FILLER))
    return " ".join(words)[:length]


def _with(text, position, word):
    return text[:position] + word + text[position:]


# Around the end of the first piece (600 characters) and of the second (2,400), far past them, and nowhere.
POSITIONS = [0, 1, 530, 585, 590, 592, 595, 599, 600, 601, 2390, 2395, 2399, 2400, 9000]


@pytest.mark.parametrize("position", POSITIONS)
@pytest.mark.parametrize("length", [300, 600, 3000, 12000])
def test_one_word_gives_the_excerpt_of_the_whole_body(position, length):
    text = _with(_text(length, position), min(position, length), " Bénévoles ")
    words = ["benevole"]
    assert _python_excerpt(text, words) == _whole_body_excerpt(text, words)
    assert "<mark>Bénévoles</mark>" in _python_excerpt(text, words)


@pytest.mark.parametrize("first, second", [(595, 40), (40, 595), (598, 2398), (2398, 598), (5000, 590), (590, 5000)])
def test_the_earliest_of_several_words_is_found_across_pieces(first, second):
    text = _with(_with(_text(8000, first), second, " bénévolat "), first, " mécénat ")
    words = ["benevol", "mecenat"]
    assert _python_excerpt(text, words) == _whole_body_excerpt(text, words)


@pytest.mark.parametrize("words", [["absent"], ["absent", "introuvable"], []])
def test_words_found_nowhere_give_the_opening_of_the_body(words):
    text = _text(5000, 7)
    assert _python_excerpt(text, words) == _whole_body_excerpt(text, words)
    assert not str(_python_excerpt(text, words)).startswith("…")


def test_random_bodies_and_words_give_the_excerpt_of_the_whole_body():
    chooser = random.Random(2026)
    for _ in range(300):
        text = _text(chooser.randint(50, 6000), chooser.random())
        for _ in range(chooser.randint(0, 3)):
            text = _with(text, chooser.randint(0, len(text)), chooser.choice([" Bénévoles ", " mécénat", "ÉQUIPE "]))
        words = chooser.sample(["benevole", "mecenat", "equipe", "gouvernance", "absent"], chooser.randint(1, 3))
        assert _python_excerpt(text, words) == _whole_body_excerpt(text, words)


@pytest.mark.parametrize("position", range(588, 601))
def test_a_word_cut_by_the_end_of_a_piece_comes_before_a_shorter_one_inside_it(position):
    """« nevo » lies inside « bénévolat »: when the piece ends in the middle of « bénévolat », « nevo » alone is
    found in it, yet the excerpt starts from « bénévolat »."""
    text = _with("ab " * 1000, position, "bénévolat ")  # a space every third character: the start shows any shift
    words = ["benevolat", "nevo"]
    assert _python_excerpt(text, words) == _whole_body_excerpt(text, words)
