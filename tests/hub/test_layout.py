"""The page frame on a phone, as the server renders it (the browser checks live in tests/browser/
test_phone_journey.py): the menu folds into a disclosure, the catalogue's filters into « Filtrer » with the number
of active filters, and forms a person may leave warn first."""

import re

import pytest

from resources.models import Fiche
from tests.factories import make_fiche, make_lever, make_organisation

pytestmark = pytest.mark.django_db


def _summary(html, css_class):
    found = re.search(rf'<summary class="{css_class}">(.*?)</summary>', html, re.S)
    return re.sub(r"<[^>]+>|\s+", " ", found.group(1)).split() if found else None


def test_the_whole_menu_lives_in_one_disclosure_that_works_without_javascript(visitor):
    html = visitor.get("/fiches/").content.decode()
    menu = re.search(r'<details class="hub-menu" id="menu">(.*?)</details>', html, re.S)
    assert menu, "the menu is a <details>"
    assert _summary(html, "hub-menu__button") == ["Menu"]
    inside = menu.group(1)
    for landmark in ('aria-label="Navigation principale"', 'aria-label="Mon compte"', 'role="search"'):
        assert landmark in inside
    assert html.count('aria-label="Navigation principale"') == 1  # one menu, not a copy for phones
    assert "js/menu.js" in html


@pytest.mark.parametrize("query, expected", [
    ("", ["Filtrer"]),
    ("?famille=action", ["Filtrer", "1", "filtre", "actif"]),
    ("?famille=action&levier=financement&q=b%C3%A9n%C3%A9voles", ["Filtrer", "3", "filtres", "actifs"]),
    ("?famille=inconnue", ["Filtrer"]),  # an unknown value is ignored (and said so), not counted
])
def test_filtrer_says_how_many_filters_are_active(visitor, query, expected):
    make_lever(slug="financement", label="Financement")
    make_fiche(title="Accueillir des bénévoles", family=Fiche.Family.ACTION)
    html = visitor.get(f"/fiches/{query}").content.decode()
    assert _summary(html, "hub-filters__button") == expected
    # The panel is folded on a phone: the results follow the button, the facets are inside the disclosure.
    assert re.search(r'<details class="hub-filters" id="filtres">\s*<summary[^>]*>.*?</summary>\s*<form id="hub-facets"',
                     html, re.S)
    assert html.index('id="filtres"') < html.index('id="resultats"')


def test_the_filter_button_comes_back_with_the_partial_that_catalogue_js_loads(visitor):
    make_fiche(title="Accueillir des bénévoles", family=Fiche.Family.ACTION)
    html = visitor.get("/fiches/?famille=action", HTTP_X_HUB_PARTIAL="1").content.decode()
    assert _summary(html, "hub-filters__button") == ["Filtrer", "1", "filtre", "actif"]


@pytest.mark.parametrize("path", ["/compte/", "/mon-modele/", "edit"])
def test_forms_a_person_may_leave_warn_before_losing_what_was_typed(learner_client, learner, path):
    if path == "edit":
        path = make_organisation(user=learner).get_absolute_url() + "modifier/"
    html = learner_client.get(path).content.decode()
    assert re.search(r'<form method="post" novalidate data-hub-unsaved>', html)
    assert "js/unsaved.js" in html
