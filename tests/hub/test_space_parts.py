"""« Mon espace »'s notes, diagnostics and saved fiches written in Python (hub/templatetags/space_parts.py) give,
byte for byte, the HTML of the template markup they replaced (kept here as the reference)."""

import datetime
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils.safestring import mark_safe

from hub.templatetags.space_parts import diagnostic_items, note_items, saved_items

HOSTILE = '<script>alert("x")</script> & l’«\u00a0été\u00a0» \'quoted\''

# The template markup that the tags replaced, cut into lines of code (the strings run on).
NOTES_BEFORE = Template(
    "{% for outline, item in notes %}\n    <li>\n"
    '      <h3><a href="{{ item.step.get_absolute_url }}#notes">{{ outline.parcours.title }}, '
    "étape {{ item.number }}&#8239;: {{ item.step.title }}</a></h3>\n"
    '      <div class="hub-note">{{ item.state.note|linebreaks }}</div>\n    </li>\n    {% endfor %}'
)
DIAGNOSTICS_BEFORE = Template(
    '{% for organisation in organisations %}<li><a href="{{ organisation.get_absolute_url }}">'
    '{{ organisation.name }}</a> <span class="hub-hint">{% if organisation.is_space %}espace partagé, '
    '{% include "diagnostic/_role_name.html" with role=organisation.member_role %}, {% endif %}'
    'mis à jour le {{ organisation.updated_at|date:"j F Y" }}</span></li>{% endfor %}'
)
SAVED_BEFORE = Template(
    '{% for fiche in saved %}<li>{{ fiche.card }}'
    '{% include "parcours/_save_button.html" with saved=True next=request.path %}</li>{% endfor %}'
)


def _step(slug, title):
    return SimpleNamespace(get_absolute_url=lambda: f"/parcours/p/{slug}/", title=title)


NOTES = [
    "Une ligne.",
    "Deux lignes\nla seconde",
    "Deux paragraphes\n\nle second\r\net sa suite",
    HOSTILE,
    "  espaces  \n\n\n\n  et lignes vides  ",
    "",
]


@pytest.mark.parametrize("note", NOTES)
@pytest.mark.parametrize("title", ["Qualifier son modèle", HOSTILE])
def test_notes_are_the_templates_html(note, title):
    notes = [
        (SimpleNamespace(parcours=SimpleNamespace(title=title)),
         SimpleNamespace(step=_step("etape-1", title), number=number, state=SimpleNamespace(note=note)))
        for number in (1, 12)
    ]
    assert note_items(notes) == NOTES_BEFORE.render(Context({"notes": notes}))
    assert note_items([]) == NOTES_BEFORE.render(Context({"notes": []})) == ""


MOMENTS = [
    datetime.datetime(2026, 1, 1, 0, 30, tzinfo=datetime.timezone.utc),  # 1:30 in Paris
    datetime.datetime(2025, 12, 31, 23, 30, tzinfo=datetime.timezone.utc),  # 1 January in Paris
    datetime.datetime(2026, 8, 15, 12, 0, tzinfo=datetime.timezone.utc),
]


@pytest.mark.parametrize("role", ["responsable", "contributeur", "lecteur", "", None, "inconnu"])
@pytest.mark.parametrize("name", ["Les Jardins partagés", HOSTILE])
def test_diagnostics_are_the_templates_html(role, name):
    organisations = []
    for n, moment in enumerate(MOMENTS):
        for is_space in (False, True):
            organisations.append(SimpleNamespace(get_absolute_url=lambda n=n: f"/mon-modele/{n}/", name=name,
                                                 is_space=is_space, member_role=role, updated_at=moment))
    assert diagnostic_items(organisations) == DIAGNOSTICS_BEFORE.render(Context({"organisations": organisations}))
    assert diagnostic_items([]) == ""


@pytest.mark.parametrize("path", ["/mon-espace/", '/mon-espace/?a="<b>"&c'])
def test_saved_fiches_are_the_templates_html(path):
    request = RequestFactory().get(path)
    request.path = path
    saved = [SimpleNamespace(slug=slug, card=mark_safe(f"<article>{slug} &amp; carte</article>\n"))
             for slug in ("demo-000001", "fiche-a-l-ete", "x")]
    context = {"request": request, "csrf_token": "jeton<&>\"", "saved": saved}
    assert saved_items(Context(context), saved) == SAVED_BEFORE.render(Context(context))
    assert saved_items(Context(context), []) == ""


@pytest.mark.django_db
def test_mon_espace_shows_the_parts_written_in_python(learner_client, learner, other_learner):
    from diagnostic.models import Role
    from tests.factories import make_organisation, make_space

    make_organisation(user=learner, name="Mon <association>")
    make_space(responsable=other_learner, members=[(learner, Role.CONTRIBUTOR)], name="Espace partagé")
    page = learner_client.get("/mon-espace/").content.decode()
    assert "Mon &lt;association&gt;</a>" in page
    assert "espace partagé, contributeur·rice, mis à jour le" in page
