"""Bibliographic references: the shipped files loaded, the sources of a fiche or a step built from their front
matter (``[[sources]]``, see resources.content_files), and those sources as their section shows them."""

from dataclasses import dataclass

from django.utils.text import slugify

from resources import content_files
from resources.models import CitedSource, Reference

REFERENCE_FIELDS = ("title", "publisher", "date", "url", "kind")


def references_load(entries, *, update, upsert):
    """Create (and with ``update`` rewrite) the references of ``content_files.load_references``; returns how many
    were created. ``upsert`` is the loader's (resources.content_loader)."""
    created = 0
    for _path, row in entries:
        defaults = {name: row[name].strip() for name in REFERENCE_FIELDS}
        _, was_created = upsert(Reference, {"slug": row["slug"]}, defaults, update)
        created += was_created
    return created


def reference_for_named_source(*, label, url, kind):
    """The reference a source of the old form names (label, address, « document » or « web »): the one with this
    address, else the one with this title, else a new one made from them."""
    title = " ".join(label.split())[:400]
    found = Reference.objects.filter(url=url).first() if url else Reference.objects.filter(title=title).first()
    if found is not None:
        return found
    base = slugify(title)[:90].strip("-") or "reference"
    taken = set(Reference.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    kind = Reference.Kind.WEB if kind == "web" else Reference.Kind.DOCUMENT
    return Reference.objects.create(slug=slug, title=title, url=url, kind=kind)


def sources_from_front_matter(model, sources, **owner):
    """Unsaved ``model`` rows (a CitedSource) for the ``[[sources]]`` of a checked front matter, in order, each
    given ``owner`` (``fiche=…`` or ``step=…``). The references cited by slug are read in one query."""
    by_slug = Reference.objects.in_bulk([s["ref"] for s in sources if "ref" in s], field_name="slug")
    rows = []
    for order, source in enumerate(sources):
        note = source.get("note", "").strip()
        if "ref" in source:
            row = model(reference=by_slug[source["ref"]], note=note)
        elif source.get("kind") == CitedSource.Kind.INFERENCE:
            row = model(kind=CitedSource.Kind.INFERENCE, label=source["label"].strip(), note=note)
            if source.get("url") and hasattr(model, "url"):
                row.url = source["url"]
        elif content_files.is_old_source(source):  # the old form: the document it names becomes a reference
            row = model(reference=reference_for_named_source(
                label=source["label"], url=source.get("url", ""), kind=source["kind"]))
        else:
            raise content_files.ContentError(f"source must be {content_files.SOURCE_FORMS}: {source}")
        row.order = order
        for name, value in owner.items():
            setattr(row, name, value)
        rows.append(row)
    return rows


@dataclass(frozen=True)
class SourceList:
    """The sources of a fiche or a step as their section shows them: the references cited, then the editors'
    deductions (templates/resources/_sources.html)."""

    cited: list
    inferred: list

    def __bool__(self):
        return bool(self.cited or self.inferred)


def source_list(sources):
    """``sources``: CitedSource rows in order, with their reference (select_related it)."""
    sources = list(sources)
    return SourceList(cited=[s for s in sources if not s.is_inference], inferred=[s for s in sources if s.is_inference])
