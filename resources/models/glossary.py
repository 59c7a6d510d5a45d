"""The glossary: the hub's words, each defined once and linked from the bodies of fiches and steps."""

import html
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.html import strip_tags

from core.addresses import remembered_reverse
from core.content_cache import ContentQuerySet
from core.text import fold_words, sort_key
from resources.glossary_text import folded_form
from resources.markdown import render_markdown, unclosed_html_error
from resources.models.fiche import Fiche
from resources.models.reference import Reference
from resources.models.vocabulary import Provenance

EXTRACT_WORDS = 24


class GlossaryTermQuerySet(ContentQuerySet):
    def alphabetical(self):
        """In the order a French reader expects (« écosystème » among the E, « l’ODD » under O is the author's)."""
        return self.order_by("sort_term", "pk")

    def for_index(self):
        """What the index shows (the term and its extract), nothing more."""
        return self.alphabetical().only("slug", "term", "sort_term", "extract", "provenance")


class GlossaryTerm(models.Model):
    slug = models.SlugField("identifiant d’adresse", max_length=100, unique=True)
    term = models.CharField("terme", max_length=150)
    variants = models.TextField(
        "autres formes", blank=True,
        help_text="Une par ligne (pluriel, sigle, autre orthographe)\u00a0: chacune est liée au terme dans les fiches "
        "et les étapes, et trouvée par la recherche.",
    )
    definition = models.TextField("définition (Markdown)", help_text="De 40 à 150 mots, dans nos propres mots.")
    definition_html = models.TextField("définition (HTML)", editable=False, blank=True)
    extract = models.CharField("extrait", max_length=300, editable=False, blank=True)
    provenance = models.CharField("provenance", max_length=20, choices=Provenance.choices, default=Provenance.TO_CONFIRM)
    references = models.ManyToManyField(
        Reference, blank=True, related_name="glossary_terms", verbose_name="références citées",
        help_text="Les sources de la définition (voir la bibliographie).",
    )
    related_fiches = models.ManyToManyField(Fiche, blank=True, related_name="glossary_terms", verbose_name="fiches liées")
    see_also = models.ManyToManyField("self", blank=True, verbose_name="voir aussi")
    sort_term = models.CharField("terme pour le tri", max_length=150, editable=False, blank=True)
    # Folded term, variants and definition after a leading space (resources.search): the same search on both databases.
    search_text = models.TextField("texte pour la recherche", editable=False, blank=True)
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)

    objects = GlossaryTermQuerySet.as_manager()

    class Meta:
        verbose_name = "terme du glossaire"
        verbose_name_plural = "termes du glossaire"
        ordering = ["sort_term", "pk"]

    def __str__(self):
        return self.term

    def get_absolute_url(self):
        return remembered_reverse("resources:glossary_detail", kwargs={"slug": self.slug})

    @property
    def variant_list(self):
        return [line.strip() for line in self.variants.splitlines() if line.strip()]

    @property
    def forms(self):
        """Every written form that links to the term, folded as the bodies are matched (resources.glossary_text)."""
        return {folded_form(form) for form in [self.term, *self.variant_list] if folded_form(form)}

    def clean(self):
        super().clean()
        errors = {}
        if error := unclosed_html_error(self.definition):
            errors["definition"] = error
        taken = _forms_taken_elsewhere(self)
        if clash := sorted(self.forms & set(taken)):
            named = ", ".join(f"«\u00a0{form}\u00a0» ({taken[form]})" for form in clash)
            errors["variants"] = f"Forme déjà employée par un autre terme\u00a0: {named}."
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.derive_fields()
        super().save(*args, **kwargs)

    def derive_fields(self):
        """The term's own derived fields; the bodies that mention it are rendered again by resources.glossary."""
        self.definition_html = render_markdown(self.definition)
        text = " ".join(html.unescape(strip_tags(self.definition_html)).split())
        self.extract = definition_extract(re.sub(r"[ \t\r\n]+", " ", html.unescape(strip_tags(self.definition_html)).strip()))
        self.sort_term = sort_key(self.term)[:150]
        self.search_text = " " + fold_words(f"{self.term} {' '.join(self.variant_list)} {text}")


def definition_extract(text):
    """The first sentence when it is short enough, else its first words and « … »; cut at ordinary spaces only,
    so the non-breaking ones (before « : », inside « ») stay where French typography put them."""
    sentence = re.split(r"(?<=[.!?])\s(?=[A-ZÀ-Ý«])", text, maxsplit=1)[0]
    words = re.split(r"[ \t\n]+", sentence)
    if len(words) <= EXTRACT_WORDS + 8:
        return sentence
    kept = words[:EXTRACT_WORDS]
    while kept and len(kept[-1]) <= 3:  # never end on « le », « de », « la »…
        kept.pop()
    return " ".join(kept).rstrip(",;:\u00a0\u202f") + "…"


def _forms_taken_elsewhere(term):
    """{folded form: the other term using it} (one query)."""
    taken = {}
    for other in GlossaryTerm.objects.exclude(pk=term.pk).only("term", "variants"):
        for form in other.forms:
            taken.setdefault(form, other.term)
    return taken
