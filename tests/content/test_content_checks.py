"""The content check run by ``make test`` (resources.content_checks): one failing sample per rule, the fixer, and
the shipped files themselves."""

import shutil
import textwrap

import pytest

from resources import content_checks
from resources.content_files import FIXTURES_DIR

NBSP, NNBSP = "\u00a0", "\u202f"

REFERENCES = """\
[[reference]]
slug = "fiche-pratique"
title = "Fiche pratique"
publisher = "Le RAMEAU"
date = "2023"
url = "https://odd17.org/fiche"
kind = "document"

[[reference]]
slug = "livre-imprime"
title = "Un livre imprimé"
publisher = "Éditeur"
date = "2019"
url = ""
kind = "document"
"""

VOCABULARIES = """\
[[lever]]
slug = "richesses-humaines"
label = "Richesses humaines"
question = "Quelles compétences mobiliser\u202f?"
provenance = "confirmed"
source_url = "https://odd17.org/fiche"
description = "Les personnes qui font vivre le projet."
"""

FICHE = """\
+++
title = "Une fiche"
family = "action"
chapeau = "Un chapeau sans faute."
levers = ["richesses-humaines"]

[[sources]]
ref = "fiche-pratique"
note = "les trois leviers"

[[sources]]
kind = "inference"
label = "Déduit par la rédaction{nbsp}: une lecture du schéma."
+++
## Une partie

Du texte{nbsp}: voir [[autre-fiche]] et [[glossaire:benevolat|le bénévolat]].
""".replace("{nbsp}", NBSP)

STEP = """\
+++
title = "Une étape"
order = 1
depth = ""
minutes = 20
objective = "Savoir faire."
fiches = []
questions = ["Une question{nnbsp}?", "Une autre{nnbsp}?"]
provenance = "to_confirm"
+++
## Une partie

Du texte.
""".replace("{nnbsp}", NNBSP)

GLOSSARY = """\
[[term]]
slug = "benevolat"
term = "bénévolat"
variants = ["bénévole"]
definition = "L’engagement libre et gratuit{nbsp}; voir [[glossaire:benevolat]]."
provenance = "confirmed"
sources = ["fiche-pratique"]
related_fiches = []
see_also = []
""".replace("{nbsp}", NNBSP)


@pytest.fixture
def root(tmp_path):
    """A small set of shipped files without any problem."""
    (tmp_path / "references").mkdir()
    (tmp_path / "references" / "socle.toml").write_text(REFERENCES, encoding="utf-8")
    (tmp_path / "vocabularies.toml").write_text(VOCABULARIES, encoding="utf-8")
    (tmp_path / "fiches").mkdir()
    (tmp_path / "fiches" / "une-fiche.md").write_text(FICHE, encoding="utf-8")
    (tmp_path / "fiches" / "autre-fiche.md").write_text(FICHE.replace("[[autre-fiche]]", "[[une-fiche]]"), encoding="utf-8")
    (tmp_path / "parcours" / "un-parcours").mkdir(parents=True)
    (tmp_path / "parcours" / "parcours.toml").write_text(
        '[[parcours]]\nslug = "un-parcours"\ntitle = "Un parcours"\nkind = "pedagogique"\nsource_url = ""\n',
        encoding="utf-8",
    )
    (tmp_path / "parcours" / "un-parcours" / "01-une-etape.md").write_text(STEP, encoding="utf-8")
    (tmp_path / "glossaire.toml").write_text(GLOSSARY, encoding="utf-8")
    return tmp_path


def messages(root):
    return [str(problem) for problem in content_checks.check(root)]


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_sample_has_no_problem(root):
    assert messages(root) == []


# Provenance ----------------------------------------------------------------------------------------------------


def test_a_confirmed_vocabulary_value_without_source_url_is_reported(root):
    edit(root / "vocabularies.toml", 'source_url = "https://odd17.org/fiche"', 'source_url = ""')
    assert messages(root) == [
        f"{root / 'vocabularies.toml'}: [[lever]] richesses-humaines: provenance « confirmed » with an empty source_url"
    ]


def test_a_confirmed_step_without_a_reference_that_has_a_url_is_reported(root):
    step = root / "parcours" / "un-parcours" / "01-une-etape.md"
    edit(step, 'provenance = "to_confirm"', 'provenance = "confirmed"\n\n[[sources]]\nref = "livre-imprime"')
    assert messages(root) == [
        f"{step}: provenance: provenance « confirmed » without a cited reference that has a url"
    ]
    edit(step, 'ref = "livre-imprime"', 'ref = "fiche-pratique"')
    assert messages(root) == []


def test_a_confirmed_glossary_term_without_a_reference_that_has_a_url_is_reported(root):
    edit(root / "glossaire.toml", 'sources = ["fiche-pratique"]', 'sources = ["livre-imprime"]')
    assert messages(root) == [
        f"{root / 'glossaire.toml'}: [[term]] benevolat: provenance « confirmed » without a cited reference that has a url"
    ]


def test_an_unknown_provenance_is_reported(root):
    edit(root / "vocabularies.toml", 'provenance = "confirmed"', 'provenance = "verified"')
    assert "provenance 'verified' is not one of" in messages(root)[0]


# References ----------------------------------------------------------------------------------------------------


def test_a_cited_reference_that_does_not_exist_is_reported(root):
    edit(root / "fiches" / "une-fiche.md", 'ref = "fiche-pratique"', 'ref = "fiche-inconnue"')
    edit(root / "glossaire.toml", 'sources = ["fiche-pratique"]', 'sources = ["fiche-pratique", "autre-inconnue"]')
    assert messages(root) == [
        f"{root / 'fiches' / 'une-fiche.md'}: source 1: ref 'fiche-inconnue' names no reference in fixtures/references",
        f"{root / 'glossaire.toml'}: [[term]] benevolat: source 'autre-inconnue' names no reference in fixtures/references",
    ]


def test_a_reference_without_url_must_be_a_printed_document(root):
    edit(root / "references" / "socle.toml", 'url = ""\nkind = "document"', 'url = ""\nkind = "web"')
    assert messages(root) == [
        f"{root / 'references' / 'socle.toml'}: [[reference]] livre-imprime: "
        'no url: only a printed document (kind = "document") may lack one'
    ]


def test_two_references_with_the_same_slug_or_url_are_reported(root):
    (root / "references" / "autres.toml").write_text(
        REFERENCES.replace('slug = "livre-imprime"', 'slug = "un-autre-livre"'), encoding="utf-8"
    )
    found = messages(root)
    assert any("[[reference]] fiche-pratique: slug already used in" in message for message in found)
    assert any("[[reference]] fiche-pratique: same url as reference 'fiche-pratique'" in message for message in found)
    assert not any("un-autre-livre" in message for message in found)  # no url, so no clash


def test_a_source_in_the_old_form_is_reported(root):
    old = 'label = "Fiche"\nurl = "https://odd17.org/fiche"\nkind = "web"'
    edit(root / "fiches" / "une-fiche.md", 'ref = "fiche-pratique"', old)
    assert messages(root) == [
        f"{root / 'fiches' / 'une-fiche.md'}: source 1: old form (label and url): cite a reference with ref = \"<slug>\""
    ]


# Links ---------------------------------------------------------------------------------------------------------


def test_a_glossary_link_to_no_term_is_reported(root):
    edit(root / "fiches" / "une-fiche.md", "[[glossaire:benevolat|", "[[glossaire:volontariat|")
    assert messages(root) == [
        f"{root / 'fiches' / 'une-fiche.md'}: body: [[glossaire:volontariat]] names no term of fixtures/glossaire.toml"
    ]


def test_a_fiche_link_to_no_fiche_is_reported_by_the_fiche_files_check(root):
    edit(root / "fiches" / "une-fiche.md", "[[autre-fiche]]", "[[fiche-absente]]")
    assert messages(root) == [
        f"{root / 'fiches' / 'une-fiche.md'}: body: body links to an unknown fiche: [[fiche-absente]] "
        "(no fiche file fiche-absente.md)"
    ]


# Typography ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, message",
    [
        ("Du texte : voir", "plain space before « : »"),
        ("Du texte: voir", "no space before « : »"),
        ("Pourquoi ?", "plain space before « ? »"),
        ("Vraiment!", "no space before « ! »"),
        ("un point ; un autre", "plain space before « ; »"),
        (f"le « mot{NBSP}»", "plain space after « « »"),
        (f"le «{NBSP}mot »", "plain space before « » »"),
        (f"le «mot{NBSP}»", "no space after « « »"),
    ],
)
def test_french_typography_in_a_body_is_reported(root, text, message):
    edit(root / "fiches" / "une-fiche.md", "## Une partie", f"## Une partie\n\n{text}")
    assert messages(root) == [f"{root / 'fiches' / 'une-fiche.md'}: line 17 (body): {message}"]


@pytest.mark.parametrize(
    "text",
    [
        "Rendez-vous à 13:30, rapport 1:2.",
        "Vraiment\u202f?!",
        "Voir https://example.org/page?x=1&y=2 et <https://example.org/a:b>.",
        "Le [lien](https://example.org/?q=a) et `code: ici`.",
        "```\nclef: valeur ?\n```",
        "| a | b |\n|:---|---:|\n| 1 | 2 |",
        "Écrire [[une-fiche|la fiche : une]].",
        "afin de le faire, à le dire",
        f"Les «{NNBSP}mots{NNBSP}» et «{NBSP}mots{NBSP}»{NBSP}: oui{NNBSP}!",
    ],
)
def test_what_is_not_french_prose_or_is_right_is_not_reported(root, text):
    edit(root / "fiches" / "une-fiche.md", "## Une partie", f"## Une partie\n\n{text}")
    assert messages(root) == []


def test_typography_is_checked_in_toml_text_but_not_in_keys_addresses_or_slugs(root):
    edit(root / "vocabularies.toml", "Les personnes qui font vivre le projet.", "Les personnes : salariés.")
    edit(root / "vocabularies.toml", 'source_url = "https://odd17.org/fiche"', 'source_url = "https://odd17.org/fiche?a=b"')
    assert messages(root) == [f"{root / 'vocabularies.toml'}: line 7 (description): plain space before « : »"]


def test_typography_is_checked_in_front_matter_questions(root):
    step = root / "parcours" / "un-parcours" / "01-une-etape.md"
    edit(step, f"Une autre{NNBSP}?", "Une autre ?")
    assert messages(root) == [f"{step}: line 8 (questions): plain space before « ? »"]


USAGE_RULES = """\
[[rule]]
slug = "une-regle"
title = "Diversifier : les bases"
aims = ["diversifier"]

[[rule.item]]
kind = "fiche"
target = "une-fiche"
why = "Pour vous ; une fiche « utile »."
"""


def test_typography_is_checked_in_the_titles_and_whys_of_the_usage_rules_and_fixed(root):
    path = root / "parcours-d-usage.toml"
    path.write_text(USAGE_RULES, encoding="utf-8")
    assert messages(root) == [
        f"{path}: line 3 (title): plain space before « : »",
        f"{path}: line 9 (why): plain space before « ; »",
        f"{path}: line 9 (why): plain space after « « »",
        f"{path}: line 9 (why): plain space before « » »",
    ]
    assert len(content_checks.fix(root)) == 4
    assert messages(root) == []
    assert f'why = "Pour vous{NNBSP}; une fiche «{NBSP}utile{NBSP}»."' in path.read_text(encoding="utf-8")


def test_de_le_and_a_le_are_reported(root):
    edit(root / "fiches" / "une-fiche.md", "## Une partie", "## Une partie\n\nLes outils de Le RAMEAU, confiés à Le RAMEAU.")
    found = messages(root)
    assert found == [
        f"{root / 'fiches' / 'une-fiche.md'}: line 17 (body): « de Le »: write « du »",
        f"{root / 'fiches' / 'une-fiche.md'}: line 17 (body): « à Le »: write « au »",
    ]


# The fixer -----------------------------------------------------------------------------------------------------


def test_the_fixer_repairs_only_the_typography_spaces_and_says_what_it_changed(root):
    fiche = root / "fiches" / "une-fiche.md"
    edit(fiche, "## Une partie", "## Une partie\n\nPourquoi ? Le « mot » : de Le RAMEAU. Vraiment!")
    edit(fiche, 'chapeau = "Un chapeau sans faute."', 'chapeau = "Un chapeau : avec faute."')
    edit(root / "references" / "socle.toml", 'url = ""\nkind = "document"', 'url = ""\nkind = "web"')
    changes = content_checks.fix(root)
    assert len(changes) == 6
    assert all(change.startswith(str(fiche)) for change in changes)
    assert f"{fiche}: line 17: plain space before « ? », now U+202F" in changes
    text = fiche.read_text(encoding="utf-8")
    assert f"Pourquoi{NNBSP}? Le «{NBSP}mot{NBSP}»{NBSP}: de Le RAMEAU. Vraiment{NNBSP}!" in text
    assert f'chapeau = "Un chapeau{NBSP}: avec faute."' in text
    assert sorted(messages(root)) == sorted([
        f"{fiche}: line 17 (body): « de Le »: write « du »",
        f"{root / 'references' / 'socle.toml'}: [[reference]] livre-imprime: "
        'no url: only a printed document (kind = "document") may lack one',
    ])
    assert content_checks.fix(root) == []


def test_the_fixer_leaves_a_file_without_typography_problems_byte_for_byte(root):
    before = {path: path.read_bytes() for path in root.rglob("*") if path.is_file()}
    assert content_checks.fix(root) == []
    assert {path: path.read_bytes() for path in root.rglob("*") if path.is_file()} == before


def test_the_fixed_shipped_files_pass_the_typography_check(tmp_path):
    """The fixer on a scratch copy of the shipped files: nothing of typography remains."""
    shutil.copytree(FIXTURES_DIR, tmp_path / "fixtures")
    content_checks.fix(tmp_path / "fixtures")
    remaining = [str(problem) for problem in content_checks.check(tmp_path / "fixtures")]
    assert not [message for message in remaining if " space " in message]


def test_the_command_line_prints_the_problems_fixes_with_fix_and_says_when_all_is_well(root, capsys):
    edit(root / "fiches" / "une-fiche.md", "## Une partie", "## Une partie\n\nPourquoi ?")
    assert content_checks.main([], root) == 1
    assert capsys.readouterr().out.endswith("line 17 (body): plain space before « ? »\n1 problem\n")
    assert content_checks.main(["--fix"], root) == 0
    assert capsys.readouterr().out.startswith(f"fixed {root / 'fiches' / 'une-fiche.md'}: line 17: plain space")
    assert content_checks.main([], root) == 0
    assert capsys.readouterr().out == "0 problems\n"


# The shipped content -------------------------------------------------------------------------------------------


def test_the_shipped_content_has_no_problem():
    problems = [str(problem) for problem in content_checks.check()]
    assert problems == [], "\n".join(textwrap.shorten(problem, 200) for problem in problems)
