"""Static files with hashed names (whitenoise), their addresses remembered by the process.

Each ``{% static %}`` looks the hashed name up in the manifest, then joins and quotes the address: about 50 µs, and
a page has a dozen. The manifest does not change while the process runs (it is read at start, and DEBUG, which
would re-read it, uses another storage), so an address computed once stays right.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage

# Bounded all the same: names come from templates, a few dozen.
REMEMBERED = 1024


class StaticStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._addresses = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        address = self._addresses.get(name)
        if address is None:
            address = super().url(name)
            if len(self._addresses) >= REMEMBERED:
                self._addresses.clear()
            self._addresses[name] = address
        return address
