"""The search syntax parser and text folding (pure functions, no database)."""

import pytest

from resources.query import MAX_QUERY_LENGTH, expand_synonyms, parse_query
from core.text import fold, fold_words


@pytest.mark.parametrize("text", ["Bénévoles", "BÉNÉVOLES", "bénévoles", "benevoles", "BENEVOLES"])
def test_case_and_accents_fold_to_one_form(text):
    assert fold(text) == "benevoles"


def test_folding_keeps_the_length_so_excerpts_map_back():
    text = "L’Île-de-France œuvre"
    assert len(fold(text)) == len(text)
    assert fold_words(text) == "l ile de france oeuvre"


@pytest.mark.parametrize(
    "raw, websearch",
    [
        ("Bénévoles", "benevoles"),
        ("mécénat  de compétences", "mecenat de competences"),
        ('"alliances de moyens"', '"alliances de moyens"'),
        ("subvention -européenne", "subvention -europeenne"),
        ("crowdfunding OR mécénat", "crowdfunding OR mecenat"),
        ('"phrase sans fin', '"phrase sans fin"'),
        ("-", ""),
        ("OR OR", ""),
        ("socio-économique", "socio economique"),
        ("<b>gras</b>", "b gras b"),
        ("'; DROP TABLE x; --", "drop table x"),
    ],
)
def test_websearch_syntax_is_parsed_and_rewritten_cleanly(raw, websearch):
    assert parse_query(raw).websearch() == websearch


def test_a_query_of_only_exclusions_or_symbols_is_empty():
    assert not parse_query("-subvention")
    assert not parse_query("- ; ' \" --")
    assert parse_query("alliances")


def test_nul_bytes_are_removed_and_long_queries_truncated():
    assert parse_query("béné\x00voles").websearch() == "benevoles"
    parsed = parse_query("a" * 10_000)
    assert parsed.truncated and len(parsed.raw) == MAX_QUERY_LENGTH


def test_synonyms_widen_a_word_and_a_multi_word_expression():
    groups = [["mse", "modele socio economique"], ["rh", "richesses humaines"]]
    assert expand_synonyms(parse_query("MSE Bretagne"), groups).websearch() == (
        'mse OR "modele socio economique" bretagne'
    )
    assert expand_synonyms(parse_query("modèle socio-économique"), groups).websearch() == (
        '"modele socio economique" OR mse'
    )


def test_excluded_terms_are_not_widened():
    groups = [["rh", "richesses humaines"]]
    assert expand_synonyms(parse_query("-RH alliances"), groups).websearch() == "-rh alliances"
