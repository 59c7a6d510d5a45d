"""core.widgets writes the HTML Django's widget templates would."""

import pytest
from django import forms

from core.widgets import Textarea


@pytest.mark.parametrize("value, attrs", [
    (None, {}),
    ("", {"rows": 10}),
    ("Notes : « à revoir » <script>alert(1)</script> & co\nligne 2", {"rows": 10, "maxlength": "20000"}),
    ("\nCommence par un saut de ligne", {"required": True, "disabled": False, "aria-describedby": "id_note_aide"}),
])
def test_the_textarea_is_djangos_to_the_byte(value, attrs):
    ours, django = Textarea(attrs={"cols": 40}), forms.Textarea(attrs={"cols": 40})
    extra = {"id": "id_note", **attrs}
    assert ours.render("note", value, attrs=extra) == django.render("note", value, attrs=extra)
