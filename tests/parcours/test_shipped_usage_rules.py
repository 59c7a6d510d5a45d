"""The rules of « Par où commencer ? » shipped in fixtures/parcours-d-usage.toml: loaded like the other shipped
content, and giving every possible answer a real path within its time budget.

The paths are built from one rule book, read once for the module (``book``): building a path is then plain Python,
so the 504 answers and the regions and domains cost a few seconds at most.
"""

import itertools
import re
import tomllib
from dataclasses import dataclass, replace

import pytest
from django.db import transaction

from parcours.content_files import USAGE_RULES_FILE, load_usage_rules
from parcours.content_loader import usage_rules_load
from parcours.models import ActorType, Aim, Maturity, Step, TimeBudget, UsageRule, UsageRuleItem
from parcours.models.usage import MAX_ITEMS, MIN_ITEMS
from parcours.outline import depth_includes
from parcours.usage_paths import Answers, build_path, load_rulebook
from resources.content_files import ContentError
from resources.models import Domain, Fiche, Region
from tests.shipped import restore

SHIPPED = tomllib.loads(USAGE_RULES_FILE.read_text(encoding="utf-8"))["rule"]
ANSWERS = [Answers(profile, aim, maturity, time) for profile, aim, maturity, time in itertools.product(
    ActorType.values, Aim.values, Maturity.values, TimeBudget.values)]


@dataclass(frozen=True)
class Shipped:
    """The rule book of the shipped content, and what the tests need to read its paths by slug."""

    book: object
    rule_slugs: dict  # rule pk -> slug
    fiche_keys: dict  # fiche slug -> item key
    step_parcours: dict  # step key -> (parcours pk, step), to tell whether a level holds a step
    regions: tuple
    domains: tuple

    def without_fallback(self):
        return replace(self.book, rules=tuple(rule for rule in self.book.rules if not rule.is_fallback))

    def fallback_only(self):
        return replace(self.book, rules=tuple(rule for rule in self.book.rules if rule.is_fallback))


@pytest.fixture(scope="module")
def shipped(django_db_setup, django_db_blocker, shipped_rows):
    """Everything `load_content` writes, read once into plain values, then rolled back."""
    with django_db_blocker.unblock(), transaction.atomic():
        restore(shipped_rows)
        values = Shipped(
            book=load_rulebook(),
            rule_slugs=dict(UsageRule.objects.values_list("pk", "slug")),
            fiche_keys={slug: f"fiche:{pk}" for slug, pk in Fiche.objects.values_list("slug", "pk")},
            step_parcours={f"step:{step.pk}": (step.parcours_id, step) for step in Step.objects.all()},
            regions=tuple(Region.objects.values_list("slug", flat=True)),
            domains=tuple(Domain.objects.values_list("slug", flat=True)),
        )
        transaction.set_rollback(True)
    return values


@pytest.fixture
def before_usage_rules(db, shipped_rows):
    """What the loaders before usage_rules_load write: the rules name fiches, steps, worksheets, terms, tools."""
    restore(shipped_rows, upto="worksheets")


def assert_valid(path, answers):
    keys = [entry.key for entry in path.entries]
    assert MIN_ITEMS <= len(path.entries) <= MAX_ITEMS, (answers, keys)
    assert path.total_minutes <= answers.budget, (answers, path.total_minutes)
    assert not path.built_in, answers
    assert len(set(keys)) == len(keys), (answers, keys)


# Loading -------------------------------------------------------------------------------------------------------


def test_loading_creates_every_rule_and_item_of_the_file(before_usage_rules):
    assert usage_rules_load() == len(SHIPPED)

    assert UsageRule.objects.count() == len(SHIPPED)
    assert UsageRuleItem.objects.count() == sum(len(row["item"]) for row in SHIPPED)
    rule = UsageRule.objects.get(slug="association-diversifier")
    assert (rule.profiles, rule.aims, rule.maturities, rule.times) == (["association"], ["diversifier"], [], [])
    assert [(item.kind, item.minutes) for item in rule.items.all()][0] == ("diagnostic", 20)
    assert rule.items.all()[1].fiche.slug == "droit-fiscalite-activite-commerciale"
    assert set(UsageRule.objects.get(slug="region-outre-mer").regions.values_list("slug", flat=True)) == {
        "guadeloupe", "martinique", "guyane", "la-reunion", "mayotte"}
    assert UsageRule.objects.get(slug="domaine-reperes").domains.count() == Domain.objects.count()
    level = UsageRuleItem.objects.get(rule__slug="decouvrir-en-une-journee", kind="parcours")
    assert (level.parcours.slug, level.depth) == ("qualifier-son-modele", "decouverte")
    assert UsageRule.objects.filter(is_fallback=True).exists()
    for item in UsageRuleItem.objects.all():
        item.clean()  # what the admin would accept


def test_loading_again_creates_nothing_and_keeps_what_staff_edited(before_usage_rules):
    usage_rules_load()
    rule = UsageRule.objects.get(slug="diversifier-bases")
    rule.title, rule.priority = "Titre de l’équipe", 12
    rule.save()
    rule.items.last().delete()
    items = UsageRuleItem.objects.count()

    assert usage_rules_load() == 0

    rule.refresh_from_db()
    assert (rule.title, rule.priority) == ("Titre de l’équipe", 12)
    assert UsageRuleItem.objects.count() == items


def test_update_rewrites_conditions_and_items_but_not_whether_a_rule_is_active(before_usage_rules):
    usage_rules_load()
    rule = UsageRule.objects.get(slug="region-occitanie")
    rule.title, rule.aims, rule.is_active = "Autre", ["gouvernance"], False
    rule.save()
    rule.regions.clear()
    rule.items.all().delete()

    assert usage_rules_load(update=True) == 0

    rule.refresh_from_db()
    row = next(row for row in SHIPPED if row["slug"] == "region-occitanie")
    assert (rule.title, rule.aims, rule.is_active) == (row["title"], [], False)
    assert list(rule.regions.values_list("slug", flat=True)) == ["occitanie"]
    assert [item.fiche.slug for item in rule.items.all()] == [item["target"] for item in row["item"]]
    assert UsageRuleItem.objects.count() == sum(len(row["item"]) for row in SHIPPED)


SAMPLE = """\
[[rule]]
slug = "une-regle"
title = "Une règle"
profiles = ["association"]
regions = ["occitanie"]
priority = 60

[[rule.item]]
kind = "fiche"
target = "pratiques-des-associations"
why = "Parce que."

[[rule.item]]
kind = "parcours"
target = "qualifier-son-modele"
depth = "decouverte"
why = "Pour commencer."

[[rule.item]]
kind = "diagnostic"
minutes = 20
why = "Pour se situer."
"""

COLON = "\u00a0:"  # « : » as the messages write it


def q(text):
    return f"«\u00a0{text}\u00a0»"


FICHE_ITEM = 'kind = "fiche"\ntarget = "pratiques-des-associations"'
# (text of SAMPLE, replaced by, part of the message)
BROKEN = [
    ('kind = "fiche"', 'kind = "video"', f"élément 1{COLON} nature {q('video')} inconnue"),
    ('profiles = ["association"]', 'profiles = ["ong"]', f"profiles{COLON} valeur inconnue {q('ong')}"),
    ("priority = 60", 'priority = 60\ntimes = ["1-h"]', f"times{COLON} valeur inconnue {q('1-h')}"),
    ('target = "pratiques-des-associations"', 'target = "fiche-absente"',
     f"cible {q('fiche-absente')} introuvable pour la nature {q('fiche')}"),
    (FICHE_ITEM, 'kind = "step"\ntarget = "se-situer"',
     f"cible {q('se-situer')} introuvable pour la nature {q('step')} (écrire {q('parcours/étape')})"),
    ('regions = ["occitanie"]', 'regions = ["atlantide"]', f"regions{COLON} région inconnue {q('atlantide')}"),
    ('regions = ["occitanie"]', 'domains = ["peche"]', f"domains{COLON} domaine inconnu {q('peche')}"),
    ('why = "Parce que."\n', "", f"élément 1{COLON} pourquoi (why) manquant"),
    ('why = "Parce que."', f'why = "{"a" * 301}"', f"pourquoi (why) trop long{COLON} 301 caractères (300 au plus)"),
    ("minutes = 20\n", "", f"élément 3{COLON} durée (minutes) obligatoire pour la nature {q('diagnostic')}"),
    (FICHE_ITEM, 'kind = "tool"\ntarget = "plateforme-odd17"', f"durée (minutes) obligatoire pour la nature {q('tool')}"),
    (FICHE_ITEM, FICHE_ITEM + '\ndepth = "decouverte"', f"élément 1{COLON} un niveau (depth) ne se donne qu’à un parcours"),
    ('target = "qualifier-son-modele"', 'target = "trajectoire-socio-economique"',
     f"le parcours {q('trajectoire-socio-economique')} n’a pas de niveau {q('decouverte')}"),
    ("minutes = 20\n", 'minutes = 20\ntarget = "mon-modele"\n', f"pas de cible (target) pour la nature {q('diagnostic')}"),
    ("priority = 60", "prority = 60", f"clé inconnue {q('prority')}"),
    ("priority = 60", "priority = 160", f"priority{COLON} un nombre entier de 0 à 100"),
    ("minutes = 20", "minutes = -5", f"minutes{COLON} un nombre entier de minutes, positif"),
    (FICHE_ITEM, FICHE_ITEM + '\nmedoc = "recettes"', f"famille M.E.D.O.C. {q('recettes')} inconnue"),
]


@pytest.mark.parametrize("old, new, message", BROKEN, ids=[case[2][:40] for case in BROKEN])
def test_a_broken_file_is_refused_with_a_message_naming_the_file_the_rule_and_the_problem(
        before_usage_rules, tmp_path, old, new, message):
    path = tmp_path / "parcours-d-usage.toml"
    assert old in SAMPLE
    path.write_text(SAMPLE.replace(old, new, 1), encoding="utf-8")

    with pytest.raises(ContentError) as error:
        usage_rules_load(path=path)

    assert f"{path}, règle {q('une-regle')}{COLON}" in str(error.value)
    assert message in str(error.value)
    assert not UsageRule.objects.exists()


def test_the_sample_of_the_broken_files_is_itself_valid(before_usage_rules, tmp_path):
    path = tmp_path / "parcours-d-usage.toml"
    path.write_text(SAMPLE, encoding="utf-8")
    assert usage_rules_load(path=path) == 1


def test_a_slug_used_twice_a_rule_without_item_and_a_file_that_is_not_toml_are_refused(before_usage_rules, tmp_path):
    path = tmp_path / "parcours-d-usage.toml"
    path.write_text(SAMPLE + SAMPLE + '[[rule]]\nslug = "vide"\ntitle = "Sans élément"\n', encoding="utf-8")
    with pytest.raises(ContentError) as error:
        usage_rules_load(path=path)
    assert "identifiant (slug) déjà pris par une règle plus haut dans le fichier" in str(error.value)
    assert f"règle {q('vide')}{COLON} aucun élément" in str(error.value)

    path.write_text('[[rule]]\nslug = "oubli-de-guillemet\n', encoding="utf-8")
    with pytest.raises(ContentError, match="illisible"):
        load_usage_rules(path)


# The paths -------------------------------------------------------------------------------------------------------


def test_the_file_holds_a_few_dozen_rules_each_why_in_its_own_words():
    whys = [item["why"] for row in SHIPPED for item in row["item"]]
    assert 30 <= len(SHIPPED) <= 55
    assert len(set(whys)) == len(whys)
    assert [why for why in whys if not re.search(r"\b(vous|votre|vos)\b", why.lower())] == []  # they speak to the person


def test_every_item_names_a_target_that_may_be_shown(shipped, shipped_content):
    items = [item for rule in shipped.book.rules for item in rule.items]
    assert len(items) == UsageRuleItem.objects.count() == sum(len(row["item"]) for row in SHIPPED)
    assert [item.key for item in items if item.key not in shipped.book.targets] == []  # no draft, nothing missing
    assert not UsageRule.objects.filter(is_active=False).exists()


def test_every_answer_gets_five_to_twelve_items_within_its_time_and_never_the_built_in_path(shipped):
    for answers in ANSWERS:
        path = build_path(answers, shipped.book)
        assert_valid(path, answers)
        assert not path.used_fallback, answers


def test_every_answer_gets_five_items_from_the_rules_that_are_not_fallback(shipped):
    book = shipped.without_fallback()
    short = [answers for answers in ANSWERS if len(build_path(answers, book).entries) < MIN_ITEMS]
    assert short == []


def test_thirty_minutes_give_only_short_items_and_several_weeks_a_whole_parcours_or_level(shipped):
    for answers in ANSWERS:
        path = build_path(answers, shipped.book)
        if answers.time == "30-min":
            # the diagnostic's questionnaire alone is the one quarter of an hour worth half the budget
            assert max(entry.minutes for entry in path.entries if entry.key != "diagnostic") <= 10, answers
            assert max(entry.minutes for entry in path.entries) <= 15, answers
        if answers.time == "plusieurs-semaines":
            assert any(entry.kind == "parcours" for entry in path.entries), answers


def test_taking_stock_offers_the_diagnostic_in_thirty_minutes_and_piloting_offers_it_for_a_day(shipped):
    for answers in ANSWERS:
        minutes = {entry.key: entry.minutes for entry in build_path(answers, shipped.book).entries}
        if (answers.aim, answers.time) == ("faire-le-point", "30-min"):
            assert minutes.get("diagnostic") == 15, answers
        if (answers.maturity, answers.time) == ("je-pilote", "une-journee"):
            assert "diagnostic" in minutes, answers


def test_no_path_gives_a_level_of_a_parcours_and_a_step_it_already_holds(shipped):
    for answers in ANSWERS:
        keys = [entry.key for entry in build_path(answers, shipped.book).entries]
        levels = [key.split(":") for key in keys if key.startswith("parcours:")]
        for key in keys:
            if key in shipped.step_parcours:
                parcours, step = shipped.step_parcours[key]
                assert not any(int(pk) == parcours and depth_includes(depth, step) for _, pk, depth in levels), answers


def test_every_region_and_domain_keeps_a_valid_path_with_its_own_repere(shipped):
    combinations = itertools.cycle(ANSWERS[::7])  # a different profile, aim, maturity or time for each
    for region in shipped.regions:
        answers = replace(next(combinations), region=region)
        path = build_path(answers, shipped.book)
        assert_valid(path, answers)
        keys = {entry.key for entry in path.entries}
        assert shipped.fiche_keys["reperes-par-territoire"] in keys, region
        if region == "occitanie":
            assert shipped.fiche_keys["reperes-occitanie"] in keys
    for domain in shipped.domains:
        answers = replace(next(combinations), domain=domain)
        path = build_path(answers, shipped.book)
        assert_valid(path, answers)
        assert shipped.fiche_keys["reperes-par-domaine"] in {entry.key for entry in path.entries}, domain


def test_a_region_or_a_domain_with_examples_shows_its_first_example_whatever_the_other_answers(shipped):
    """The others (« …-suite », below the aims) fill what room is left: a region and a domain given together never
    push the aim's own resources out of the path."""
    for rule in shipped.book.rules:
        slug = shipped.rule_slugs[rule.pk]
        if not slug.startswith("exemples-") or slug.endswith("-suite"):
            continue
        assert len(rule.items) == 1, slug
        wanted = {item.key for item in rule.items}
        for answers, region, domain in itertools.product(ANSWERS, sorted(rule.regions) or [""], sorted(rule.domains) or [""]):
            answers = replace(answers, region=region, domain=domain)
            keys = {entry.key for entry in build_path(answers, shipped.book).entries}
            assert wanted <= keys, (shipped.rule_slugs[rule.pk], answers)


def test_every_rule_gives_at_least_one_item_to_some_answer_it_matches(shipped):
    fallback_path = build_path(ANSWERS[0], shipped.fallback_only())
    contributing = {entry.rule_pk for entry in fallback_path.entries}
    for rule in shipped.book.rules:
        if rule.pk in contributing:
            continue
        places = [(region, domain) for region in sorted(rule.regions) or [""] for domain in sorted(rule.domains) or [""]]
        for answers, (region, domain) in itertools.product(ANSWERS, places):
            path = build_path(replace(answers, region=region, domain=domain), shipped.book)
            contributing |= {entry.rule_pk for entry in path.entries}
            if rule.pk in contributing:
                break
    assert [shipped.rule_slugs[rule.pk] for rule in shipped.book.rules if rule.pk not in contributing] == []


def test_the_fallback_rules_alone_give_five_items_within_thirty_minutes(shipped):
    book = shipped.fallback_only()
    assert book.rules
    for answers in ANSWERS:
        if answers.time == "30-min":
            path = build_path(answers, book)
            assert_valid(path, answers)
            assert path.used_fallback and len(path.entries) == MIN_ITEMS


def test_an_association_director_with_two_hours_to_diversify_gets_a_path_made_for_them(shipped):
    answers = Answers(profile="association", aim="diversifier", maturity="j-ai-commence", time="2-h")

    path = build_path(answers, shipped.book)

    assert path.total_minutes <= 120
    keys = {entry.key for entry in path.entries}
    wanted = ["diversifier-ses-subventions-et-dons", "pratiques-des-associations", "droit-fiscalite-activite-commerciale"]
    assert {shipped.fiche_keys[slug] for slug in wanted} <= keys
    assert "diagnostic" in keys
    assert not keys & {shipped.fiche_keys[slug] for slug in ("pratiques-des-entreprises", "pratiques-des-fondations")}

