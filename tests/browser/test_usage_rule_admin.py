"""Staff edit an item of a « Par où commencer ? » rule in a real browser: the form shows the target field the kind
names (static/js/usage-rule-admin.js), under the admin's Content-Security-Policy."""

from tests.factories import make_usage_rule


def test_an_item_shows_the_target_field_its_kind_names(page, django_user_model):
    django_user_model.objects.create_superuser("editrice", "editrice@example.org", "motdepasse-editrice-42")
    rule = make_usage_rule(items=[{"kind": "diagnostic", "minutes": 20}])
    page.goto("/admin/login/")
    page.fill("#id_username", "editrice")
    page.fill("#id_password", "motdepasse-editrice-42")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")

    page.goto(f"/admin/parcours/usagerule/{rule.pk}/change/")
    item = page.locator("#items-0")
    assert item.locator(".form-row.field-fiche").is_hidden()
    assert item.locator(".form-row.field-minutes").is_visible()

    page.select_option("#id_items-0-kind", "parcours")
    assert item.locator(".form-row.field-parcours").is_visible()  # with its level
    assert item.locator(".form-row.field-fiche").is_hidden()

    page.click("#items-group .add-row a")
    page.select_option("#id_items-2-kind", "fiche")
    added = page.locator("#items-2")
    assert added.locator(".form-row.field-fiche").is_visible()
    assert added.locator(".form-row.field-step").is_hidden()
    assert page.console_errors == []
