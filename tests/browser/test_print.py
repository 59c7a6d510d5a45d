"""Printing a fiche on A4 with Chromium's defaults: at most 3 pages, and a footer with the address and the day."""

import datetime
import json
import re

from playwright.sync_api import expect

from resources import models as m
from tests.factories import make_fiche

MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre"]
# A page object of the PDF (« /Type /Page »), not the page tree (« /Type /Pages »). Chromium writes no object
# streams, so every page object is readable as is (checked against poppler's pdfinfo when it was written).
PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
SENTENCES = [
    "Une association qui dépend d’un seul financeur fragilise son projet dès que ce partenaire change de priorités.",
    "Le conseil d’administration gagne à regarder chaque année la part de chaque ressource dans le budget.",
    "Les bénévoles apportent du temps, des compétences et un regard extérieur qu’aucune subvention ne remplace.",
    "Une alliance avec une entreprise du territoire peut ouvrir des moyens, des lieux et des réseaux nouveaux.",
    "Les revenus d’activité demandent une offre claire, un prix juste et une attention constante à la mission.",
    "Rien ne presse : mieux vaut une évolution choisie et suivie que trois chantiers lancés en même temps.",
]


def words(text):
    """The words of a text: tokens holding a letter or a digit (« ; », « : » and « ? » stand alone in French)."""
    return [token for token in text.split() if any(character.isalnum() for character in token)]


def pdf_page_count(pdf):
    assert b"/ObjStm" not in pdf, "pages rangées dans des flux d’objets : ce décompte ne les voit plus"
    return len(PAGE_OBJECT.findall(pdf))


def french_date(day):
    return f"{'1er' if day.day == 1 else day.day} {MONTHS[day.month - 1]} {day.year}"


def printed_footer(page):
    """The sentence print.js gives the @page margin boxes (print.css) through the --hub-print-footer property."""
    value = page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--hub-print-footer')")
    return json.loads(value) if value else ""


def longest_shipped_fiche():
    fiches = m.Fiche.objects.published()
    return max(fiches, key=lambda fiche: len(words(fiche.body_text)))


def body_of(count):
    """Markdown shaped like the shipped fiches (headings, paragraphs, lists) holding exactly ``count`` words."""
    parts, total, n = [], 0, 0
    while total < count:
        section = [f"## Partie {n // 6 + 1} de la fiche", SENTENCES[n % 6] + " " + SENTENCES[(n + 1) % 6],
                   "\n".join(f"- {SENTENCES[(n + i) % 6]}" for i in range(2, 5)), SENTENCES[(n + 5) % 6]]
        parts.extend(section)
        total += len(words("\n".join(section)))
        n += 6
    text = "\n\n".join(parts).split(" ")
    while len(words(" ".join(text))) > count:
        text.pop()
    return " ".join(text).rstrip(",;:") + "."


def make_500_word_fiche():
    """A fiche of 500 words classed, sourced and linked as richly as the shipped ones."""
    fiche = make_fiche(
        slug="cinq-cents-mots", title="Faire évoluer son modèle socio-économique pas à pas", body=body_of(500),
        chapeau="Des ressources humaines, financières et des alliances : une démarche en cinq temps pour "
                "regarder son modèle en face, choisir une évolution et la suivre dans la durée, avec son conseil "
                "d’administration et ses partenaires.",
        levers=m.Lever.objects.all(),
    )
    fiche.components.set(m.Component.objects.all()[:8])
    for field in m.Fiche._meta.many_to_many:  # every vocabulary: four values each
        if field.name not in ("levers", "components", "related", "tags"):
            getattr(fiche, field.name).set(field.related_model.objects.all()[:4])
    fiche.tags.add("modèle socio-économique", "trajectoire", "gouvernance", "stratégie")
    for n, kind in enumerate(["document", "document", "web", "web", "web", "inference"]):
        title = f"Modèles socio-économiques d’intérêt général, ressource numéro {n + 1}"
        if kind == "inference":
            fiche.sources.create(kind=kind, order=n, label=f"Déduit par la rédaction à partir de la ressource numéro {n}.")
            continue
        reference = m.Reference.objects.create(
            slug=f"ressource-{n + 1}", title=title, publisher="Le RAMEAU", date="septembre 2019", kind=kind,
            url=f"https://www.example.org/ressources/modeles-socio-economiques/{n + 1}",
        )
        fiche.sources.create(reference=reference, order=n, note="les trois leviers du modèle")
    fiche.related.set(m.Fiche.objects.published().exclude(pk=fiche.pk)[:8])
    assert len(words(fiche.body_text)) == 500
    return fiche


def test_the_longest_shipped_fiche_prints_on_three_a4_pages_at_most(page):
    fiche = longest_shipped_fiche()
    page.goto(fiche.get_absolute_url())
    pages = pdf_page_count(page.pdf(format="A4"))
    assert pages <= 3, f"« {fiche.title} » ({len(words(fiche.body_text))} mots) : {pages} pages"
    assert page.console_errors == []


def test_a_fiche_of_500_words_prints_on_three_a4_pages_at_most(page):
    make_500_word_fiche()
    page.goto("/fiches/cinq-cents-mots/")
    pages = pdf_page_count(page.pdf(format="A4"))
    assert pages <= 3, f"fiche de 500 mots : {pages} pages"


def test_the_printout_gives_the_address_and_the_day_on_every_sheet_and_one_line_of_classement(page, shipped_site):
    fiche = longest_shipped_fiche()
    before = datetime.date.today()
    page.goto(fiche.get_absolute_url())
    classement = page.locator(".hub-print-classement")
    expect(page.locator(".hub-print-footer")).to_be_hidden()
    expect(classement).to_be_hidden()

    page.emulate_media(media="print")
    expect(page.locator(".hub-header")).to_be_hidden()
    expect(page.locator(".hub-fiche__aside")).to_be_hidden()
    expect(classement).to_be_visible()
    expect(classement).to_contain_text("Leviers\u202f: ")
    today = {french_date(before), french_date(datetime.date.today())}  # the test may straddle midnight
    printed = printed_footer(page)
    address = f"{shipped_site.url}{fiche.get_absolute_url()}"
    assert printed in {f"Imprimé le {day} depuis {address}" for day in today}, printed
    # In the margin boxes of every sheet, so not a second time at the end.
    expect(page.locator(".hub-print-footer")).to_be_hidden()
    assert page.console_errors == []


def test_the_day_is_the_day_of_printing_even_on_a_cached_page(page, shipped_site):
    page.clock.set_fixed_time(datetime.datetime(2026, 12, 1, 10, 0))
    page.goto("/referentiel/")
    response = page.goto("/referentiel/")
    assert response.headers.get("x-hub-cache") == "hit"
    assert printed_footer(page) == f"Imprimé le 1er décembre 2026 depuis {shipped_site.url}/referentiel/"
    # The tab stays open: printing weeks later prints that day (Chromium sends « beforeprint » before page.pdf).
    page.clock.set_fixed_time(datetime.datetime(2027, 1, 15, 9, 0))
    page.pdf(format="A4")
    assert printed_footer(page).startswith("Imprimé le 15 janvier 2027 depuis ")


def test_without_javascript_the_document_ends_with_the_address_alone(browser, shipped_site):
    context = browser.new_context(base_url=shipped_site.url, locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    fiche = longest_shipped_fiche()
    page.goto(fiche.get_absolute_url())
    page.emulate_media(media="print")
    footer = page.locator(".hub-print-footer")
    expect(footer).to_be_visible()
    expect(footer).to_have_text(f"Imprimé depuis {shipped_site.url}{fiche.get_absolute_url()}")
    assert pdf_page_count(page.pdf(format="A4")) <= 3
    context.close()
