import re

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from recommendations.models.taxonomy import Theme
from states.models import State

# Stemming for full-text search of English texts (recommendations, and the asks matched with them).
SEARCH_CONFIG = "upr_english"
# A recommendation text keeps the language of its source (`language`); its search vector is stemmed for that
# language. Any language not listed here is searched without stemming ("simple"). The database function
# recommendations_search_config() (migrations 0029, 0030) holds the same table: it builds the vectors. The upr_
# configurations are PostgreSQL's with `unaccent` before the stemmer (migration 0030): diacritics are ignored.
SEARCH_CONFIGS = {"en": "upr_english", "fr": "upr_french", "es": "upr_spanish"}
UNSTEMMED_SEARCH_CONFIG = "upr_simple"
DEFAULT_LANGUAGE = "en"
# A text's language: an ISO 639-1 code, lower case. The column's CHECK, the API's filter and the importers.
LANGUAGE_CODE = r"^[a-z]{2}$"


def is_language_code(code: str) -> bool:
    return re.fullmatch(LANGUAGE_CODE, code) is not None


def search_config(language: str) -> str:
    """The text search configuration of texts in `language` (ISO 639-1)."""
    return SEARCH_CONFIGS.get(language, UNSTEMMED_SEARCH_CONFIG)


# Longest recommendation text, for every write path (imports/base.py reads it too). Not a column limit but
# PostgreSQL's: the text's search vector must stay under 1 MB. Real recommendations are a few thousand characters.
TEXT_MAX_LENGTH = 10_000


class Response(models.TextChoices):
    """The State under review's position on a recommendation."""

    # Translators: the State under review's responses to a recommendation (French "acceptée" / "dont il est pris
    # note", Spanish "aceptada" / "anotada"): adjectives of "recommendation", never verbs.
    SUPPORTED = "supported", pgettext_lazy("response", "Supported")
    NOTED = "noted", pgettext_lazy("response", "Noted")
    PARTIALLY_SUPPORTED = "partially_supported", pgettext_lazy("response", "Partially supported")
    PENDING = "pending", pgettext_lazy("response", "Pending")


class ImplementationStatus(models.TextChoices):
    NOT_IMPLEMENTED = "not_implemented", _("Not implemented")
    PARTIALLY_IMPLEMENTED = "partially_implemented", _("Partially implemented")
    FULLY_IMPLEMENTED = "fully_implemented", _("Fully implemented")


# The labels of every response and status, and the public site's words for none recorded yet (stored
# blank, null in the API), in the order the site lists their counts.
RESPONSE_LABELS = {**dict(Response.choices), "": _("No response recorded")}
STATUS_LABELS = {**dict(ImplementationStatus.choices), "": _("Not assessed")}


class RecommendationKind(models.TextChoices):
    RECOMMENDATION = "recommendation", _("Recommendation")
    VOLUNTARY_PLEDGE = "voluntary_pledge", _("Voluntary pledge")


class ActionCategory(models.IntegerChoices):
    """UPR Info's scale of the action a recommendation asks for.

    The labels are the editors' (the admin) and the API's (facets). The public site, for visitors who do
    not know the scale, shows a shorter `public_label` with an `explanation` beside it.
    """

    MINIMAL = 1, _("1 — Minimal action (aimed at other States, or asking for help)")
    CONTINUING = 2, _("2 — Continuing action (“continue …”)")
    CONSIDERING = 3, _("3 — Considering action (“consider”, “explore”)")
    GENERAL = 4, _("4 — General action")
    SPECIFIC = 5, _("5 — Specific, measurable action")

    @property
    def public_label(self) -> str:
        return _PUBLIC_ACTION_WORDS[self][0]

    @property
    def explanation(self) -> str:
        return _PUBLIC_ACTION_WORDS[self][1]


_PUBLIC_ACTION_WORDS = {
    ActionCategory.MINIMAL: (
        _("1 — Minimal action"),
        _("Aimed at States other than the one under review, or asking it to seek help."),
    ),
    ActionCategory.CONTINUING: (
        _("2 — Continuing action"),
        _("Asks the State to continue something it already does (“continue …”)."),
    ),
    ActionCategory.CONSIDERING: (
        _("3 — Considering action"),
        _("Asks the State to consider or explore a change (“consider”, “explore”)."),
    ),
    ActionCategory.GENERAL: (
        _("4 — General action"),
        _("Asks for action without saying exactly what (“take measures”, “ensure”)."),
    ),
    ActionCategory.SPECIFIC: (
        _("5 — Specific action"),
        _("Asks for a specific, measurable action (“ratify”, “adopt a law”, “abolish”)."),
    ),
}


def _shown(assessments: models.QuerySet) -> models.QuerySet:
    """Assessments with their organisation joined, and their citations, in citing order, with their evidence."""
    # The Citation model through the relation: its module imports this one.
    citations = assessments.model._meta.get_field("citations").related_model.objects
    return assessments.select_related("organisation").prefetch_related(
        models.Prefetch("citations", queryset=citations.select_related("evidence").order_by("id"))
    )


class RecommendationQuerySet(models.QuerySet):
    def with_related(self, *, details: bool = False, assessments: models.QuerySet | None = None):
        """The recommendations with what the pages about them show, in a fixed number of queries whatever
        their number (the API builds its own representation: api/representations.py).

        Always the review with its State, session and cycle (joined), the recommending States and the
        themes with their scheme, in the models' order (a query each). `details` adds the affected groups,
        the SDGs and the positions (a query each): the recommendation's own page shows them. `assessments`
        are the assessments to show, in the order to show them, as `visible_assessments`, each with its
        organisation and its citations with their evidence (two queries): which ones a reader may see is
        the policy's to say (permissions.public or permissions.visible), so the caller filters them.
        """
        related = ["recommending_states", models.Prefetch("themes", queryset=Theme.objects.select_related("scheme"))]
        if details:
            related += ["affected_groups", "sdgs", "positions"]
        if assessments is not None:
            related.append(models.Prefetch("assessments", queryset=_shown(assessments), to_attr="visible_assessments"))
        return self.select_related("review__state", "review__session__cycle").prefetch_related(*related)


class Recommendation(models.Model):
    # Defined before the model, where Meta's constraints can name their values (models/implementation.py).
    Kind = RecommendationKind
    ActionCategory = ActionCategory

    review = models.ForeignKey(
        "Review", on_delete=models.PROTECT, related_name="recommendations", verbose_name=_("review")
    )
    # Copies of the review's State and session number, so "recommendations to one State" and a page by
    # session are index ranges (see the indexes below) instead of joins through the review. Kept by
    # database triggers (migrations 0013 and 0020) whatever writes the rows: the ORM, bulk writes, the COPY
    # importer, the synthetic generator, queryset updates and raw SQL. db_default=None leaves them out of
    # an INSERT, so the trigger fills them and RETURNING hands them to the new instance; checked by
    # tests/recommendations/test_state_under_review.py.
    state_under_review = models.ForeignKey(
        State,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # the (state_under_review, id) index below serves the foreign key as well
        db_default=None,
        editable=False,
        blank=True,
        verbose_name=_("State under review"),
    )
    session_number = models.PositiveSmallIntegerField(
        db_default=None, editable=False, blank=True, verbose_name=_("session number")
    )
    paragraph = models.CharField(
        _("paragraph"),
        max_length=20,
        blank=True,
        help_text=_("Paragraph number in the Working Group report, e.g. 89.12, when known."),
    )
    text = models.TextField(_("text"), help_text=_("Full text as adopted, without the recommending States' names."))
    # The text stays in the language of its source (an OHCHR list in French, UPR Info in English). A column
    # default in the database as well: adding it to a table of a million rows rewrote nothing, and COPY
    # (imports, the synthetic generator) gets English without naming it.
    language = models.CharField(
        _("language"),
        max_length=2,
        default=DEFAULT_LANGUAGE,
        db_default=DEFAULT_LANGUAGE,
        help_text=_("ISO 639-1 code of the language of the text, as its source gives it (en, fr, es …)."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.RECOMMENDATION)
    recommending_states = models.ManyToManyField(
        State,
        related_name="recommendations_made",
        blank=True,
        verbose_name=_("recommending states"),
        help_text=_("Empty for a voluntary pledge."),
    )
    action_category = models.PositiveSmallIntegerField(
        _("action category"),
        choices=ActionCategory.choices,
        null=True,
        blank=True,
        help_text=_("UPR Info's scale, 1 (minimal) to 5 (specific)."),
    )
    themes = models.ManyToManyField("Theme", related_name="recommendations", blank=True, verbose_name=_("themes"))
    affected_groups = models.ManyToManyField(
        "AffectedGroup", related_name="recommendations", blank=True, verbose_name=_("affected groups")
    )
    sdgs = models.ManyToManyField("SDG", related_name="recommendations", blank=True, verbose_name=_("SDGs"))

    # Current position, kept equal to the latest Position by database triggers (migration 0021).
    response = models.CharField(_("response"), max_length=20, choices=Response.choices, blank=True, editable=False)
    response_source = models.CharField(_("response source"), max_length=200, blank=True, editable=False)
    response_date = models.DateField(_("response date"), null=True, blank=True, editable=False)

    # Current implementation status, kept equal to the latest published assessment by database triggers
    # (migration 0021), so lists filter on it without subqueries.
    current_status = models.CharField(
        _("current status"), max_length=30, choices=ImplementationStatus.choices, blank=True, editable=False
    )
    current_status_date = models.DateField(_("current status date"), null=True, blank=True, editable=False)

    import_key = models.CharField(
        _("import key"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("Identity of a row without a paragraph number: hash of normalised text and recommending States."),
    )
    # The text stemmed for its language: always current whatever writes the row (admin, importer, COPY, raw
    # SQL), because a database trigger computes it (migration 0029) from the text and the language; a value
    # written here is replaced. Like the copies above, db_default=None leaves it out of an INSERT.
    search_vector = SearchVectorField(_("search vector"), null=True, blank=True, db_default=None, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=False)

    objects = RecommendationQuerySet.as_manager()

    history = HistoricalRecords(excluded_fields=["search_vector", "session_number"])

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["review", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "paragraph"],
                condition=~models.Q(paragraph=""),
                name="recommendation_unique_paragraph",
            ),
            models.UniqueConstraint(
                fields=["review", "import_key"],
                condition=~models.Q(import_key=""),
                name="recommendation_unique_import_key",
            ),
            models.CheckConstraint(
                condition=models.Q(action_category__gte=1, action_category__lte=5) | models.Q(action_category=None),
                name="recommendation_action_category_range",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=RecommendationKind.values), name="recommendation_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(response__in=[*Response.values, ""]), name="recommendation_response_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(current_status__in=[*ImplementationStatus.values, ""]),
                name="recommendation_status_valid",
            ),
            models.CheckConstraint(condition=~models.Q(text=""), name="recommendation_text_not_empty"),
            models.CheckConstraint(
                condition=models.Q(language__regex=LANGUAGE_CODE), name="recommendation_language_iso_639_1"
            ),
        ]
        indexes = [
            # Full-text search (q=…).
            GinIndex(fields=["search_vector"], name="recommendation_search_idx"),
            # The texts not in English, few beside the others: which languages the table holds, for the search
            # to stem the words for each (search/lookups.py, a probe per language), and ?language=fr.
            models.Index(fields=["language"], condition=~models.Q(language="en"), name="recommendation_language_idx"),
            # Similar-text suggestions (cross-cycle repeats, advocacy matching).
            GinIndex(fields=["text"], opclasses=["gin_trgm_ops"], name="recommendation_text_trgm_idx"),
            # Filters response=…, status=…, action_category=… combined with the review.
            models.Index(fields=["response", "review"], name="recommendation_response_idx"),
            models.Index(fields=["current_status", "review"], name="recommendation_status_idx"),
            models.Index(fields=["action_category"], name="recommendation_action_idx"),
            # GET /api/v1/recommendations/?state_under_review=KAZ (ordered by id, page of 50): one
            # index range in id order. Through review__state PostgreSQL walked the primary key and
            # filtered by review_id, reading many rows for each one shown (bench/NOTES.md).
            models.Index(fields=["state_under_review", "id"], name="recommendation_state_idx"),
            # ordering=session (the deep pages of the standard set): one index range from the cursor on.
            models.Index(fields=["session_number", "id"], name="recommendation_session_idx"),
            # A State's recommendations by session, the public search page's default (newest first). With
            # the index above alone PostgreSQL walked every session backwards, filtering by State (most of
            # the table read for a State's first page: bench/NOTES.md); with this one it reads the State's
            # last session.
            models.Index(fields=["state_under_review", "session_number", "id"], name="recommendation_state_sess_idx"),
            # Incremental sync: updated_since=… ordered by (updated_at, id).
            models.Index(fields=["updated_at", "id"], name="recommendation_updated_idx"),
        ]

    def __str__(self) -> str:
        label = self.paragraph or f"#{self.pk}"
        return f"{self.review} — {label}"

    def get_absolute_url(self) -> str:
        return reverse("admin:recommendations_recommendation_change", args=[self.pk])

    @property
    def localized_label(self) -> str:
        """__str__ for readers: the State named in their language."""
        return f"{self.review.localized_label} — {self.paragraph or f'#{self.pk}'}"

    def clean(self) -> None:
        # PostgreSQL refuses a search vector over 1 MB (a 500 on save); real texts are a few thousand characters.
        if len(self.text) > TEXT_MAX_LENGTH:
            sizes = {"max": _grouped(TEXT_MAX_LENGTH), "length": _grouped(len(self.text))}
            raise ValidationError({"text": gettext("At most %(max)s characters (this text has %(length)s).") % sizes})


def _grouped(number: int) -> str:
    """10,000 in English, 10 000 in French: the reader's thousands separator."""
    return formats.number_format(number, force_grouping=True)


class Position(models.Model):
    """A State's position on a recommendation at a point in time.

    States change positions (support given at mid-term for a noted
    recommendation, support withdrawn); every position is kept, and the
    latest is copied onto the recommendation.
    """

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="positions", verbose_name=_("recommendation")
    )
    response = models.CharField(_("response"), max_length=20, choices=Response.choices)
    source = models.CharField(
        _("source of position"), max_length=200, blank=True, help_text=_("E.g. A/HRC/28/15/Add.1 - Para. 3.")
    )
    date = models.DateField(
        _("date"), null=True, blank=True, help_text=_("When the State took this position, when known.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["recommendation", "date", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(response__in=Response.values), name="position_response_valid"),
        ]
        indexes = [
            models.Index(fields=["recommendation", "date", "id"], name="position_latest_idx"),
            # Watches' digests and feeds: the positions recorded in a time window.
            models.Index(fields=["created_at"], name="position_created_idx"),
        ]

    def __str__(self) -> str:
        source = self.source or gettext("no source")
        return gettext("%(response)s (%(source)s)") % {"response": self.get_response_display(), "source": source}
