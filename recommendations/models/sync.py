from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class DeletedKind(models.TextChoices):
    RECOMMENDATION = "recommendation", _("Recommendation")
    ASSESSMENT = "assessment", _("Implementation assessment")
    EVIDENCE_SOURCE = "evidence_source", _("Evidence source")


class DeletedObject(models.Model):
    """A tombstone: a row that was deleted, so partners syncing a copy can delete it too.

    Written by the delete functions in recommendations/services/, never by
    signals; `deleted_at` comes from the database clock (the transaction's
    timestamp), the same clock as the `updated_at` that refreshes write.
    """

    Kind = DeletedKind  # defined before the model, where Meta's constraint can name its values

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    object_id = models.BigIntegerField(_("object id"), help_text=_("The id the object had in the API."))
    deleted_at = models.DateTimeField(_("deleted at"), db_default=Now(), editable=False)

    class Meta:
        ordering = ["deleted_at", "id"]
        verbose_name = _("deleted object")
        verbose_name_plural = _("deleted objects")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=DeletedKind.values),
                name="deleted_object_kind_valid",
            ),
        ]
        indexes = [
            # /api/v1/deletions/?since=…, keyset-paginated on (deleted_at, id).
            models.Index(fields=["deleted_at", "id"], name="deleted_object_sync_idx"),
        ]

    def __str__(self) -> str:
        values = {"kind": self.get_kind_display(), "id": self.object_id, "when": f"{self.deleted_at:%Y-%m-%d %H:%M}"}
        return gettext("%(kind)s #%(id)s (deleted %(when)s)") % values
