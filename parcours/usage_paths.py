"""Build a parcours d'usage from a person's answers and the rules staff edit (parcours.models.usage).

The rules and every target they name are read once per content version (``rulebook()``: a fixed number of queries,
then none until content changes); building a path is then plain Python over that book:

1. the rules whose conditions all hold give candidate items in rounds: each rule's first item, higher priority
   first, then each rule's second, and so on; an item named twice counts once;
2. items are taken in that order while they fit the time left, keeping room for enough short ones to reach
   MIN_ITEMS, up to MAX_ITEMS;
3. below MIN_ITEMS, the fallback rules' items complete the path the same way, up to MIN_ITEMS;
4. a path still empty (staff switched every rule off) is the built-in one: the hub's main doors, in 30 minutes.
"""

import math
from dataclasses import dataclass, field

from django.db.models.functions import Length
from django.http import QueryDict
from django.urls import reverse
from django.utils.http import urlencode

from core.content_cache import cached
from core.templatetags.french import pluriel
from parcours.models import (
    ActorType, Aim, Depth, Maturity, Medoc, Parcours, Step, TimeBudget, UsageRule, UsageRuleItem,
)
from parcours.models.usage import MAX_ITEMS, MIN_ITEMS
from parcours.outline import depth_includes
from resources.models import Fiche, GlossaryTerm, Lever, Tool, Worksheet

Kind = UsageRuleItem.Kind

# URL parameter → Answers field, in the order of the canonical query.
PARAMETERS = {"profil": "profile", "objectif": "aim", "maturite": "maturity", "temps": "time",
              "region": "region", "domaine": "domain"}
# About 200 words a minute, six characters a word (spaces included) in French prose.
CHARACTERS_PER_MINUTE = 1200
GLOSSARY_MINUTES = 3
DEFAULT_MINUTES = 10  # a rule item of a kind that needs minutes but has none (the admin refuses it)

FICHE_MEDOC = {
    Fiche.Family.METHODE: Medoc.METHODES, Fiche.Family.ACTION: Medoc.METHODES, Fiche.Family.ACTEUR: Medoc.EXEMPLES,
    Fiche.Family.EXEMPLE: Medoc.EXEMPLES, Fiche.Family.REPERE: Medoc.DONNEES, Fiche.Family.DROIT: Medoc.COMPETENCES,
}
KIND_MEDOC = {
    Kind.STEP: Medoc.COMPETENCES, Kind.PARCOURS: Medoc.COMPETENCES, Kind.GLOSSARY: Medoc.COMPETENCES,
    Kind.LEVER: Medoc.COMPETENCES, Kind.DIAGNOSTIC: Medoc.OUTILS, Kind.WORKSHEET: Medoc.OUTILS, Kind.TOOL: Medoc.OUTILS,
}


@dataclass(frozen=True)
class Answers:
    """Validated answers (parcours.forms.UsageAnswersForm): choice values, and slugs for region and domain."""

    profile: str
    aim: str
    maturity: str
    time: str
    region: str = ""
    domain: str = ""
    region_label: str = ""
    domain_label: str = ""

    @property
    def budget(self):
        return TimeBudget(self.time).minutes

    @property
    def budget_phrase(self):
        """How the page says the time given: « sur les 2 heures dont vous disposez », « sur votre journée (6 h) »."""
        return {
            TimeBudget.MINUTES_30: "sur les 30 minutes dont vous disposez",
            TimeBudget.HOURS_2: "sur les 2 heures dont vous disposez",
            TimeBudget.DAY: "sur votre journée, comptée 6 h",
            TimeBudget.WEEKS: "sur vos quelques semaines, comptées 40 h de travail",
        }[TimeBudget(self.time)]

    def query(self):
        """The answers as the path's address says them, always in the same order: the share link, and the key
        under which a kept path is stored."""
        pairs = [(name, getattr(self, attribute)) for name, attribute in PARAMETERS.items()]
        return urlencode([(name, value) for name, value in pairs if value])

    def labels(self):
        """[(question, answer)] for the page's summary of the answers."""
        rows = [
            ("Profil", ActorType(self.profile).label), ("Objectif", Aim(self.aim).label),
            ("Maturité", Maturity(self.maturity).label), ("Temps disponible", TimeBudget(self.time).label),
        ]
        if self.region:
            rows.append(("Région", self.region_label or self.region))
        if self.domain:
            rows.append(("Domaine", self.domain_label or self.domain))
        return rows

    @property
    def title(self):
        return title_for_query(self.query()).title


@dataclass(frozen=True)
class Target:
    """What an item points at, read from the database: the same for every path that names it."""

    key: str
    kind: str
    kind_label: str
    title: str
    url: str
    minutes: int | None
    medoc: str
    context: str = ""
    covers: frozenset = frozenset()  # the steps it takes the person through: a level and one of its steps overlap
    sequence: tuple | None = None  # (parcours, order) of a step or a level: shown in the parcours' order


@dataclass(frozen=True)
class ItemData:
    key: str
    order: int
    minutes: int | None
    medoc: str
    why: str


@dataclass(frozen=True)
class RuleData:
    pk: int
    title: str
    profiles: tuple
    aims: tuple
    maturities: tuple
    times: tuple
    regions: frozenset
    domains: frozenset
    priority: int
    is_fallback: bool
    items: tuple

    def matches(self, answers):
        conditions = ((self.profiles, answers.profile), (self.aims, answers.aim),
                      (self.maturities, answers.maturity), (self.times, answers.time),
                      (self.regions, answers.region), (self.domains, answers.domain))
        return all(not wanted or value in wanted for wanted, value in conditions)


@dataclass(frozen=True)
class RuleBook:
    rules: tuple
    targets: dict


@dataclass
class PathEntry:
    key: str
    kind: str
    kind_label: str
    title: str
    url: str
    minutes: int
    medoc: str
    why: str
    context: str = ""
    rule_pk: int | None = None  # None: the built-in fallback
    number: int = 0
    done: bool = False
    covers: frozenset = frozenset()
    sequence: tuple | None = None

    @property
    def medoc_label(self):
        return Medoc(self.medoc).label

    def snapshot(self):
        """What a kept path stores of the entry: its target's key and what the rule said; title and address are
        read again when the path is shown (a fiche renamed since keeps its new name)."""
        return {"key": self.key, "minutes": self.minutes, "medoc": self.medoc, "why": self.why}


@dataclass
class UsagePath:
    entries: list
    used_fallback: bool = False
    built_in: bool = False
    missing: int = 0  # kept entries whose target left the hub since
    groups: list = field(init=False)

    def __post_init__(self):
        self.renumber()

    def renumber(self):
        """Group by M.E.D.O.C., in the approach's order, and number the entries in the order they are shown."""
        order = {value: index for index, value in enumerate(Medoc.values)}
        self.entries.sort(key=lambda entry: order[entry.medoc])  # stable: the selection order within a group
        # Steps and levels of a parcours keep their places in the group, but in the parcours' own order.
        placed = [index for index, entry in enumerate(self.entries) if entry.sequence is not None]
        in_order = sorted((self.entries[index] for index in placed), key=lambda e: (order[e.medoc], e.sequence))
        for index, entry in zip(placed, in_order, strict=True):
            self.entries[index] = entry
        for number, entry in enumerate(self.entries, start=1):
            entry.number = number
        self.groups = [(Medoc(value), [e for e in self.entries if e.medoc == value])
                       for value in Medoc.values if any(e.medoc == value for e in self.entries)]

    @property
    def total_minutes(self):
        return sum(entry.minutes for entry in self.entries)

    @property
    def done_count(self):
        return sum(entry.done for entry in self.entries)


# --- Keys and targets ---------------------------------------------------------------------------------------------

def item_key(item):
    """The key of what a rule item points at: « fiche:12 », « parcours:3:decouverte », « diagnostic »…"""
    if item.kind == Kind.DIAGNOSTIC:
        return "diagnostic"
    if item.kind == Kind.PARCOURS:
        return f"parcours:{item.parcours_id}:{item.depth}"
    return f"{item.kind}:{getattr(item, UsageRuleItem.TARGET_FIELDS[item.kind] + '_id')}"


def parse_key(key):
    """(kind, id, depth) of a key, or None when it is not one (a forged address)."""
    if not isinstance(key, str) or len(key) > 40:
        return None
    if key == "diagnostic":
        return Kind.DIAGNOSTIC, None, ""
    parts = key.split(":")
    if len(parts) not in (2, 3) or parts[0] not in Kind.values or parts[0] == Kind.DIAGNOSTIC:
        return None
    if not (parts[1].isascii() and parts[1].isdigit()) or len(parts[1]) > 10:
        return None
    if (len(parts) == 3) != (parts[0] == Kind.PARCOURS) or (len(parts) == 3 and parts[2] not in Depth.values):
        return None
    return parts[0], int(parts[1]), parts[2] if len(parts) == 3 else ""


def _ids(parsed, kind):
    return {pk for k, pk, _ in parsed if k == kind}


def resolve_targets(keys):
    """{key: Target} for the keys whose target exists and may be shown (a draft fiche may not): one query per kind
    present, whatever the number of keys."""
    by_kind = [parsed for key in set(keys) if (parsed := parse_key(key)) is not None]
    targets = {}
    if any(kind == Kind.DIAGNOSTIC for kind, _, _ in by_kind):
        targets["diagnostic"] = Target("diagnostic", Kind.DIAGNOSTIC, "Autodiagnostic",
                                       "Mon modèle socio-économique", reverse("diagnostic:index"), None, Medoc.OUTILS)
    if ids := _ids(by_kind, Kind.FICHE):
        rows = (Fiche.objects.published().filter(pk__in=ids)
                .annotate(characters=Length("body_text") + Length("chapeau"))
                .only("pk", "slug", "title", "family"))
        for fiche in rows:
            minutes = max(2, math.ceil(fiche.characters / CHARACTERS_PER_MINUTE))
            targets[f"fiche:{fiche.pk}"] = Target(
                f"fiche:{fiche.pk}", Kind.FICHE, f"Fiche {fiche.get_family_display()}", fiche.title,
                fiche.get_absolute_url(), minutes, FICHE_MEDOC.get(fiche.family, Medoc.METHODES),
            )
    if ids := _ids(by_kind, Kind.STEP):
        for step in Step.objects.filter(pk__in=ids).select_related("parcours").only(
                "pk", "slug", "title", "minutes", "order", "parcours__slug", "parcours__title"):
            targets[f"step:{step.pk}"] = Target(
                f"step:{step.pk}", Kind.STEP, "Étape de parcours", step.title, step.get_absolute_url(), step.minutes,
                Medoc.COMPETENCES, context=f"Parcours «\u00a0{step.parcours.title}\u00a0»",
                covers=frozenset({f"step:{step.pk}"}), sequence=(step.parcours_id, step.order),
            )
    if ids := _ids(by_kind, Kind.PARCOURS):
        targets.update(_parcours_targets(ids, {(pk, depth) for kind, pk, depth in by_kind if kind == Kind.PARCOURS}))
    simple = ((Kind.WORKSHEET, Worksheet, "Feuille de travail", Medoc.OUTILS, "minutes"),
              (Kind.GLOSSARY, GlossaryTerm, "Glossaire", Medoc.COMPETENCES, None),
              (Kind.TOOL, Tool, "Outil", Medoc.OUTILS, None),
              (Kind.LEVER, Lever, "Levier", Medoc.COMPETENCES, None))
    for kind, model, label, medoc, minutes_field in simple:
        if ids := _ids(by_kind, kind):
            for obj in model.objects.filter(pk__in=ids):
                minutes = getattr(obj, minutes_field) if minutes_field else (
                    GLOSSARY_MINUTES if kind == Kind.GLOSSARY else None)
                title = obj.term if kind == Kind.GLOSSARY else getattr(obj, "title", None) or obj.label
                targets[f"{kind}:{obj.pk}"] = Target(f"{kind}:{obj.pk}", kind, label, title, obj.get_absolute_url(),
                                                     minutes, medoc)
    return targets


def _parcours_targets(ids, wanted):
    """A whole parcours, or one of its levels (cumulative: « approfondissement » holds « découverte »)."""
    parcours = {p.pk: p for p in Parcours.objects.filter(pk__in=ids).only("pk", "slug", "title")}
    steps = list(Step.objects.filter(parcours__in=parcours).only("pk", "parcours", "depth", "minutes"))
    targets = {}
    for pk, depth in wanted:
        if pk not in parcours:
            continue
        included = [s for s in steps if s.parcours_id == pk and depth_includes(depth, s)]
        if not included:
            continue
        url = parcours[pk].get_absolute_url() + (f"?{urlencode({'niveau': depth})}" if depth else "")
        title = parcours[pk].title + (f", niveau {Depth(depth).label.lower()}" if depth else "")
        count = len(included)
        targets[f"parcours:{pk}:{depth}"] = Target(
            f"parcours:{pk}:{depth}", Kind.PARCOURS, "Parcours" if not depth else "Niveau d’un parcours", title, url,
            sum(s.minutes for s in included), Medoc.COMPETENCES, context=f"{count} étape{pluriel(count)}",
            covers=frozenset(f"step:{s.pk}" for s in included), sequence=(pk, -1),
        )
    return targets


def level_step_ids(keys):
    """{key: [step ids]} for the parcours keys among ``keys``: what « done » means for a level (one query)."""
    wanted = [(key, p) for key in keys if (p := parse_key(key)) and p[0] == Kind.PARCOURS]
    if not wanted:
        return {}
    steps = list(Step.objects.filter(parcours__in={pk for _, (_, pk, _) in wanted}).only("pk", "parcours", "depth"))
    return {key: [s.pk for s in steps if s.parcours_id == pk and depth_includes(depth, s)]
            for key, (_, pk, depth) in wanted}


# --- The rule book ------------------------------------------------------------------------------------------------

def load_rulebook():
    """Every active rule and the targets of their items, as plain values: what ``cached`` keeps."""
    rules = list(UsageRule.objects.filter(is_active=True).prefetch_related("regions", "domains", "items"))
    book = []
    for rule in rules:
        items = tuple(ItemData(item_key(item), item.order, item.minutes, item.medoc, item.why)
                      for item in sorted(rule.items.all(), key=lambda i: (i.order, i.pk)))
        book.append(RuleData(
            rule.pk, rule.title, tuple(rule.profiles), tuple(rule.aims), tuple(rule.maturities), tuple(rule.times),
            frozenset(r.slug for r in rule.regions.all()), frozenset(d.slug for d in rule.domains.all()),
            rule.priority, rule.is_fallback, items,
        ))
    keys = {item.key for rule in book for item in rule.items}
    return RuleBook(tuple(book), resolve_targets(keys))


def rulebook():
    return cached("usage-rulebook", build=load_rulebook)


# --- Building a path ----------------------------------------------------------------------------------------------

def _entry(item, target, rule_pk):
    minutes = item.minutes or target.minutes or DEFAULT_MINUTES
    return PathEntry(target.key, target.kind, target.kind_label, target.title, target.url, minutes,
                     item.medoc or target.medoc, item.why, target.context, rule_pk, covers=target.covers,
                     sequence=target.sequence)


def _candidates(rules, targets):
    """Entries of these rules in rounds: every rule's first item (higher priority first), then every rule's second,
    and so on, so that each rule that holds (the aim, the profile, the maturity, the region…) puts its best item in
    before any puts its next. Items whose target left the hub (or a draft fiche) are skipped. A target named by two
    rules stays twice: if the first one's time does not fit, the second one's may."""
    ranked = sorted(rules, key=lambda r: (-r.priority, r.pk))
    rounds = max((len(rule.items) for rule in ranked), default=0)
    return [_entry(rule.items[n], targets[rule.items[n].key], rule.pk)
            for n in range(rounds) for rule in ranked if n < len(rule.items) and rule.items[n].key in targets]


def _overlaps(entry, chosen):
    """Already in the path: the same target, or steps already covered (a level and one of its steps)."""
    return any(entry.key == other.key or entry.covers & other.covers for other in chosen)


def _select(chosen, pool, budget, later=(), limit=MAX_ITEMS):
    """Take entries of ``pool`` in order while they fit; an entry is taken only if, after it, the shortest of those
    still to come (``later`` too, one per target) would still fit in number enough to reach MIN_ITEMS."""
    for index, entry in enumerate(pool):
        if len(chosen) >= limit:
            break
        if _overlaps(entry, chosen):
            continue
        left = budget - sum(e.minutes for e in chosen)
        need = max(0, MIN_ITEMS - len(chosen) - 1)
        shortest = {}
        for other in [*pool[index + 1:], *later]:
            if other.key != entry.key and not _overlaps(other, [*chosen, entry]):
                shortest[other.key] = min(other.minutes, shortest.get(other.key, other.minutes))
        if entry.minutes + sum(sorted(shortest.values())[:need]) <= left:
            chosen.append(entry)
    return chosen


def build_path(answers, book=None):
    book = book or rulebook()
    matching = [rule for rule in book.rules if rule.matches(answers)]
    main = _candidates([r for r in matching if not r.is_fallback], book.targets)
    backup = _candidates([r for r in matching if r.is_fallback], book.targets)
    chosen = _select([], main, answers.budget, later=backup)
    used_fallback = False
    if len(chosen) < MIN_ITEMS and backup:
        before = len(chosen)
        chosen = _select(chosen, backup, answers.budget, limit=MIN_ITEMS)
        used_fallback = len(chosen) > before
    if not chosen:
        return UsagePath(built_in_entries(), used_fallback=True, built_in=True)
    return UsagePath(chosen, used_fallback=used_fallback)


BUILT_IN = (
    # (key, kind label, title, url name, minutes, M.E.D.O.C., why)
    ("page:referentiel", "Page du hub", "Le référentiel et ses trois leviers", "resources:referentiel", 5,
     Medoc.COMPETENCES, "Les trois leviers d’un modèle socio-économique, en une page\u00a0: le point de départ."),
    ("page:glossaire", "Page du hub", "Le glossaire", "resources:glossary_index", 5, Medoc.COMPETENCES,
     "Les mots du sujet, chacun défini simplement, pour lire la suite sans buter."),
    ("page:fiches", "Page du hub", "Toutes les fiches", "resources:fiche_list", 5, Medoc.METHODES,
     "Les fiches se filtrent par levier, profil d’acteur et région\u00a0: gardez celles qui vous parlent."),
    ("page:parcours", "Page du hub", "Les parcours", "parcours:list", 5, Medoc.COMPETENCES,
     "Deux parcours guidés, à suivre à votre rythme, pour aller plus loin."),
    ("diagnostic", "Autodiagnostic", "Mon modèle socio-économique", "diagnostic:index", 10, Medoc.OUTILS,
     "Situer le modèle de votre organisation sur les trois leviers, sans compte."),
)


def built_in_entries():
    """The path of last resort, written here so that it exists whatever staff do to the rules: 30 minutes."""
    return [PathEntry(key, "", label, title, reverse(url_name), minutes, medoc, why)
            for key, label, title, url_name, minutes, medoc, why in BUILT_IN]


def resolve_items(keys):
    """``resolve_targets``, and the built-in path's own pages (« page:… »), which are no rule's target: whatever a
    path, a kept path or a count may name. A rule's target wins over the built-in entry of the same key (the
    diagnostic), whose time and why are the built-in path's only."""
    keys = set(keys)
    found = resolve_targets(keys)
    found.update({entry.key: entry for entry in built_in_entries() if entry.key in keys and entry.key not in found})
    return found


def kept_path(entries):
    """A kept path from its snapshot (``PathEntry.snapshot``): targets read again; those gone are counted, not shown.
    The time, family and why are the snapshot's: those of the rule (or of the built-in path) it was composed with."""
    valid = [e for e in entries if isinstance(e, dict) and isinstance(e.get("key"), str)]
    targets = resolve_items(e["key"] for e in valid)
    shown, missing = [], 0
    for snap in valid:
        target = targets.get(snap["key"])
        if target is None:
            missing += 1
            continue
        minutes = snap.get("minutes") if isinstance(snap.get("minutes"), int) and snap["minutes"] > 0 else None
        medoc = snap.get("medoc") if snap.get("medoc") in Medoc.values else ""
        why = snap.get("why") if isinstance(snap.get("why"), str) and snap["why"] else getattr(target, "why", "")
        shown.append(_entry(ItemData(snap["key"], 0, minutes, medoc, why), target, None))
    return UsagePath(shown, missing=missing)


@dataclass(frozen=True)
class QueryTitle:
    title: str
    details: str


def title_for_query(query):
    """The title of a kept path, from its answers' address alone (no query): « Association · diversifier mes
    ressources », « J’ai commencé à y travailler, 2 heures »."""
    params = QueryDict(query)

    def label(choices, name):
        value = params.get(name, "")
        return choices(value).label if value in choices.values else ""

    profile, aim = label(ActorType, "profil"), label(Aim, "objectif")
    title = f"{profile} · {aim[:1].lower()}{aim[1:]}" if profile and aim else "Parcours d’usage"
    details = ", ".join(text for text in (label(Maturity, "maturite"), label(TimeBudget, "temps")) if text)
    return QueryTitle(title, details)
