"""What every write shares: the version guard against lost edits, and tombstones for partners syncing."""

from collections.abc import Iterable

from django.db import models
from django.db.models import F

from recommendations.models import DeletedObject


class EditConflict(Exception):
    """Someone else saved the object (an assessment, an evidence source, a briefing's texts) since the caller read it.

    `current` is the object as it is now (None when the caller expected one and there is none any more, or the
    reverse: a briefing's texts someone else created first).
    """

    def __init__(self, current: models.Model | None) -> None:
        name = f"{current._meta.verbose_name} {current.pk}" if current is not None else "The object"
        super().__init__(f"{name} was changed by someone else.")
        self.current = current


def write_tombstones(kind: str, object_ids: Iterable[int]) -> None:
    """Record ids of public objects deleted or unpublished, so partners syncing through /api/v1/deletions/
    delete them too. Callers pass only objects that were public: the feed never names a private one."""
    DeletedObject.objects.bulk_create(DeletedObject(kind=kind, object_id=pk) for pk in sorted(set(object_ids)))


def claim_version(obj: models.Model, expected: int) -> None:
    """Raise the stored version if it is still `expected` (locking the row), else raise EditConflict.

    The one optimistic lock of the project: assessments, evidence sources and briefing texts carry a `version`
    that every save raises; the admin, the API (If-Match) and the briefing editor send the one they read."""
    model = type(obj)
    if not model.objects.filter(pk=obj.pk, version=expected).update(version=F("version") + 1):
        raise EditConflict(model.objects.filter(pk=obj.pk).first() or obj)
    obj.version = expected + 1
