"""« Par où commencer ? »: a short questionnaire, answered by GET, and the parcours d'usage it builds; the paths a
person keeps in « Mon espace ». Here, in the hub, because an item is done according to several apps: a step or a
level of a parcours (parcours), the self-diagnostic (diagnostic)."""

from types import SimpleNamespace

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.content_cache import shared_page
from diagnostic.ownership import organisations_for
from parcours.forms import UsageAnswersForm
from parcours.tracking import tracker_for
from parcours.usage_paths import (
    PARAMETERS, build_path, kept_path, level_step_ids, resolve_items, title_for_query,
)
from parcours.usage_services import TooMany, count_first_item_opened, count_path_shown, kept_paths_for


def done_keys(request, keys):
    """The keys among ``keys`` that this person's own work marks as done, whatever they ticked: a step finished, every
    step of a level finished, a diagnostic started. A fixed number of queries, whatever the number of keys."""
    keys = set(keys)
    levels = level_step_ids(keys)
    step_ids = {int(key.split(":")[1]) for key in keys if key.startswith("step:")}
    wanted = step_ids.union(*levels.values())
    finished = set()
    if wanted:
        states = tracker_for(request).states([SimpleNamespace(pk=pk) for pk in wanted])
        finished = {pk for pk, state in states.items() if state.is_done}
    done = {f"step:{pk}" for pk in step_ids & finished}
    done |= {key for key, ids in levels.items() if ids and set(ids) <= finished}
    if "diagnostic" in keys and organisations_for(request).exists():
        done.add("diagnostic")
    return done


def _mark(request, path, ticked=()):
    done = done_keys(request, [entry.key for entry in path.entries]) | set(ticked)
    for entry in path.entries:
        entry.done = entry.key in done
    return path


@shared_page
def start(request):
    """The questionnaire; with answers in the address, the path they give (a link anyone can be sent)."""
    if not any(name in request.GET for name in PARAMETERS):
        return render(request, "hub/usage_start.html", {"form": UsageAnswersForm()})
    form = UsageAnswersForm(request.GET)
    if not form.is_valid():
        return render(request, "hub/usage_start.html", {"form": form}, status=400)
    answers = form.answers()
    if request.META.get("QUERY_STRING", "") != answers.query():
        # One address per path (empty optional answers, another order, unknown parameters dropped): the one the
        # browser shows is the one to share, and the one a kept path is found by.
        return HttpResponseRedirect(f"{reverse('hub:usage')}?{answers.query()}")
    kept = kept_paths_for(request).find(answers.query())
    path = _mark(request, build_path(answers), ticked=kept["done"] if kept else ())
    if request.method == "GET":
        count_path_shown(answers)
    ctx = {"form": form, "answers": answers, "path": path, "query": answers.query(), "kept_key": kept and kept["key"]}
    return render(request, "hub/usage_path.html", ctx)


def open_first(request):
    """The first item of a path, counted (never who opened it) before the visitor goes there."""
    key = request.GET.get("element", "")
    target = resolve_items([key]).get(key)
    if target is None:
        raise Http404("Élément introuvable")
    count_first_item_opened(key)
    return HttpResponseRedirect(target.url)


@require_POST
def keep(request):
    form = UsageAnswersForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Ces réponses ne sont pas complètes\u00a0: reprenez le questionnaire.")
        return HttpResponseRedirect(reverse("hub:usage"))
    answers = form.answers()
    path = build_path(answers)
    store = kept_paths_for(request)
    try:
        key = store.keep(answers.query(), [entry.snapshot() for entry in path.entries])
    except TooMany:
        messages.error(request, "Vous gardez déjà douze parcours d’usage\u00a0: retirez-en un dans Mon espace pour garder "
                                "celui-ci.")
        return HttpResponseRedirect(f"{reverse('hub:usage')}?{answers.query()}")
    if store.is_anonymous:
        messages.success(request, "Parcours gardé dans Mon espace, sur ce navigateur. Créez un compte pour le retrouver "
                                  "partout\u00a0: il y sera ajouté.")
    else:
        messages.success(request, "Parcours gardé dans Mon espace.")
    return HttpResponseRedirect(reverse("hub:usage_kept", kwargs={"key": key}))


def _kept_or_404(request, key):
    store = kept_paths_for(request)
    row = store.get(key)  # None for anyone else's key, and for a forged one
    if row is None:
        raise Http404("Parcours introuvable")
    return store, row


@never_cache
def kept(request, key):
    _, row = _kept_or_404(request, key)
    path = _mark(request, kept_path(row["entries"]), ticked=row["done"])
    ctx = {"row": row, "path": path, "title": title_for_query(row["query"]), "query": row["query"]}
    return render(request, "hub/usage_kept.html", ctx)


@require_POST
def kept_done(request, key):
    store, row = _kept_or_404(request, key)
    item = request.POST.get("element", "")
    if item not in {entry.get("key") for entry in row["entries"] if isinstance(entry, dict)}:
        raise Http404("Élément introuvable dans ce parcours")
    store.set_done(key, item, request.POST.get("fait") == "1")
    # Back to the item just ticked (its number on the page), not to the top of a long list.
    number = request.POST.get("numero", "")
    anchor = f"element-{number}" if number.isascii() and number.isdigit() and len(number) <= 2 else "progression"
    return HttpResponseRedirect(reverse("hub:usage_kept", kwargs={"key": key}) + f"#{anchor}")


def kept_remove(request, key):
    """A confirmation first (the ticks go with the path), then the removal."""
    store, row = _kept_or_404(request, key)
    if request.method != "POST":
        return render(request, "hub/usage_remove.html", {"row": row, "title": title_for_query(row["query"])})
    store.remove(key)
    messages.success(request, "Parcours d’usage retiré de Mon espace.")
    return HttpResponseRedirect(reverse("hub:dashboard"))


def kept_summaries(request, rows=None):
    """Mon espace's list: each kept path with its title and how many of its items are done. Items whose target left
    the hub are not counted, as on the kept path's page, so that both say the same « n sur m ». A fixed number of
    queries: one per kind of item, whatever the number of paths. ``rows``: the kept paths if already read."""
    rows = kept_paths_for(request).all() if rows is None else rows
    if not rows:
        return []
    keys = {entry["key"] for row in rows for entry in row["entries"]
            if isinstance(entry, dict) and isinstance(entry.get("key"), str)}
    present = resolve_items(keys).keys()
    done = done_keys(request, present)
    summaries = []
    for row in rows:
        entry_keys = [entry.get("key") for entry in row["entries"] if isinstance(entry, dict)]
        shown = [key for key in entry_keys if key in present]
        ticked = set(row["done"]) | done
        summaries.append({
            "key": row["key"], "title": title_for_query(row["query"]), "kept_at": row["kept_at"],
            "total": len(shown), "done": sum(key in ticked for key in shown),
        })
    return summaries
