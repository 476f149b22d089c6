from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from recommendations.models.recommendation import ImplementationStatus
from recommendations.models.storage import EvidenceDocumentField, evidence_storage


def not_after_today(value) -> None:
    """A date an assessment or a publication describes cannot lie in the future."""
    if value is not None and value > timezone.localdate():
        raise ValidationError(gettext("This date is after today."), code="future_date")


VERSION_HELP = _("Raised on every save; a save based on an older version is refused.")


# Each enumeration is defined before its model and named in it (Organisation.Kind …): Meta's constraints
# can then name its values, which they cannot reach in a class nested in the model.
class OrganisationKind(models.TextChoices):
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    NHRI = "nhri", _("National human rights institution")
    GOVERNMENT = "government", _("Government")
    UN = "un", _("United Nations")


class Organisation(models.Model):
    """An organisation whose staff record assessments (an NGO, an NHRI, a UN office …)."""

    Kind = OrganisationKind

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CIVIL_SOCIETY)
    website = models.URLField(_("website"), blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="organisations", verbose_name=_("members")
    )
    followed_states = models.ManyToManyField(
        "states.State",
        blank=True,
        related_name="followed_by",
        verbose_name=_("followed states"),
        help_text=_("States whose recommendations the workspace's follow-up list watches (set by reviewers)."),
    )
    followed_themes = models.ManyToManyField(
        "Theme",
        blank=True,
        related_name="followed_by",
        verbose_name=_("followed themes"),
        help_text=_("Themes whose recommendations the follow-up list watches (with States: only theirs)."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=OrganisationKind.values),
                name="organisation_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:220]
        super().save(*args, **kwargs)


class MembershipRole(models.TextChoices):
    EDITOR = "editor", _("Editor")
    REVIEWER = "reviewer", _("Reviewer (may publish)")


class Membership(models.Model):
    Role = MembershipRole

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.EDITOR)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique_user_organisation"),
            models.CheckConstraint(condition=models.Q(role__in=MembershipRole.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation} ({self.get_role_display()})"


class EvidenceKind(models.TextChoices):
    NGO_REPORT = "ngo_report", _("NGO report")
    UN_DOCUMENT = "un_document", _("UN document or statement")
    NEWS = "news", _("News article")
    LAW = "law", _("Law or regulation")
    COURT_DECISION = "court_decision", _("Court decision")
    GOVERNMENT_STATEMENT = "government_statement", _("Government statement or report")
    NHRI_REPORT = "nhri_report", _("NHRI report")
    OTHER = "other", _("Other")


class EvidenceSource(models.Model):
    """A document that shows whether a recommendation was implemented."""

    Kind = EvidenceKind

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence_sources",
        verbose_name=_("organisation"),
        help_text=_(
            "The organisation that holds this source: only its members see it until a published assessment cites "
            "it. Empty for a source sent with the public form, until a reviewer publishes the submission."
        ),
    )
    title = models.CharField(_("title"), max_length=500)
    publisher = models.CharField(
        _("publisher"), max_length=300, blank=True, help_text=_("Who published it, e.g. Human Rights Watch.")
    )
    published_on = models.DateField(_("publication date"), null=True, blank=True, validators=[not_after_today])
    url = models.URLField(_("URL"), max_length=1000, blank=True)
    archive_url = models.URLField(
        _("archived copy"),
        max_length=1000,
        blank=True,
        help_text=_("A web archive copy, in case the original disappears."),
    )
    document_symbol = models.CharField(
        _("document symbol"), max_length=60, blank=True, help_text=_("UN document symbol, when it has one.")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.NGO_REPORT)
    document = EvidenceDocumentField(
        _("document"),
        storage=evidence_storage,
        upload_to="evidence/%Y/%m/",
        max_length=300,
        blank=True,
        validators=[FileExtensionValidator(["pdf", "docx"])],
        help_text=_("Optional copy (PDF or DOCX), served only to those who may see an assessment citing it."),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False, help_text=VERSION_HELP)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evidence source")
        verbose_name_plural = _("evidence sources")
        ordering = ["-published_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=EvidenceKind.values),
                name="evidence_kind_valid",
            ),
            # One source per URL in each organisation's library; sources from the public form have none.
            models.UniqueConstraint(
                fields=["organisation", "url"],
                condition=~models.Q(url=""),
                name="evidence_unique_organisation_url",
                violation_error_message=_(
                    "Your organisation's library already has a source with this link: cite that one instead "
                    "(find it by its title or link in the citation's source box)."
                ),
            ),
        ]

    def __str__(self) -> str:
        parts = [self.publisher, self.title]
        if self.published_on:
            parts.append(str(self.published_on.year))
        return ", ".join(p for p in parts if p)


class Publication(models.TextChoices):
    """An assessment's `state`: where it is in the publication workflow (nothing to do with a State, a country)."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted (awaiting moderation)")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")


class AssessorKind(models.TextChoices):
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    GOVERNMENT = "government", _("Government")
    NHRI = "nhri", _("National human rights institution")
    UN = "un", _("United Nations")


class ImplementationAssessment(models.Model):
    """How far a recommendation has been implemented, in one organisation's judgement at one date.

    Only published assessments count for the current status and are shown
    publicly; drafts, submissions and rejected ones stay inside the organisation.
    """

    Publication = Publication
    AssessorKind = AssessorKind

    recommendation = models.ForeignKey(
        "Recommendation", on_delete=models.CASCADE, related_name="assessments", verbose_name=_("recommendation")
    )
    status = models.CharField(_("status"), max_length=30, choices=ImplementationStatus.choices)
    assessed_on = models.DateField(
        _("assessment date"),
        validators=[not_after_today],
        help_text=_("The date the assessment describes (today or earlier)."),
    )
    narrative = models.TextField(_("narrative"), blank=True, help_text=_("What happened, in the organisation's words."))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("organisation")
    )
    assessor_kind = models.CharField(
        _("assessor kind"), max_length=20, choices=AssessorKind.choices, default=AssessorKind.CIVIL_SOCIETY
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    evidence = models.ManyToManyField(
        EvidenceSource, through="Citation", related_name="assessments", blank=True, verbose_name=_("evidence")
    )
    state = models.CharField(
        _("publication state"),
        max_length=20,
        choices=Publication.choices,
        default=Publication.DRAFT,
        help_text=_("Only published assessments appear publicly and count for the current status."),
    )
    submitter = models.CharField(
        _("submitter"),
        max_length=300,
        blank=True,
        help_text=_("Who submitted it from outside the organisation (name, organisation, contact)."),
    )
    revision_of = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="revisions",
        verbose_name=_("proposed change of"),
        help_text=_(
            "A change an editor proposed to this published assessment: it stays public as it was until a "
            "reviewer publishes the change."
        ),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False, help_text=VERSION_HELP)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("implementation assessment")
        verbose_name_plural = _("implementation assessments")
        ordering = ["recommendation", "-assessed_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=Publication.values), name="assessment_state_valid"),
            models.CheckConstraint(
                condition=models.Q(status__in=ImplementationStatus.values), name="assessment_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(assessor_kind__in=AssessorKind.values),
                name="assessment_assessor_kind_valid",
            ),
            # A proposed change is published by merging it into the assessment it revises.
            models.CheckConstraint(
                condition=Q(revision_of__isnull=True) | ~Q(state="published"), name="assessment_revision_unpublished"
            ),
            # One open proposal per published assessment: a second one would be based on a stale text.
            models.UniqueConstraint(
                fields=["revision_of"],
                condition=Q(state__in=["draft", "submitted"]),
                name="assessment_one_open_revision",
            ),
        ]
        indexes = [
            # The latest assessment of each recommendation (current status).
            models.Index(fields=["recommendation", "-assessed_on", "-id"], name="assessment_latest_idx"),
            # The current status reads only published assessments; the moderation queue only submitted ones.
            models.Index(
                fields=["recommendation", "-assessed_on", "-id"],
                condition=Q(state="published"),
                name="assessment_published_idx",
            ),
            # The latest published assessments of all (the home page), read in order without sorting them all.
            models.Index(fields=["-assessed_on", "-id"], condition=Q(state="published"), name="assessment_recent_idx"),
            models.Index(fields=["organisation", "state"], name="assessment_org_state_idx"),
            # Watches' digests and feeds: the published assessments changed in a time window.
            models.Index(fields=["updated_at"], condition=Q(state="published"), name="assessment_published_upd_idx"),
        ]

    def __str__(self) -> str:
        values = {"status": self.get_status_display(), "date": self.assessed_on, "organisation": self.organisation}
        if self.revision_of_id:
            return gettext("Proposed change: %(status)s (%(date)s, %(organisation)s)") % values
        return gettext("%(status)s (%(date)s, %(organisation)s)") % values

    def get_absolute_url(self) -> str:
        return reverse("admin:recommendations_implementationassessment_change", args=[self.pk])


class Citation(models.Model):
    """Ties an assessment to a piece of evidence, with the passage that supports it."""

    assessment = models.ForeignKey(
        ImplementationAssessment, on_delete=models.CASCADE, related_name="citations", verbose_name=_("assessment")
    )
    evidence = models.ForeignKey(
        EvidenceSource, on_delete=models.PROTECT, related_name="citations", verbose_name=_("evidence")
    )
    excerpt = models.TextField(
        _("excerpt"), blank=True, help_text=_("The passage that supports the assessment, quoted or summarised.")
    )
    page = models.CharField(_("page"), max_length=30, blank=True, help_text=_("Page or section, e.g. p. 12 or §4."))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        ordering = ["assessment", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "evidence", "page"], name="citation_unique_page"),
        ]

    def __str__(self) -> str:
        return f"{self.evidence}" + (f", {self.page}" if self.page else "")


class ReviewComment(models.Model):
    """Why a reviewer sent an assessment back to its organisation's editors; kept, with its history, after the
    assessment moves on."""

    assessment = models.ForeignKey(
        ImplementationAssessment,
        on_delete=models.CASCADE,
        related_name="review_comments",
        verbose_name=_("assessment"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    text = models.TextField(
        _("text"), max_length=5000, help_text=_("What the editors should change before submitting it again.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The workspace reads the newest comment of each sent-back assessment.
            models.Index(fields=["assessment", "-created_at"], name="review_comment_latest_idx"),
        ]

    def __str__(self) -> str:
        author = self.author or gettext("A reviewer")
        return gettext("%(author)s: %(text)s") % {"author": author, "text": self.text[:60]}


class ModerationQueue(ImplementationAssessment):
    """Submitted assessments awaiting a reviewer, as their own admin page."""

    class Meta:
        proxy = True
        verbose_name = _("submitted assessment")
        verbose_name_plural = _("moderation queue")
