"""core.static_storage gives the addresses whitenoise's storage gives, computed once."""

import json

from whitenoise.storage import CompressedManifestStaticFilesStorage

from core.static_storage import StaticStorage


def test_addresses_are_whitenoises_and_computed_once(tmp_path, settings):
    settings.STATIC_URL = "/static/"
    manifest = {"paths": {"css/base.css": "css/base.0a1b2c3d4e5f.css", "js/menu.js": "js/menu.9f8e7d6c5b4a.js"},
                "version": "1.1", "hash": "x"}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    ours, theirs = StaticStorage(location=tmp_path), CompressedManifestStaticFilesStorage(location=tmp_path)
    for name in ("css/base.css", "js/menu.js"):
        assert ours.url(name) == theirs.url(name) == f"/static/{manifest['paths'][name]}"
    ours.hashed_files["css/base.css"] = "css/base.changed.css"  # a manifest never changes under a running process
    assert ours.url("css/base.css") == "/static/css/base.0a1b2c3d4e5f.css"
