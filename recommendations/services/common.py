"""What every write shares: the version guard against lost edits, and tombstones for partners syncing."""

from collections.abc import Iterable

from django.db.models import F

from recommendations.models import (
    DeletedObject,
    EvidenceSource,
    ImplementationAssessment,
)


class EditConflict(Exception):
    """Someone else saved the object (an assessment, an evidence source) since the caller read it.

    `current` is the object as it is now.
    """

    def __init__(self, current: ImplementationAssessment | EvidenceSource) -> None:
        super().__init__(f"{current._meta.verbose_name} {current.pk} was changed by someone else.")
        self.current = current


def write_tombstones(kind: str, object_ids: Iterable[int]) -> None:
    """Record ids of public objects deleted or unpublished, so partners syncing through /api/v1/deletions/
    delete them too. Callers pass only objects that were public: the feed never names a private one."""
    DeletedObject.objects.bulk_create(DeletedObject(kind=kind, object_id=pk) for pk in sorted(set(object_ids)))


def claim_version(obj: ImplementationAssessment | EvidenceSource, expected: int) -> None:
    """Raise the stored version if it is still `expected` (locking the row), else raise EditConflict."""
    model = type(obj)
    if not model.objects.filter(pk=obj.pk, version=expected).update(version=F("version") + 1):
        raise EditConflict(model.objects.filter(pk=obj.pk).first() or obj)
    obj.version = expected + 1
