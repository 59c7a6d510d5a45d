"""The admin's preview of a parcours d'usage: the path ``build_path`` gives for some answers, each entry beside the
rule it came from, and the rules that held for those answers but gave nothing, with what became of their items.

Plain Python over a rule book (parcours.usage_paths.load_rulebook): no query here.
"""

from dataclasses import dataclass

from parcours.models.usage import MIN_ITEMS
from parcours.usage_paths import PathEntry, RuleData

REMOVED = "retiré du hub, ou fiche non publiée"
TAKEN = "déjà dans le parcours, au titre d’une autre règle"
COVERED = "ses étapes sont déjà dans le parcours (un niveau et l’une de ses étapes ne vont pas ensemble)"
NOT_NEEDED = f"règle de secours non utilisée\u00a0: les autres règles donnaient déjà {MIN_ITEMS} éléments ou plus"
NO_ROOM = "trop long pour le temps restant, ou parcours déjà complet"


@dataclass(frozen=True)
class PreviewEntry:
    entry: PathEntry
    rule: RuleData | None  # None: the built-in path


@dataclass(frozen=True)
class LeftItem:
    label: str
    reason: str


@dataclass(frozen=True)
class SilentRule:
    rule: RuleData
    items: list


def preview_groups(path, book):
    """The path's M.E.D.O.C. groups, each entry with its rule."""
    rules = {rule.pk: rule for rule in book.rules}
    return [(medoc, [PreviewEntry(entry, rules.get(entry.rule_pk)) for entry in entries])
            for medoc, entries in path.groups]


def silent_rules(answers, path, book):
    """Rules whose conditions hold for ``answers`` and that put no entry in ``path``, in the book's order, with the
    reason each item was left: removed, already there through another rule, fallback not needed, no room."""
    rules = {rule.pk: rule for rule in book.rules}
    # The built-in path comes from no rule: a rule's item is never « already there » because of it.
    in_path = {entry.key for entry in path.entries if entry.rule_pk is not None}
    covered = frozenset().union(*(entry.covers for entry in path.entries))
    giving = {entry.rule_pk for entry in path.entries}
    main_count = sum(1 for entry in path.entries if entry.rule_pk in rules and not rules[entry.rule_pk].is_fallback)
    silent = []
    for rule in book.rules:
        if rule.pk in giving or not rule.matches(answers):
            continue
        left = []
        for item in rule.items:
            target = book.targets.get(item.key)
            if target is None:
                left.append(LeftItem(item.key, REMOVED))
                continue
            label = f"{target.kind_label}\u00a0: {target.title}"
            if item.key in in_path:
                reason = TAKEN
            elif target.covers & covered:
                reason = COVERED
            elif rule.is_fallback and main_count >= MIN_ITEMS:
                reason = NOT_NEEDED
            else:
                reason = NO_ROOM
            left.append(LeftItem(label, reason))
        silent.append(SilentRule(rule, left))
    return silent
