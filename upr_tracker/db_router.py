"""Reads to the read replica, writes to the primary, when DATABASE_REPLICA_URL configures one.

Without a `replica` alias in DATABASES every query goes to `default`, as if
there were no router. With one, every read an app makes outside a write is
served by the replica; writes (and reads inside `transaction.atomic` on the
primary, which Django routes with the write's `using`) go to `default`.

API tokens are always read on the primary, so that a revoked token is refused at once.

Read-your-writes is not guaranteed: a page read right after a write in
another request may be served by a replica that has not replayed it yet
(usually milliseconds behind). Nothing in the app depends on reading its own
write from a separate request; a write's own response is built on the
primary connection it used.
"""

from django.conf import settings
from django.db import transaction

REPLICA = "replica"


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if REPLICA not in settings.DATABASES:
            return None
        # A revoked API token must be refused at once, not once the replica has replayed the deletion.
        if model is not None and model._meta.label == settings.KNOX_TOKEN_MODEL:
            return "default"
        # Inside a transaction on the primary, read there: the transaction may have written.
        if transaction.get_connection("default").in_atomic_block:
            return "default"
        return REPLICA

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the primary's data: objects from either may be related

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
