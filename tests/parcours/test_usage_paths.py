"""Building a parcours d'usage from answers and rules (parcours.usage_paths): matching, time, fallback, order."""

import pytest

from parcours.models import Medoc, UsageRuleItem
from parcours.usage_paths import Answers, build_path, kept_path, load_rulebook, parse_key
from resources.models import Fiche, GlossaryTerm, Region
from tests.factories import make_fiche, make_parcours, make_step, make_usage_rule, make_vocabulary

pytestmark = pytest.mark.django_db

ASSOCIATION_2H = Answers(profile="association", aim="diversifier", maturity="j-ai-commence", time="2-h")


def fiches(count, **overrides):
    return [make_fiche(**overrides) for _ in range(count)]


def build(answers=ASSOCIATION_2H):
    return build_path(answers, load_rulebook())


def test_a_rule_applies_only_when_every_condition_holds():
    mine = fiches(5)
    make_usage_rule(profiles=["association"], aims=["diversifier"], items=[{"fiche": f} for f in mine])
    make_usage_rule(profiles=["entreprise"], items=[{"fiche": make_fiche(title="Pour les entreprises")}])
    make_usage_rule(aims=["diversifier"], maturities=["je-pilote"], items=[{"fiche": make_fiche(title="Pilotes")}])

    path = build()

    assert [entry.title for entry in path.entries] == [f.title for f in mine]
    assert not path.used_fallback and not path.built_in


def test_region_and_domain_conditions_need_that_answer():
    occitanie = make_vocabulary(Region, slug="occitanie", label="Occitanie")
    make_usage_rule(items=[{"fiche": f} for f in fiches(5)])
    regional = make_fiche(title="Repères en Occitanie")
    make_usage_rule(regions=[occitanie], priority=90, items=[{"fiche": regional}])

    assert regional.title not in [e.title for e in build().entries]
    with_region = Answers(**{**ASSOCIATION_2H.__dict__, "region": "occitanie"})
    assert regional.title in [e.title for e in build(with_region).entries]


def test_the_total_time_never_exceeds_the_budget_and_short_items_are_kept_to_reach_five():
    parcours = make_parcours()
    long_step = make_step(parcours, minutes=115, title="Une longue étape")
    short = fiches(5)  # a few lines each: two minutes of reading
    make_usage_rule(priority=90, items=[{"step": long_step}, *({"fiche": f} for f in short)])

    path = build()

    assert path.total_minutes <= 120
    assert len(path.entries) == 5
    assert "Une longue étape" not in [e.title for e in path.entries]  # it would leave no room for five items


def test_an_item_longer_than_the_budget_is_left_out_even_when_alone():
    parcours = make_parcours()
    make_usage_rule(items=[{"step": make_step(parcours, minutes=200)}])

    path = build(Answers(profile="association", aim="diversifier", maturity="je-decouvre", time="30-min"))

    assert path.built_in  # nothing fitted: the hub's own doors
    assert path.total_minutes <= 30


def test_at_most_twelve_items():
    make_usage_rule(items=[{"fiche": f} for f in fiches(15)])

    path = build(Answers(profile="fondation", aim="comprendre", maturity="je-decouvre", time="plusieurs-semaines"))

    assert len(path.entries) == 12


def test_fallback_rules_complete_a_short_path_and_only_then():
    make_usage_rule(items=[{"fiche": f} for f in fiches(2)])
    spare = fiches(4)
    make_usage_rule(is_fallback=True, items=[{"fiche": f} for f in spare])

    path = build()

    assert len(path.entries) == 5 and path.used_fallback
    assert [e.title for e in path.entries][2:] == [f.title for f in spare[:3]]


def test_no_rule_at_all_gives_the_built_in_path_within_thirty_minutes():
    path = build(Answers(profile="reseau", aim="alliance", maturity="je-pilote", time="30-min"))

    assert path.built_in and len(path.entries) == 5 and path.total_minutes <= 30
    assert all(entry.url.startswith("/") and entry.why for entry in path.entries)


def test_an_item_named_twice_appears_once_at_its_first_place_and_a_draft_fiche_never():
    shared = make_fiche(title="Partagée")
    draft = make_fiche(title="Brouillon", status=Fiche.Status.DRAFT)
    make_usage_rule(priority=80, items=[{"fiche": shared}, {"fiche": draft}, *({"fiche": f} for f in fiches(3))])
    make_usage_rule(priority=20, items=[{"fiche": shared}, *({"fiche": f} for f in fiches(2))])

    titles = [e.title for e in build().entries]

    assert titles.count("Partagée") == 1 and "Brouillon" not in titles


def test_entries_are_grouped_in_medoc_order_and_numbered_as_shown():
    term = GlossaryTerm.objects.create(slug="hybridation", term="Hybridation", definition="Une définition.")
    example = make_fiche(family=Fiche.Family.EXEMPLE, title="Un exemple")
    method = make_fiche(family=Fiche.Family.METHODE, title="Une méthode")
    figures = make_fiche(family=Fiche.Family.REPERE, title="Des chiffres")
    make_usage_rule(items=[{"glossary_term": term}, {"fiche": example}, {"fiche": figures}, {"fiche": method},
                           {"kind": UsageRuleItem.Kind.DIAGNOSTIC, "minutes": 20}])

    path = build()

    assert [group.value for group, _ in path.groups] == [
        Medoc.METHODES, Medoc.EXEMPLES, Medoc.DONNEES, Medoc.OUTILS, Medoc.COMPETENCES]
    assert [(e.number, e.title) for e in path.entries] == [
        (1, "Une méthode"), (2, "Un exemple"), (3, "Des chiffres"), (4, "Mon modèle socio-économique"),
        (5, "Hybridation")]
    assert path.entries[4].minutes == 3 and path.entries[3].minutes == 20


def test_a_parcours_level_counts_the_steps_it_holds():
    parcours = make_parcours(steps=4, depths=("decouverte", "decouverte", "approfondissement", "fondamentaux"))
    make_usage_rule(items=[{"parcours": parcours, "depth": "decouverte"}, *({"fiche": f} for f in fiches(4))])

    path = build(Answers(profile="association", aim="comprendre", maturity="je-decouvre", time="une-journee"))

    level = next(e for e in path.entries if e.kind == "parcours")
    assert level.minutes == 60 and level.url.endswith("?niveau=decouverte") and level.context == "2 étapes"


def test_a_kept_path_reads_its_targets_again_and_counts_those_gone():
    kept = fiches(2)
    snapshot = [{"key": f"fiche:{f.pk}", "minutes": 4, "medoc": "methodes", "why": "Utile."} for f in kept]
    kept[0].title = "Nouveau titre"
    kept[0].save()
    kept[1].delete()

    path = kept_path([*snapshot, {"key": "page:glossaire"}, "pas un dict", {"key": "fiche:999999"}])

    assert [e.title for e in path.entries] == ["Nouveau titre", "Le glossaire"]
    assert path.missing == 2


@pytest.mark.parametrize("key", ["", "fiche", "fiche:", "fiche:x", "fiche:1:2", "parcours:1", "parcours:1:inconnu",
                                 "diagnostic:1", "autre:1", "fiche:" + "9" * 20, None, 12])
def test_forged_keys_are_refused(key):
    assert parse_key(key) is None


def test_answers_say_themselves_in_a_stable_address():
    answers = Answers(profile="association", aim="diversifier", maturity="j-ai-commence", time="2-h", region="bretagne")
    assert answers.query() == "profil=association&objectif=diversifier&maturite=j-ai-commence&temps=2-h&region=bretagne"


def test_a_target_named_twice_gets_the_second_rule_s_time_when_the_first_does_not_fit():
    parcours = make_parcours()
    step = make_step(parcours, minutes=90, title="L’étape partagée")
    make_usage_rule(priority=90, items=[{"step": step, "minutes": 200}])
    make_usage_rule(priority=10, items=[{"step": step}, *({"fiche": f} for f in fiches(4))])

    path = build()

    shared = [e for e in path.entries if e.title == "L’étape partagée"]
    assert len(shared) == 1 and shared[0].minutes == 90


def test_a_level_and_one_of_its_steps_never_both_appear():
    parcours = make_parcours(steps=3, depths=("decouverte", "decouverte", "approfondissement"))
    first, _, third = parcours.steps.order_by("order")
    make_usage_rule(priority=90, items=[{"parcours": parcours, "depth": "decouverte", "minutes": 20}])
    make_usage_rule(priority=50, items=[{"step": first, "minutes": 5}, {"step": third, "minutes": 5},
                                        *({"fiche": f} for f in fiches(3))])

    keys = [e.key for e in build(Answers(profile="association", aim="comprendre", maturity="je-decouvre",
                                         time="une-journee")).entries]

    assert f"parcours:{parcours.pk}:decouverte" in keys and f"step:{third.pk}" in keys
    assert f"step:{first.pk}" not in keys  # already in the level


def test_a_kept_diagnostic_keeps_the_time_and_why_of_its_rule():
    snapshot = [{"key": "diagnostic", "minutes": 30, "medoc": "outils", "why": "Mesurez votre dépendance."},
                {"key": "page:glossaire", "minutes": 5, "medoc": "competences", "why": "Les mots du sujet."}]

    path = kept_path(snapshot)

    assert [(e.title, e.minutes, e.why) for e in path.entries] == [
        ("Mon modèle socio-économique", 30, "Mesurez votre dépendance."), ("Le glossaire", 5, "Les mots du sujet.")]
    assert path.total_minutes == 35


def test_steps_of_a_parcours_are_shown_in_its_order_whatever_the_rules_order():
    parcours = make_parcours(steps=3)
    first, second, third = parcours.steps.order_by("order")
    make_usage_rule(priority=90, items=[{"step": third, "minutes": 5}, {"fiche": make_fiche(title="Lecture")}])
    make_usage_rule(priority=50, items=[{"step": first, "minutes": 5}, {"glossary_term": GlossaryTerm.objects.create(
        slug="gouvernance", term="gouvernance", definition="Une définition.")}, {"step": second, "minutes": 5}])

    path = build()

    competences = [e.key for e in path.entries if e.medoc == Medoc.COMPETENCES]
    # Taken third, first, the term, second (rule priorities): the steps fill their places in their own order.
    steps = [key for key in competences if key.startswith("step:")]
    assert steps == [f"step:{first.pk}", f"step:{second.pk}", f"step:{third.pk}"]
    assert competences[2].startswith("glossary:")
    assert [e.number for e in path.entries] == list(range(1, len(path.entries) + 1))
