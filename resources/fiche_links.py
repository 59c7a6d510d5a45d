"""Links between fiches: ``[[slug]]`` or ``[[slug|texte]]`` in the Markdown body of a fiche or of a parcours step.

The syntax is read by ``resources.markdown``; this module says what each link renders as and keeps the stored
HTML true when the linked fiche changes. The rules:

- A link is rendered when its body is saved, into ``body_html`` like the rest of the Markdown: reading a page
  costs nothing. Its text is the fiche's title (or the text after the bar), escaped.
- A published fiche is a link to its page. A draft fiche is the same text without a link (a visitor never
  follows a link to a 404), and becomes a link when it is published.
- A slug that names no fiche is refused: by the models' ``clean()`` (hence the admin forms) and by the check
  of the shipped files (``resources.content_files``, ``parcours.content_files``).
- When a fiche is saved or deleted, the bodies that link it follow (receivers at the bottom, one query per
  model to find them, ``contains "[[slug"``):
  - title or status changed: they are rendered again, their Markdown unchanged;
  - slug changed: their Markdown is rewritten from ``[[ancien-slug…`` to ``[[nouveau-slug…``;
  - fiche deleted: each link to it becomes its text, plain, in the Markdown (the title, or the text after the
    bar), so nothing points to the missing page and the body stays valid;
  - fiche created: bodies that already named its slug (written outside the admin) become links.
- A bulk ``QuerySet.update()`` or ``bulk_create()`` sends no signal: code that changes titles, slugs or
  statuses that way must call ``fiche_links_refresh`` (or ``fiche_links_rename``) itself, as the admin's
  « Publier » and « Dépublier » actions must.

Receivers, though the project keeps writes that span models out of signals: every path that saves or deletes
one fiche at a time goes through them (the admin's form, its bulk deletion, which deletes row by row, the
loader, the shell), where a call in each would be forgotten in one. They only dispatch to the services below,
which hold the logic.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.apps import apps
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_save
from django.urls import NoReverseMatch, reverse

from resources.glossary import current_glossary
from resources.markdown import (
    FICHE_LINK_RE,
    MISPLACED_FICHE_LINK_MESSAGE,
    FicheLink,
    fiche_link_matches,
    fiche_link_slugs,
    markdown_escape,
    misplaced_fiche_link,
    render_markdown,
)

TRACKED_FIELDS = ("slug", "title", "status")
# Set on a fiche between pre_save and post_save: its tracked fields as the database held them.
PREVIOUS_ATTRIBUTE = "_fiche_links_previous"
# Inside ``fiche_links_deferred()``: the slugs whose linking bodies are rendered again on leaving it.
_deferred_slugs = ContextVar("deferred_fiche_link_slugs", default=None)


def _fiche_model():
    # Looked up, not imported: resources.models imports this module to render its bodies.
    return apps.get_model("resources", "Fiche")


def linking_models():
    """Models whose Markdown ``body`` may link fiches: those that declare ``fiche_links_update_fields`` (Fiche
    and Step), found through the app registry so that resources never imports parcours."""
    return [model for model in apps.get_models() if getattr(model, "fiche_links_update_fields", None)]


def _fiche_url(slug):
    try:
        return reverse("resources:fiche_detail", kwargs={"slug": slug})
    except NoReverseMatch:  # a slug saved outside the admin with characters no address holds: text, not a link
        return None


def fiche_links_for(slugs):
    """slug -> ``FicheLink`` for the fiches among ``slugs``, drafts without an address (one query, none if empty)."""
    if not slugs:
        return {}
    fiche = _fiche_model()
    rows = fiche.objects.filter(slug__in=slugs).values_list("slug", "title", "status")
    return {
        slug: FicheLink(title=title, url=_fiche_url(slug) if status == fiche.Status.PUBLISHED else None)
        for slug, title, status in rows
    }


def render_body(text):
    """The body's HTML with its fiche links resolved (one query when the text holds a ``[[``, none otherwise) and
    its glossary terms linked (one query, none inside ``glossary_snapshot()``: resources.glossary)."""
    # Candidates read by the bare pattern, code included: a few extra slugs asked for cost nothing.
    slugs = {match.group(1) for match in FICHE_LINK_RE.finditer(text or "")}
    return render_markdown(text, fiche_links=fiche_links_for(slugs), glossary=current_glossary())


def unknown_fiches_message(unknown):
    """The French error naming the unknown slugs, or "" when there is none."""
    if not unknown:
        return ""
    named = ", ".join(f"[[{slug}]]" for slug in sorted(unknown))
    if len(unknown) == 1:
        return f"Fiche inconnue\u00a0: {named}. Vérifiez l’identifiant d’adresse (slug) de la fiche."
    return f"Fiches inconnues\u00a0: {named}. Vérifiez les identifiants d’adresse (slugs) de ces fiches."


def fiche_links_error(text, *, also_known=()):
    """The error for the links of ``text`` that name no fiche (drafts count as known), or "" (one query at
    most). ``also_known``: slugs valid though not yet saved, such as a new fiche linking itself."""
    if misplaced_fiche_link(text):
        return MISPLACED_FICHE_LINK_MESSAGE
    slugs = fiche_link_slugs(text)
    if not slugs:
        return ""
    known = set(_fiche_model().objects.filter(slug__in=slugs).values_list("slug", flat=True))
    return unknown_fiches_message(slugs - known - set(also_known))


def _linking_rows(slugs, *, exact):
    """(row, matches) for every fiche or step whose body links one of ``slugs``: one query per model, then the
    reading in Python (``[[abc`` also matches ``[[abc-def``). ``exact`` parses the Markdown to leave out the
    links written in code (to rewrite them); without it, a body naming the slug in code is rendered again too,
    which changes nothing."""
    if not slugs:
        return  # an empty Q() would select every body
    query = Q()
    for slug in slugs:
        query |= Q(body__contains=f"[[{slug}")
    for model in linking_models():
        for row in model.objects.filter(query).order_by("pk"):
            found = fiche_link_matches(row.body) if exact else FICHE_LINK_RE.finditer(row.body)
            matches = [match for match in found if match.group(1) in slugs]
            if matches:
                yield row, matches


def _save_rendered(row):
    """Save the body and what derives from it (the model's ``save()`` renders it); no ``updated_at`` change."""
    row.save(update_fields=row.fiche_links_update_fields)


@transaction.atomic
def fiche_links_refresh(*, slugs):
    """Render again every body that links one of ``slugs`` (after a title or status change); returns how many."""
    count = 0
    for row, _matches in _linking_rows(set(slugs), exact=False):
        _save_rendered(row)
        count += 1
    return count


@contextmanager
def fiche_links_deferred():
    """Within it, saving fiches renders the bodies that link them once, on leaving, rather than at each save
    (the loader creates every shipped fiche in one go: a body linking ten fiches is rendered once, not ten
    times). Slug changes and deletions are still followed at once: they rewrite the Markdown."""
    if _deferred_slugs.get() is not None:  # nested: the outer block renders
        yield
        return
    slugs = set()
    token = _deferred_slugs.set(slugs)
    try:
        yield
    finally:
        _deferred_slugs.reset(token)
    fiche_links_refresh(slugs=slugs)


@transaction.atomic
def fiche_links_rename(*, old_slug, new_slug):
    """Rewrite the links to ``old_slug`` as links to ``new_slug`` (custom texts kept); returns how many bodies."""

    def replacement(match):
        return f"[[{new_slug}|{match.group(2)}]]" if match.group(2) is not None else f"[[{new_slug}]]"

    return _rewrite(old_slug, replacement)


@transaction.atomic
def fiche_links_unlink(*, slug, title):
    """Replace every link to the (deleted) fiche ``slug`` by its text, plain: the link's own text, else ``title``.
    Returns how many bodies changed."""
    return _rewrite(slug, lambda match: markdown_escape((match.group(2) or "").strip() or title))


def _rewrite(slug, replacement):
    count = 0
    for row, matches in _linking_rows({slug}, exact=True):
        parts, last = [], 0
        for match in sorted(matches, key=lambda match: match.start()):
            parts += [row.body[last:match.start()], replacement(match)]
            last = match.end()
        row.body = "".join([*parts, row.body[last:]])
        _save_rendered(row)
        count += 1
    return count


def _remember_previous(sender, instance, raw=False, update_fields=None, **kwargs):
    """Before a fiche is saved, read what the database holds of its slug, title and status (one query)."""
    if raw or instance.pk is None:
        return
    if update_fields is not None and not set(TRACKED_FIELDS) & set(update_fields):
        return
    previous = sender.objects.filter(pk=instance.pk).values(*TRACKED_FIELDS).first()
    setattr(instance, PREVIOUS_ATTRIBUTE, previous)


def _refresh_now_or_later(slug):
    deferred = _deferred_slugs.get()
    if deferred is None:
        fiche_links_refresh(slugs=[slug])
    else:
        deferred.add(slug)


def _follow_save(sender, instance, created, raw=False, **kwargs):
    previous = instance.__dict__.pop(PREVIOUS_ATTRIBUTE, None)
    if raw:
        return
    if created:
        _refresh_now_or_later(instance.slug)
    elif previous is None:
        return
    elif previous["slug"] != instance.slug:
        fiche_links_rename(old_slug=previous["slug"], new_slug=instance.slug)  # renders the new title too
    elif previous["title"] != instance.title or previous["status"] != instance.status:
        _refresh_now_or_later(instance.slug)


def _follow_delete(sender, instance, **kwargs):
    fiche_links_unlink(slug=instance.slug, title=instance.title)


# The sender is named lazily: this module is imported while resources.models is being loaded.
def connect_receivers():
    """Called once by ResourcesConfig.ready()."""
    pre_save.connect(_remember_previous, sender="resources.Fiche", dispatch_uid="fiche-links-previous")
    post_save.connect(_follow_save, sender="resources.Fiche", dispatch_uid="fiche-links-save")
    post_delete.connect(_follow_delete, sender="resources.Fiche", dispatch_uid="fiche-links-delete")
