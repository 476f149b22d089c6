"""Fill the database with synthetic recommendations drawn from a Profile, fast.

Everything the recommendation pages read is generated: reviews (each State
once per cycle), recommendations with their recommending States, themes,
affected groups and SDGs, the position each response comes from, and for
about a tenth of them published assessments citing evidence, with the
denormalised response/current_status columns equal to the latest of each
(written here: the triggers that keep them are off while the rows go in).

Speed: one transaction; the existing recommendations, reviews, assessments
and evidence are TRUNCATEd; indexes not backing a constraint and foreign
keys of the loaded tables are dropped, the rows go in with COPY in chunks,
then the indexes and foreign keys are rebuilt (one pass each) and the whole
database ANALYZEd. A failure rolls everything back, indexes included.
"""

from __future__ import annotations

import datetime
import itertools
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from core import planner as statistics_upkeep
from core.bulk import copy_rows
from recommendations.models import (
    SDG,
    AffectedGroup,
    Citation,
    Cycle,
    EvidenceSource,
    ImplementationAssessment,
    ImplementationStatus,
    Organisation,
    Position,
    Recommendation,
    Review,
)
from recommendations.synthetic import tables as loaded_tables
from recommendations.synthetic.profile import Profile

MARKER_SLUG = "synthetic-data"
MARKER_NAME = "Synthetic data (generate_synthetic)"
CHUNK = 20_000
ASSESSED_SHARE = 0.10
PLEDGE_SHARE = 0.005
# Cycles grew: UPR Info counts roughly 21k, 57k, 70k and 75k recommendations in cycles 1–4.
CYCLE_WEIGHTS = {1: 1.0, 2: 2.7, 3: 3.3, 4: 3.6}
STATUSES = ImplementationStatus.values

Through = Recommendation.recommending_states.through
ThemeThrough = Recommendation.themes.through
GroupThrough = Recommendation.affected_groups.through
SdgThrough = Recommendation.sdgs.through
LOADED = [Recommendation, Through, ThemeThrough, GroupThrough, SdgThrough, Position, ImplementationAssessment, Citation]
CLEARED = [*LOADED, Review, EvidenceSource]


class RealDataError(Exception):
    """The database holds recommendations this generator did not write."""


def holds_real_data() -> bool:
    """True when recommendations exist and the generator's marker organisation does not."""
    return Recommendation.objects.exists() and not Organisation.objects.filter(slug=MARKER_SLUG).exists()


@dataclass
class _Picker:
    """Weighted random choice with cumulative weights computed once."""

    values: list
    cumulative: list[float]

    @classmethod
    def of(cls, weights: dict) -> _Picker:
        values = list(weights)
        return cls(values, list(itertools.accumulate(weights[value] for value in values)))

    def __call__(self, rng: random.Random, k: int = 1) -> list:
        return rng.choices(self.values, cum_weights=self.cumulative, k=k)

    def one(self, rng: random.Random):
        return rng.choices(self.values, cum_weights=self.cumulative)[0]


@dataclass
class _Chunk:
    recommendations: list[tuple] = field(default_factory=list)
    tables: dict = field(default_factory=lambda: {model: [] for model in LOADED[1:]})


def generate(profile: Profile, count: int, *, seed: int = 0, force: bool = False, progress=None) -> dict[str, int]:
    """Replace the recommendations with `count` synthetic ones; returns row counts per table."""
    if holds_real_data() and not force:
        raise RealDataError("The database holds real recommendations; pass --force to replace them.")
    rng = random.Random(seed)
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Rebuilding an index over a million rows takes longer than a web request may.
            cursor.execute("SET LOCAL statement_timeout = 0")
            # Deferred foreign key checks still pending would forbid the TRUNCATE (in a caller's transaction).
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        loaded_tables.truncate(CLEARED)
        marker = Organisation.objects.update_or_create(slug=MARKER_SLUG, defaults={"name": MARKER_NAME})[0]
        dropped = loaded_tables.drop_indexes_and_foreign_keys(LOADED) + loaded_tables.disable_refresh_triggers(LOADED)
        reviews = _create_reviews(profile, rng)
        evidence = _create_evidence(max(20, count // 500))
        generator = _Generator(profile, rng, marker.pk, evidence)
        totals = _load(generator, _allocate(reviews, count, rng, profile), progress)
        loaded_tables.restore(dropped)
        loaded_tables.reset_sequences(CLEARED)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")
    # Every table, not only the loaded ones: the planner needs the reference tables' statistics too.
    statistics_upkeep.analyze_all()
    return {"reviews": len(reviews), "evidence_sources": len(evidence), **totals}


def _create_reviews(profile: Profile, rng: random.Random) -> list[tuple[Review, float]]:
    """Each State of the profile once per cycle, in a random session of it; with a weight for its size."""
    reviews = []
    for cycle in Cycle.objects.prefetch_related("sessions").order_by("number"):
        sessions = sorted(cycle.sessions.all(), key=lambda session: session.number)
        if not sessions:
            continue
        for state_id, weight in profile.states.items():
            session = rng.choice(sessions)
            review = Review(
                state_id=state_id,
                session=session,
                review_date=session.start_date + datetime.timedelta(days=rng.randint(0, 10)),
                adoption_date=session.end_date + datetime.timedelta(days=rng.randint(100, 160)),
                report_symbol=f"A/HRC/{session.number + 10}/{rng.randint(1, 99)}",
            )
            review.addendum_symbol = f"{review.report_symbol}/Add.1"
            size = rng.choice(profile.review_sizes)
            reviews.append((review, weight * CYCLE_WEIGHTS.get(cycle.number, 3.6) * size))
    Review.objects.bulk_create([review for review, _weight in reviews], batch_size=1000)
    return reviews


def _allocate(reviews: list[tuple[Review, float]], count: int, rng: random.Random, profile: Profile):
    """How many recommendations each review gets: proportional to its weight, summing to `count`."""
    total = sum(weight for _review, weight in reviews) or 1.0
    shares = [count * weight / total for _review, weight in reviews]
    sizes = [int(share) for share in shares]
    by_remainder = sorted(range(len(shares)), key=lambda i: shares[i] - sizes[i], reverse=True)
    for i in by_remainder[: count - sum(sizes)]:
        sizes[i] += 1
    order = sorted(range(len(reviews)), key=lambda i: (reviews[i][0].session.number, reviews[i][0].state_id))
    return [(reviews[i][0], sizes[i]) for i in order if sizes[i]]


def _create_evidence(count: int) -> list[int]:
    kinds = EvidenceSource.Kind.values
    rows = [
        (
            f"Synthetic evidence report {n}",
            f"Synthetic Monitor {n % 37}",
            datetime.date(2012 + n % 13, 1 + n % 12, 1 + n % 28),
            f"https://example.org/synthetic/evidence/{n}",
            kinds[n % len(kinds)],
        )
        for n in range(1, count + 1)
    ]
    copy_rows(EvidenceSource, ["title", "publisher", "published_on", "url", "kind"], rows)
    return list(range(1, count + 1))


class _Generator:
    def __init__(self, profile: Profile, rng: random.Random, organisation_id: int, evidence: list[int]):
        self.rng = rng
        self.organisation_id = organisation_id
        self.evidence = evidence
        self.fragments = profile.fragments
        self.words = _Picker.of(profile.text_words)
        self.responses = _Picker.of(profile.responses)
        self.actions = _Picker.of(profile.action_categories)
        self.themes = _Picker.of(profile.themes)
        self.theme_numbers = _Picker.of(profile.themes_per_recommendation)
        self.states = _Picker.of(profile.recommending_states)
        self.state_numbers = _Picker.of(profile.recommending_states_per_recommendation)
        self.groups = list(AffectedGroup.objects.order_by("id").values_list("id", flat=True))
        self.sdgs = list(SDG.objects.order_by("id").values_list("id", flat=True))
        self.now = timezone.now()
        self.published = _published_values()
        self.assessment_id = 0

    def text(self) -> str:
        target = self.words.one(self.rng)
        parts, words = [], 0
        while words < target:
            fragment = self.rng.choice(self.fragments)
            parts.append(fragment)
            words += fragment.count(" ") + 1
        text = " ".join(parts)
        return text[:1].upper() + text[1:] + "."

    def recommendation(self, pk: int, review: Review, paragraph: str, chunk: _Chunk) -> None:
        rng = self.rng
        pledge = rng.random() < PLEDGE_SHARE
        response = "" if pledge else self.responses.one(rng)
        status, status_date = self.assessments(pk, review, chunk) if rng.random() < ASSESSED_SHARE else ("", None)
        updated = self.now - datetime.timedelta(seconds=rng.randint(0, 700 * 86400))
        chunk.recommendations.append(
            (
                pk,
                review.pk,
                paragraph,
                self.text(),
                "voluntary_pledge" if pledge else "recommendation",
                self.actions.one(rng),
                response,
                f"{review.addendum_symbol} - Para. {rng.randint(2, 12)}" if response else "",
                review.adoption_date if response else None,
                status,
                status_date,
                "",
                updated,
                updated,
            )
        )
        if response:
            chunk.tables[Position].append((pk, response, chunk.recommendations[-1][7], review.adoption_date))
        if not pledge:
            for state_id in dict.fromkeys(self.states(rng, self.state_numbers.one(rng))):
                if state_id != review.state_id:
                    chunk.tables[Through].append((pk, state_id))
        for theme_id in dict.fromkeys(self.themes(rng, self.theme_numbers.one(rng))):
            chunk.tables[ThemeThrough].append((pk, theme_id))
        for group_id in rng.sample(self.groups, k=min(len(self.groups), rng.choice((0, 0, 1, 1, 2)))):
            chunk.tables[GroupThrough].append((pk, group_id))
        for sdg_id in rng.sample(self.sdgs, k=min(len(self.sdgs), rng.choice((0, 1, 1, 2)))):
            chunk.tables[SdgThrough].append((pk, sdg_id))

    def assessments(self, pk: int, review: Review, chunk: _Chunk) -> tuple[str, datetime.date]:
        """One to three published assessments citing evidence; returns the latest's status and date."""
        rng = self.rng
        start = review.adoption_date or review.session.end_date
        dates = sorted(start + datetime.timedelta(days=rng.randint(30, 1800)) for _ in range(rng.choice((1, 1, 2, 3))))
        status = ""
        for assessed_on in dates:  # ids grow with the date: the last one is the latest by (date, id)
            self.assessment_id += 1
            status = rng.choice(STATUSES)
            chunk.tables[ImplementationAssessment].append(
                (
                    self.assessment_id,
                    pk,
                    status,
                    assessed_on,
                    f"Synthetic assessment: {status.replace('_', ' ')} as of {assessed_on:%B %Y}.",
                    self.organisation_id,
                    "civil_society",
                    self.now,
                    self.now,
                    *self.published.values(),
                )
            )
            for evidence_id in rng.sample(self.evidence, k=rng.choice((1, 1, 2))):
                chunk.tables[Citation].append((self.assessment_id, evidence_id, "Synthetic excerpt.", ""))
        return status, dates[-1]


def _published_values() -> dict[str, object]:
    """Columns that make an assessment published, for whichever publication field the model has."""
    values = {}
    for model_field in ImplementationAssessment._meta.concrete_fields:
        choices = [value for value, _label in model_field.choices or []]
        if model_field.name != "status" and "published" in choices:
            values[model_field.column] = "published"
        elif model_field.name in ("is_published", "published") and model_field.get_internal_type() == "BooleanField":
            values[model_field.column] = True
        elif model_field.name == "published_at":
            values[model_field.column] = timezone.now()
    return values


COLUMNS = {
    Recommendation: [
        "id",
        "review_id",
        "paragraph",
        "text",
        "kind",
        "action_category",
        "response",
        "response_source",
        "response_date",
        "current_status",
        "current_status_date",
        "import_key",
        "created_at",
        "updated_at",
    ],
    Position: ["recommendation_id", "response", "source", "date"],
    Through: ["recommendation_id", "state_id"],
    ThemeThrough: ["recommendation_id", "theme_id"],
    GroupThrough: ["recommendation_id", "affectedgroup_id"],
    SdgThrough: ["recommendation_id", "sdg_id"],
    ImplementationAssessment: [
        "id",
        "recommendation_id",
        "status",
        "assessed_on",
        "narrative",
        "organisation_id",
        "assessor_kind",
        "created_at",
        "updated_at",
    ],
    Citation: ["assessment_id", "evidence_id", "excerpt", "page"],
}


def _chunks(generator: _Generator, allocation) -> Iterator[_Chunk]:
    pk, chunk = 0, _Chunk()
    for review, size in allocation:
        base = generator.rng.randint(80, 140)
        for n in range(1, size + 1):
            pk += 1
            generator.recommendation(pk, review, f"{base}.{n}", chunk)
            if len(chunk.recommendations) >= CHUNK:
                yield chunk
                chunk = _Chunk()
    if chunk.recommendations:
        yield chunk


def _load(generator: _Generator, allocation, progress: Callable | None) -> dict[str, int]:
    totals = {model._meta.db_table: 0 for model in LOADED}
    columns = dict(COLUMNS)
    columns[ImplementationAssessment] = [*COLUMNS[ImplementationAssessment], *generator.published]
    for chunk in _chunks(generator, allocation):
        tables = {Recommendation: chunk.recommendations, **chunk.tables}
        for model, rows in tables.items():
            if rows:
                copy_rows(model, columns[model], rows)
                totals[model._meta.db_table] += len(rows)
        if progress:
            progress(len(chunk.recommendations))
    return totals
