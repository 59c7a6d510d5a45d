"""Links between fiches: ``[[slug]]`` and ``[[slug|texte]]`` in fiche and step bodies (resources.fiche_links)."""

import re
import sys
import textwrap

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parcours import content_files as parcours_files
from parcours.content_loader import parcours_load
from parcours.models import Step
from resources import content_files
from resources.content_loader import content_load
from resources.fiche_links import fiche_links_deferred, fiche_links_refresh
from resources.markdown import FicheLink, fiche_link_matches, fiche_link_slugs, render_markdown
from resources.models import Fiche
from tests.factories import make_fiche, make_parcours, make_step
from tests.shipped import restore

LINK = '<a href="/fiches/cible/" rel="noopener noreferrer">'


def linking_queries(queries):
    """The queries that look for the bodies linking a fiche (``body LIKE '%[[slug%'``)."""
    return [q["sql"] for q in queries if "LIKE" in q["sql"] and "body" in q["sql"]]


# Rendering


def test_a_slug_renders_as_a_link_whose_text_is_the_title():
    html = render_markdown("Voir [[cible]].", fiche_links={"cible": FicheLink("Pratiques des entreprises", "/fiches/cible/")})
    assert html == f"<p>Voir {LINK}Pratiques des entreprises</a>.</p>"


def test_a_custom_text_replaces_the_title():
    links = {"cible": FicheLink("Pratiques des entreprises", "/fiches/cible/")}
    html = render_markdown("[[cible|la fiche « ACTEURS » consacrée aux entreprises]]", fiche_links=links)
    assert f"{LINK}la fiche « ACTEURS » consacrée aux entreprises</a>" in html


def test_the_title_is_escaped_and_never_read_as_markdown():
    links = {"cible": FicheLink('Titre <script>alert(1)</script> & "*gras*"', "/fiches/cible/")}
    html = render_markdown("[[cible]] et [[cible|<img src=x onerror=alert(1)>]]", fiche_links=links)
    assert "<script" not in html and "<img" not in html and "<strong" not in html and "<em" not in html
    assert "Titre &lt;script&gt;alert(1)&lt;/script&gt; &amp;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


@pytest.mark.parametrize(
    "source",
    ['[[a" onclick="alert(1)]]', "[[<script>alert(1)</script>]]", "[[javascript:alert(1)]]", "[[../../admin/]]"],
)
def test_an_odd_slug_injects_nothing_and_links_nowhere(source):
    html = render_markdown(source, fiche_links={})
    assert re.findall(r"<[^>]*>", html) == ["<p>", "</p>"]  # the slug is text, never a tag or an attribute


def test_an_unknown_slug_renders_as_plain_text_never_as_a_link():
    assert render_markdown("Voir [[absente]] et [[absente|cette fiche]].", fiche_links={}) == (
        "<p>Voir absente et cette fiche.</p>"
    )


def test_a_fiche_without_address_renders_its_title_as_plain_text():
    html = render_markdown("Voir [[brouillon]].", fiche_links={"brouillon": FicheLink("Fiche en préparation")})
    assert html == "<p>Voir Fiche en préparation.</p>"


def test_links_written_in_code_stay_literal_and_are_not_links():
    links = {"cible": FicheLink("Titre", "/fiches/cible/")}
    source = "Écrire `[[cible]]` ainsi.\n\n```\n[[cible|texte]]\n```\n\n    [[cible]]\n\nMais [[cible]] ici, pas \\[[cible]]."
    html = render_markdown(source, fiche_links=links)
    assert "<code>[[cible]]</code>" in html and "[[cible|texte]]" in html and "<code>[[cible]]\n</code>" in html
    assert html.count("<a ") == 1
    assert "pas [[cible]]." in html
    assert fiche_link_slugs(source) == {"cible"}
    assert [match.start() for match in fiche_link_matches(source)] == [source.index("Mais [[") + 5]


def test_a_text_without_links_parses_nothing():
    assert fiche_link_slugs("Du **texte** sans lien.") == set()
    assert fiche_link_matches("Du **texte** sans lien.") == []


# Fiches and steps saved: links resolved from the database


@pytest.mark.django_db
def test_a_saved_fiche_links_a_published_fiche_and_shows_a_draft_as_text():
    make_fiche(slug="cible", title="Pratiques des entreprises")
    make_fiche(slug="projet", title="Fiche en préparation", status=Fiche.Status.DRAFT, published_at=None)
    fiche = make_fiche(body="Voir [[cible]] puis [[projet]].")
    assert f"{LINK}Pratiques des entreprises</a>" in fiche.body_html
    assert "puis Fiche en préparation." in fiche.body_html
    assert "/fiches/projet/" not in fiche.body_html


@pytest.mark.django_db
def test_the_search_copies_hold_the_link_text_not_the_syntax():
    make_fiche(slug="cible", title="Pratiques des entreprises")
    fiche = make_fiche(body="Voir [[cible]] et [[cible|la fiche consacrée aux entreprises]].")
    step = make_step(make_parcours(), body="Lire [[cible]] avant tout.")
    assert "[[" not in fiche.body_text and "cible" not in fiche.body_text
    assert "Voir Pratiques des entreprises et la fiche consacrée aux entreprises." == fiche.body_text
    assert " pratiques des entreprises" in fiche.search_text and "[[" not in fiche.search_text
    assert "pratiques des entreprises" in step.search_text and "[[" not in step.search_text


@pytest.mark.django_db
def test_a_visitor_reads_the_link_on_the_fiche_page(visitor):
    make_fiche(slug="cible", title="Pratiques des entreprises")
    fiche = make_fiche(body="Voir [[cible]].")
    page = visitor.get(f"/fiches/{fiche.slug}/").content.decode()
    assert f"{LINK}Pratiques des entreprises</a>" in page
    assert visitor.get("/fiches/cible/").status_code == 200


@pytest.mark.django_db
def test_a_body_without_link_reads_no_fiche_when_saved():
    fiche = make_fiche(body="Sans lien.")
    fiche.body = "Toujours sans lien."
    with CaptureQueriesContext(connection) as ctx:
        fiche.save()
    assert not [q for q in ctx.captured_queries if "slug" in q["sql"] and " IN " in q["sql"]]
    assert linking_queries(ctx.captured_queries) == []  # nothing about the fiche's links changed


# Validation: an unknown slug is an error


@pytest.mark.django_db
def test_model_validation_refuses_an_unknown_slug_on_the_body():
    fiche = make_fiche(slug="cible")
    fiche.body = "Voir [[abc]] et [[cible]]."
    with pytest.raises(ValidationError) as error:
        fiche.full_clean()
    assert error.value.message_dict == {
        "body": ["Fiche inconnue\u00a0: [[abc]]. Vérifiez l’identifiant d’adresse (slug) de la fiche."]
    }


@pytest.mark.django_db
def test_model_validation_names_every_unknown_slug_and_accepts_drafts_code_and_the_fiche_itself():
    make_fiche(slug="projet", status=Fiche.Status.DRAFT, published_at=None)
    fiche = make_fiche(slug="moi-meme")
    fiche.body = "[[projet]], [[moi-meme]], `[[en-code]]`."
    fiche.full_clean()
    fiche.body = "[[zz]] et [[aa]]"
    with pytest.raises(ValidationError) as error:
        fiche.full_clean()
    assert error.value.message_dict["body"] == [
        "Fiches inconnues\u00a0: [[aa]], [[zz]]. Vérifiez les identifiants d’adresse (slugs) de ces fiches."
    ]


@pytest.mark.django_db
def test_step_validation_refuses_an_unknown_slug():
    step = make_step(make_parcours(), body="Lire [[abc]].")
    with pytest.raises(ValidationError) as error:
        step.full_clean()
    assert "Fiche inconnue\u00a0: [[abc]]" in error.value.message_dict["body"][0]


def fiche_form(fiche, **overrides):
    data = {
        "family": fiche.family, "title": fiche.title, "slug": fiche.slug, "chapeau": fiche.chapeau, "body": fiche.body,
        "tags": "", "status": fiche.status, "published_at_0": "", "published_at_1": "", "last_reviewed": "",
        "sources-TOTAL_FORMS": "0", "sources-INITIAL_FORMS": "0", "_save": "Enregistrer",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_the_admin_fiche_form_shows_the_unknown_slug_on_the_body_and_saves_nothing(staff_client):
    fiche = make_fiche(body="Avant.")
    response = staff_client.post(
        f"/admin/resources/fiche/{fiche.pk}/change/", fiche_form(fiche, body="Voir [[abc]] et [[<b>x</b>]].")
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["body"]
    assert "Fiches inconnues\u00a0: [[&lt;b&gt;x&lt;/b&gt;]], [[abc]]." in response.content.decode()
    fiche.refresh_from_db()
    assert fiche.body == "Avant."


@pytest.mark.django_db
def test_the_admin_fiche_form_saves_a_known_link(staff_client):
    make_fiche(slug="cible", title="Pratiques des entreprises")
    fiche = make_fiche()
    response = staff_client.post(f"/admin/resources/fiche/{fiche.pk}/change/", fiche_form(fiche, body="Voir [[cible]]."))
    assert response.status_code == 302
    fiche.refresh_from_db()
    assert f"{LINK}Pratiques des entreprises</a>" in fiche.body_html


def step_form(step, **overrides):
    data = {
        "parcours": step.parcours_id, "order": step.order, "depth": step.depth, "minutes": step.minutes,
        "title": step.title, "provenance": step.provenance, "slug": step.slug, "objective": step.objective,
        "questions": step.questions, "body": step.body, "_save": "Enregistrer",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_the_admin_step_form_shows_the_unknown_slug_on_the_body_and_saves_nothing(staff_client):
    step = make_step(make_parcours(), body="Avant.")
    response = staff_client.post(f"/admin/parcours/step/{step.pk}/change/", step_form(step, body="Lire [[abc]]."))
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["body"]
    assert "Fiche inconnue\u00a0: [[abc]]. Vérifiez l’identifiant d’adresse (slug) de la fiche." in (
        response.content.decode()
    )
    step.refresh_from_db()
    assert step.body == "Avant."


# The shipped files: checked against every file, then rendered once all fiches exist


def write_fiche(directory, slug, body, **meta):
    fields = {"title": slug.replace("-", " ").capitalize(), "family": "action", "chapeau": "Un chapeau."}
    fields.update(meta)
    front = "\n".join(f"{key} = {value!r}".replace("'", '"') for key, value in fields.items())
    source = '[[sources]]\nlabel = "Une source"\nkind = "inference"'
    (directory / f"{slug}.md").write_text(f"+++\n{front}\n\n{source}\n+++\n{body}\n", encoding="utf-8")


def test_the_file_check_names_the_unknown_slug_and_accepts_a_fiche_loaded_later(tmp_path):
    write_fiche(tmp_path, "a-premiere", "Voir [[b-seconde]], [[absente]] et `[[en-code]]`.")
    write_fiche(tmp_path, "b-seconde", "Retour à [[a-premiere|la première]].")
    _, report = content_files.check_all(tmp_path)
    assert report == {"a-premiere": ["body links to an unknown fiche: [[absente]] (no fiche file absente.md)"], "b-seconde": []}


def test_the_file_check_counts_every_link_when_markdown_is_not_installed(monkeypatch):
    monkeypatch.setitem(sys.modules, "resources.markdown", None)  # importing it now raises ImportError
    assert content_files.linked_fiche_slugs("[[a]] [[b|texte]] `[[c]]`") == {"a", "b", "c"}


@pytest.mark.django_db
def test_load_content_refuses_a_file_linking_an_unknown_fiche_and_writes_no_fiche(tmp_path):
    write_fiche(tmp_path, "a-premiere", "Voir [[absente]].")
    write_fiche(tmp_path, "b-seconde", "Rien.")
    with pytest.raises(content_files.ContentError) as error:
        content_load(directory=tmp_path)
    assert "a-premiere.md" in str(error.value) and "[[absente]]" in str(error.value)
    assert "b-seconde" not in str(error.value)
    assert not Fiche.objects.exists()


@pytest.mark.django_db
def test_load_content_accepts_a_link_to_a_fiche_only_in_the_database(tmp_path):
    make_fiche(slug="en-base", title="Créée dans l’administration")
    write_fiche(tmp_path, "a-premiere", "Voir [[en-base]].")
    content_load(directory=tmp_path)
    assert '<a href="/fiches/en-base/"' in Fiche.objects.get(slug="a-premiere").body_html


@pytest.mark.django_db
def test_load_content_renders_a_link_to_a_fiche_loaded_after_the_one_that_links_it(tmp_path):
    write_fiche(tmp_path, "a-premiere", "Voir [[b-seconde]].")
    write_fiche(tmp_path, "b-seconde", "Retour à [[a-premiere|la première]].", title="La seconde")
    content_load(directory=tmp_path)
    assert '<a href="/fiches/b-seconde/" rel="noopener noreferrer">La seconde</a>' in (
        Fiche.objects.get(slug="a-premiere").body_html
    )
    assert '<a href="/fiches/a-premiere/" rel="noopener noreferrer">la première</a>' in (
        Fiche.objects.get(slug="b-seconde").body_html
    )


def write_parcours(directory, body):
    directory.joinpath("parcours.toml").write_text(
        textwrap.dedent("""\
            [[parcours]]
            slug = "essai"
            title = "Essai"
            kind = "pedagogique"
            summary = "Un parcours."
            audience = ""
            order = 1
            source_url = ""
            """),
        encoding="utf-8",
    )
    (directory / "essai").mkdir()
    front = textwrap.dedent("""\
        title = "Étape"
        order = 1
        depth = ""
        minutes = 10
        objective = "Savoir."
        fiches = []
        questions = ["Une ?", "Deux ?"]
        provenance = "to_confirm"
        """)
    (directory / "essai" / "01-etape.md").write_text(f"+++\n{front}+++\n{body} {'mot ' * 220}\n", encoding="utf-8")


@pytest.mark.django_db
def test_the_parcours_loader_refuses_a_step_linking_an_unknown_fiche(tmp_path):
    write_parcours(tmp_path, "Lire [[absente]].")
    with pytest.raises(content_files.ContentError) as error:
        parcours_load(directory=tmp_path)
    assert "essai/01-etape.md" in str(error.value) and "[[absente]]" in str(error.value)
    assert not Step.objects.exists()


@pytest.mark.django_db
def test_the_parcours_loader_renders_a_step_link(tmp_path):
    make_fiche(slug="cible", title="Pratiques des entreprises")
    write_parcours(tmp_path, "Lire [[cible]].")
    assert parcours_files.check_all(tmp_path, known_fiches={"cible"}) == {"essai/etape": []}
    parcours_load(directory=tmp_path)
    assert f"{LINK}Pratiques des entreprises</a>" in Step.objects.get().body_html


# Keeping links right when the linked fiche changes


@pytest.fixture
def linked(db):
    """A fiche ``cible`` linked by a fiche and a step (title and custom text), plus a look-alike slug."""
    target = make_fiche(slug="cible", title="Ancien titre")
    make_fiche(slug="cible-bis", title="Autre fiche")
    source = make_fiche(slug="source", body="Voir [[cible]], [[cible|ce texte]] et [[cible-bis]]. Code : `[[cible]]`.")
    step = make_step(make_parcours(), body="Lire [[cible]].")
    return target, source, step


def refreshed(*rows):
    for row in rows:
        row.refresh_from_db()
    return rows


def test_a_new_title_shows_in_the_bodies_that_link_the_fiche_with_one_query_per_model(linked):
    target, source, step = linked
    updated_at = source.updated_at
    make_fiche(body="Une fiche sans lien.")  # not read again
    target.title = "Nouveau titre"
    with CaptureQueriesContext(connection) as ctx:
        target.save()
    assert len(linking_queries(ctx.captured_queries)) == 3  # fiches, steps, worksheets
    source, step = refreshed(source, step)
    assert f"{LINK}Nouveau titre</a>" in source.body_html and "Ancien titre" not in source.body_html
    assert f"{LINK}ce texte</a>" in source.body_html
    assert f"{LINK}Nouveau titre</a>" in step.body_html
    assert " nouveau titre" in source.search_text and "ancien titre" not in source.search_text
    assert source.updated_at == updated_at  # a rendering, not an edit


def test_saving_a_fiche_without_changing_title_slug_or_status_renders_no_other_body(linked):
    target, _, _ = linked
    target.chapeau = "Un autre chapeau."
    with CaptureQueriesContext(connection) as ctx:
        target.save()
    assert linking_queries(ctx.captured_queries) == []


def test_a_new_slug_is_written_into_the_bodies_that_link_the_fiche(linked):
    target, source, step = linked
    target.slug = "nouvelle-adresse"
    target.save()
    source, step = refreshed(source, step)
    assert source.body == (
        "Voir [[nouvelle-adresse]], [[nouvelle-adresse|ce texte]] et [[cible-bis]]. Code : `[[cible]]`."
    )
    assert step.body == "Lire [[nouvelle-adresse]]."
    assert '<a href="/fiches/nouvelle-adresse/"' in source.body_html and '<a href="/fiches/cible/"' not in source.body_html
    source.full_clean()
    step.full_clean()


def test_a_fiche_back_in_draft_is_plain_text_until_published_again(linked, visitor):
    target, source, step = linked
    target.status = Fiche.Status.DRAFT
    target.save()
    source, step = refreshed(source, step)
    assert '"/fiches/cible/"' not in source.body_html and "Voir Ancien titre, ce texte et" in source.body_html
    assert '"/fiches/cible/"' not in step.body_html
    assert visitor.get("/fiches/cible/").status_code == 404
    target.status = Fiche.Status.PUBLISHED
    target.save()
    source, step = refreshed(source, step)
    assert f"{LINK}Ancien titre</a>" in source.body_html and f"{LINK}Ancien titre</a>" in step.body_html


def test_a_refresh_renders_the_bodies_after_a_bulk_status_change(linked):
    target, source, _ = linked
    Fiche.objects.filter(pk=target.pk).update(status=Fiche.Status.DRAFT)  # sends no signal
    assert fiche_links_refresh(slugs=["cible"]) == 2
    (source,) = refreshed(source)
    assert '"/fiches/cible/"' not in source.body_html


def test_a_deleted_fiche_leaves_its_text_plain_in_the_bodies_that_linked_it(linked):
    target, source, step = linked
    target.title = "Titre *étoilé* & <b>gras</b> [1]"
    target.save()
    target.delete()
    source, step = refreshed(source, step)
    assert source.body == (
        "Voir Titre \\*étoilé\\* &amp; &lt;b>gras&lt;/b> \\[1\\], ce texte et [[cible-bis]]. Code : `[[cible]]`."
    )
    assert "Voir Titre *étoilé* &amp; &lt;b&gt;gras&lt;/b&gt; [1], ce texte et" in source.body_html
    assert "/fiches/cible/" not in source.body_html and '<a href="/fiches/cible-bis/"' in source.body_html
    assert step.body == "Lire Titre \\*étoilé\\* &amp; &lt;b>gras&lt;/b> \\[1\\]."
    source.full_clean()
    step.full_clean()


def test_a_bulk_deletion_in_the_admin_unlinks_every_deleted_fiche(linked, staff_client):
    target, source, _ = linked
    other = make_fiche(slug="autre", title="Autre titre")
    source.body = "[[cible]] et [[autre|l’autre]]."
    source.save()
    response = staff_client.post(
        "/admin/resources/fiche/",
        {"action": "delete_selected", "_selected_action": [target.pk, other.pk], "post": "yes"},
    )
    assert response.status_code == 302
    (source,) = refreshed(source)
    assert source.body == "Ancien titre et l’autre."


def test_a_title_changed_in_the_admin_reaches_the_linking_step(linked, staff_client):
    target, _, step = linked
    response = staff_client.post(f"/admin/resources/fiche/{target.pk}/change/", fiche_form(target, title="Titre revu"))
    assert response.status_code == 302
    (step,) = refreshed(step)
    assert f"{LINK}Titre revu</a>" in step.body_html


@pytest.mark.django_db
def test_a_fiche_created_after_a_body_named_it_turns_the_name_into_a_link():
    source = make_fiche(body="Bientôt [[future]].")  # saved without validation, as a script would
    assert "Bientôt future." in source.body_html
    make_fiche(slug="future", title="La fiche attendue")
    (source,) = refreshed(source)
    assert '<a href="/fiches/future/" rel="noopener noreferrer">La fiche attendue</a>' in source.body_html


@pytest.mark.django_db
def test_a_refresh_without_slugs_renders_nothing():
    make_fiche(body="Sans lien.")
    with CaptureQueriesContext(connection) as ctx:
        assert fiche_links_refresh(slugs=[]) == 0
        with fiche_links_deferred():
            pass
    assert [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]] == []


@pytest.mark.django_db
def test_deferred_links_render_each_body_once_on_leaving_the_block():
    source = make_fiche(body="[[une]] et [[deux]].")
    with fiche_links_deferred():
        make_fiche(slug="une", title="Une")
        make_fiche(slug="deux", title="Deux")
        source.refresh_from_db()
        assert "<a " not in source.body_html  # not yet
    (source,) = refreshed(source)
    assert source.body_html.count("<a ") == 2


# The shipped content uses the links


@pytest.mark.django_db
def test_the_shipped_fiches_and_steps_link_other_fiches_and_every_link_resolves(shipped_rows):
    restore(shipped_rows, upto="parcours")  # what content_load() then parcours_load() write
    published = set(Fiche.objects.published().values_list("slug", flat=True))
    counts = {}
    for model in (Fiche, Step):
        total = 0
        for row in model.objects.all():
            slugs = [match.group(1) for match in fiche_link_matches(row.body)]
            assert set(slugs) <= published, row
            assert row.body_html.count('<a href="/fiches/') == len(slugs), row
            assert "[[" not in row.body_html, row
            total += len(slugs)
        counts[model] = total
    assert counts[Fiche] >= 150
    assert counts[Step] >= 45
    linking = Fiche.objects.filter(body__contains="[[").count()
    assert linking >= 30


@pytest.mark.parametrize("body", [
    "Voir [la fiche]([[cible]]).",
    "Voir <https://exemple.fr/[[cible]]>.",
    "Voir [[[cible]]](https://exemple.fr/).",
])
@pytest.mark.django_db
def test_a_fiche_link_inside_another_link_is_refused_with_the_right_way_to_write_it(body):
    make_fiche(slug="cible", title="La fiche visée")
    fiche = make_fiche(slug="source", title="Source")
    fiche.body = body
    with pytest.raises(ValidationError) as raised:
        fiche.full_clean()
    assert "[[identifiant-de-la-fiche|texte du lien]]" in str(raised.value)
    from resources.content_files import unknown_link_problems

    assert any("inside another link" in problem for problem in unknown_link_problems(body, {"cible"}))
