"""Sessions read from the cache and written through to the database (Django's ``cached_db``), that keep working
while the cache does not answer.

Django's ``cached_db`` tolerates a failed read, and a failed write after a save; but copying a session found in
the database into the cache, checking whether a new key is free, and deleting a session all raise. With Redis
down, every logged-in page, log-in and log-out would fail. Here each of them falls back to the database and logs
the outage. The cache only ever holds a copy that expires within the hour, so a copy that a failed deletion
left behind (Redis back with its data) cannot revive a closed session for longer than that.
"""

import logging

from django.contrib.sessions.backends import cached_db, db

logger = logging.getLogger(__name__)

COPY_SECONDS = 60 * 60


class SessionStore(cached_db.SessionStore):
    def _copy_to_cache(self, data, age):
        try:
            self._cache.set(self.cache_key, data, min(age, COPY_SECONDS))
        except Exception:
            logger.warning("Cache des sessions injoignable : session non recopiée")

    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception:
            logger.warning("Cache des sessions injoignable : lecture en base")
            data = None
        if data is not None:
            return data
        found = self._get_session_from_db()
        if not found:
            return {}
        data = self.decode(found.session_data)
        self._copy_to_cache(data, self.get_expiry_age(expiry=found.expire_date))
        return data

    def exists(self, session_key):
        try:
            if session_key and (self.cache_key_prefix + session_key) in self._cache:
                return True
        except Exception:
            logger.warning("Cache des sessions injoignable : clé vérifiée en base")
        return db.SessionStore.exists(self, session_key)

    def save(self, must_create=False):
        db.SessionStore.save(self, must_create)
        self._copy_to_cache(self._session, self.get_expiry_age())

    def delete(self, session_key=None):
        db.SessionStore.delete(self, session_key)
        session_key = session_key or self.session_key
        if session_key is None:
            return
        try:
            self._cache.delete(self.cache_key_prefix + session_key)
        except Exception:
            logger.error("Cache des sessions injoignable : session fermée en base, sa copie expire dans l’heure")
