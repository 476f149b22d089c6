from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.text import slugify

from recommendations.models.recommendation import ImplementationStatus


class Organisation(models.Model):
    """An organisation whose staff record assessments (an NGO, an NHRI, a UN office …)."""

    class Kind(models.TextChoices):
        CIVIL_SOCIETY = "civil_society", "Civil society"
        NHRI = "nhri", "National human rights institution"
        GOVERNMENT = "government", "Government"
        UN = "un", "United Nations"

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=220, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CIVIL_SOCIETY)
    website = models.URLField(blank=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, through="Membership", related_name="organisations")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["civil_society", "nhri", "government", "un"]),
                name="organisation_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:220]
        super().save(*args, **kwargs)


class Membership(models.Model):
    class Role(models.TextChoices):
        EDITOR = "editor", "Editor"
        REVIEWER = "reviewer", "Reviewer (may publish)"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.EDITOR)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique_user_organisation"),
            models.CheckConstraint(condition=models.Q(role__in=["editor", "reviewer"]), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation} ({self.get_role_display()})"


class EvidenceSource(models.Model):
    """A document that shows whether a recommendation was implemented."""

    class Kind(models.TextChoices):
        NGO_REPORT = "ngo_report", "NGO report"
        UN_DOCUMENT = "un_document", "UN document or statement"
        NEWS = "news", "News article"
        LAW = "law", "Law or regulation"
        COURT_DECISION = "court_decision", "Court decision"
        GOVERNMENT_STATEMENT = "government_statement", "Government statement or report"
        NHRI_REPORT = "nhri_report", "NHRI report"
        OTHER = "other", "Other"

    title = models.CharField(max_length=500)
    publisher = models.CharField(max_length=300, blank=True, help_text="Who published it, e.g. Human Rights Watch.")
    published_on = models.DateField("publication date", null=True, blank=True)
    url = models.URLField("URL", max_length=1000, blank=True)
    archive_url = models.URLField(
        "archived copy", max_length=1000, blank=True, help_text="A web archive copy, in case the original disappears."
    )
    document_symbol = models.CharField(max_length=60, blank=True, help_text="UN document symbol, when it has one.")
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.NGO_REPORT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    kind__in=[
                        "ngo_report",
                        "un_document",
                        "news",
                        "law",
                        "court_decision",
                        "government_statement",
                        "nhri_report",
                        "other",
                    ]
                ),
                name="evidence_kind_valid",
            ),
            models.UniqueConstraint(fields=["url"], condition=~models.Q(url=""), name="evidence_unique_url"),
        ]

    def __str__(self) -> str:
        parts = [self.publisher, self.title]
        if self.published_on:
            parts.append(str(self.published_on.year))
        return ", ".join(p for p in parts if p)


class ImplementationAssessment(models.Model):
    """How far a recommendation has been implemented, in one organisation's judgement at one date."""

    class AssessorKind(models.TextChoices):
        CIVIL_SOCIETY = "civil_society", "Civil society"
        GOVERNMENT = "government", "Government"
        NHRI = "nhri", "National human rights institution"
        UN = "un", "United Nations"

    recommendation = models.ForeignKey("Recommendation", on_delete=models.CASCADE, related_name="assessments")
    status = models.CharField(max_length=30, choices=ImplementationStatus.choices)
    assessed_on = models.DateField("assessment date", help_text="The date the assessment describes.")
    narrative = models.TextField(blank=True, help_text="What happened, in the organisation's words.")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="assessments")
    assessor_kind = models.CharField(max_length=20, choices=AssessorKind.choices, default=AssessorKind.CIVIL_SOCIETY)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    evidence = models.ManyToManyField(EvidenceSource, through="Citation", related_name="assessments", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["recommendation", "-assessed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ImplementationStatus.values), name="assessment_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(assessor_kind__in=["civil_society", "government", "nhri", "un"]),
                name="assessment_assessor_kind_valid",
            ),
        ]
        indexes = [
            # The latest assessment of each recommendation (current status).
            models.Index(fields=["recommendation", "-assessed_on", "-id"], name="assessment_latest_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.assessed_on}, {self.organisation})"

    def get_absolute_url(self) -> str:
        return reverse("admin:recommendations_implementationassessment_change", args=[self.pk])


class Citation(models.Model):
    """Ties an assessment to a piece of evidence, with the passage that supports it."""

    assessment = models.ForeignKey(ImplementationAssessment, on_delete=models.CASCADE, related_name="citations")
    evidence = models.ForeignKey(EvidenceSource, on_delete=models.PROTECT, related_name="citations")
    excerpt = models.TextField(blank=True, help_text="The passage that supports the assessment, quoted or summarised.")
    page = models.CharField(max_length=30, blank=True, help_text="Page or section, e.g. p. 12 or §4.")

    class Meta:
        ordering = ["assessment", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "evidence", "page"], name="citation_unique_page"),
        ]

    def __str__(self) -> str:
        return f"{self.evidence}" + (f", {self.page}" if self.page else "")
