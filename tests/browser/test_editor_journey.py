"""An editor of the « Éditeur » group at work in the admin: edits a shipped fiche, compares it with the version
before, reverts; schedules a new fiche for tomorrow (a visitor does not see it); imports a CSV with one bad row
(the error, nothing written); handles the correction a reader sent from the fiche page. axe-core audits the public
pages on the way."""

import re
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from resources.import_export import FicheResource
from resources.models import Correction, Fiche
from tests.browser.a11y import axe_violations

PASSWORD = "une-redaction-2026"


def _editor_page(browser, base_url):
    editor = get_user_model().objects.create_user("editrice", "editrice@example.org", PASSWORD, is_staff=True)
    editor.groups.add(Group.objects.get(name="Éditeur"))
    page = browser.new_context(base_url=base_url, locale="fr-FR").new_page()
    page.set_default_timeout(10_000)
    page.goto("/admin/login/")
    page.fill("#id_username", "editrice")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.locator("#login-form [type=submit]").click()
    return page


def _save(page):
    with page.expect_navigation():
        page.locator('input[name="_save"]').click()
    expect(page.locator(".messagelist")).to_be_visible()


def test_an_editor_edits_compares_reverts_schedules_imports_and_handles_a_correction(
        audit_page, browser, shipped_site, tmp_path):
    visitor, audited = audit_page, {}

    def audit(name):
        audited[name] = axe_violations(visitor)

    fiche = Fiche.objects.published().order_by("pk").first()
    title = fiche.title
    staff = _editor_page(browser, shipped_site.url)

    # 1. Edit a shipped fiche, then compare with the version before (kept at the first edit) and revert.
    staff.goto(f"/admin/resources/fiche/{fiche.pk}/change/")
    staff.fill("#id_title", f"{title} (à revoir)")
    _save(staff)
    visitor.goto(fiche.get_absolute_url())
    expect(visitor.locator("h1")).to_have_text(f"{title} (à revoir)")
    staff.goto(f"/admin/resources/fiche/{fiche.pk}/history/")
    with staff.expect_navigation():
        staff.get_by_role("link", name="Comparer avec la précédente").first.click()
    changes = staff.locator("table.hub-history-changes")
    expect(changes).to_contain_text(title)
    expect(changes).to_contain_text(f"{title} (à revoir)")
    staff.goto(f"/admin/resources/fiche/{fiche.pk}/history/")
    with staff.expect_navigation():
        staff.get_by_role("link", name="Revenir à cette version").last.click()  # the oldest: before the edit
    expect(staff.locator("table.hub-history-changes")).to_contain_text(f"{title} (à revoir)")
    with staff.expect_navigation():
        staff.get_by_role("button", name="Oui, revenir à cette version").click()
    fiche.refresh_from_db()
    assert fiche.title == title
    visitor.goto(fiche.get_absolute_url())
    expect(visitor.locator("h1")).to_have_text(title)
    audit("fiche après le retour")

    # 2. A new fiche scheduled for tomorrow 9:00: invisible to a visitor until then.
    tomorrow = timezone.localtime() + timedelta(days=1)
    staff.goto("/admin/resources/fiche/add/")
    staff.select_option("#id_family", "action")
    staff.fill("#id_title", "Préparer son conseil d’administration")
    staff.fill("#id_chapeau", "Réunir les chiffres et les questions avant la séance.")
    staff.fill("#id_body", "## Avant la séance\n\nLes chiffres de l’année.")
    staff.select_option("#id_status", "published")
    staff.fill("#id_published_at_0", tomorrow.strftime("%d/%m/%Y"))
    staff.fill("#id_published_at_1", "09:00:00")
    _save(staff)
    scheduled = Fiche.objects.get(title="Préparer son conseil d’administration")
    assert scheduled.visibility(timezone.now()) == "scheduled"
    expect(staff.locator("#result_list")).to_contain_text("Programmée pour le")
    response = visitor.goto(scheduled.get_absolute_url())
    assert response.status == 404
    visitor.goto("/fiches/")
    expect(visitor.locator("main")).not_to_contain_text("Préparer son conseil d’administration")
    audit("liste des fiches")

    # 3. A CSV with one good change and one bad row: the error of its line, nothing written.
    dataset = FicheResource().export(queryset=Fiche.objects.filter(pk=fiche.pk))
    header = dataset.headers
    good = list(dataset[0])
    good[header.index("titre")] = "Titre changé par l’import"
    bad = list(dataset[0])
    bad[header.index("identifiant d’adresse")] = "fiche-importee"
    bad[header.index("leviers")] = "levier-inexistant"
    path = tmp_path / "fiches.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(";".join(header) + "\n")
        for row in (good, bad):
            out.write(";".join('"' + str(value or "").replace('"', '""') + '"' for value in row) + "\n")
    staff.goto("/admin/resources/fiche/import/")
    staff.set_input_files('input[type="file"]', str(path))
    staff.select_option('select[name="format"]', label="csv")
    with staff.expect_navigation():
        staff.locator('form:has(input[type="file"]) [type="submit"]').click()
    errors = staff.locator(".hub-import-errors")
    expect(errors).to_contain_text("Ligne 3")
    expect(errors).to_contain_text("levier-inexistant")
    expect(staff.locator('input[name="confirm"]')).to_have_count(0)
    fiche.refresh_from_db()
    assert fiche.title == title and not Fiche.objects.filter(slug="fiche-importee").exists()

    # 4. A reader reports an error from the fiche page; the editor reads it beside the text and handles it.
    visitor.goto(fiche.get_absolute_url())
    with visitor.expect_navigation():
        visitor.get_by_role("link", name=re.compile("signaler une erreur", re.IGNORECASE)).click()
    audit("formulaire de correction")
    visitor.fill("#id_message", "Le chiffre du deuxième paragraphe date de 2019, pas de 2021.")
    visitor.fill("#id_proposed_text", "En 2019, selon le référentiel.")
    with visitor.expect_navigation():
        visitor.locator("main form button[type=submit]").click()
    expect(visitor.locator("h1")).to_contain_text("Merci")
    audit("correction envoyée")
    correction = Correction.objects.get()
    staff.goto(f"/admin/resources/correction/{correction.pk}/change/")
    expect(staff.locator("#content-main")).to_contain_text("date de 2019, pas de 2021")
    expect(staff.locator("#content-main")).to_contain_text(fiche.chapeau[:40])
    with staff.expect_navigation():
        staff.get_by_role("button", name="Marquer comme traitée").click()
    correction.refresh_from_db()
    assert correction.handled_at is not None and correction.handled_by.username == "editrice"

    staff.context.close()  # before the live server's teardown: its request threads end with their connections
    failures = {name: found for name, found in audited.items() if found}
    assert failures == {}, failures
