"""The trust model's cast: two organisations, their editors and reviewers, a staff administrator, an
account with no organisation, and organisation A's private objects in every state, each private text
holding a marker string that must never reach anyone who may not see it."""

import datetime
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from recommendations import services
from recommendations.models import (
    APIToken,
    AskMatch,
    Briefing,
    Citation,
    DeletedObject,
    EvidenceSource,
    ImplementationAssessment,
    Membership,
    Organisation,
    ProposedRecommendation,
    Publication,
    RepeatLink,
    Review,
    Session,
    Watch,
    Webhook,
)

D = datetime.date
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


A_MEMBERS = frozenset({"editor_a", "reviewer_a", "staff_admin"})
B_MEMBERS = frozenset({"editor_b", "reviewer_b", "staff_admin", "token_b_read"})
EDITORS = frozenset({"editor_a", "reviewer_a", "editor_b", "reviewer_b", "staff_admin"})
STAFF_ADMIN = frozenset({"staff_admin"})


A_PRIVATE = [
    "draft",
    "submitted",
    "rejected",
    "revision",
    "outsider_submission",
    "draft_citation",
    "public_evidence",
    "private_evidence",
    "uncited_evidence",
    "ask",
    "public_ask",
    "match",
    "briefing",
]


def anything(actors) -> dict:
    """These actors may change any table."""
    return dict.fromkeys(actors)


@dataclass
class Cast:
    users: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)
    # Each private text -> who may see it. Everyone else must never receive it, whatever they ask.
    markers: dict = field(default_factory=dict)
    # Each object -> who may change it (any table), or {actor: tables} for actors who may change only those.
    writers: dict = field(default_factory=dict)


def member(django_user_model, username: str, organisation: Organisation, role: str, *, staff: bool = True):
    user = django_user_model.objects.create_user(username=username, password="correct horse battery", is_staff=staff)
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def cast(django_user_model, review_kaz_2010, make_recommendation, kazakhstan, org_a, org_b, staff_admin) -> Cast:
    cast = Cast()
    editor, reviewer = Membership.Role.EDITOR, Membership.Role.REVIEWER
    cast.users = {
        "anonymous": None,
        "editor_a": member(django_user_model, "editor-a", org_a, editor),
        "reviewer_a": member(django_user_model, "reviewer-a", org_a, reviewer),
        "editor_b": member(django_user_model, "editor-b", org_b, editor),
        "reviewer_b": member(django_user_model, "reviewer-b", org_b, reviewer),
        "outsider": django_user_model.objects.create_user(username="outsider", password="correct horse battery"),
        "staff_admin": staff_admin,
    }
    recommendation = make_recommendation(review_kaz_2010, "Protect human rights defenders", paragraph="93.1")
    public_evidence = EvidenceSource.objects.create(
        title="World Report 2014", url="https://www.hrw.org/wr2014", organisation=org_a
    )
    private_evidence = EvidenceSource.objects.create(
        title="MARKER-evidence-title",
        url="https://a.example.org/MARKER-evidence-url",
        organisation=org_a,
        document=SimpleUploadedFile("witness.pdf", PDF + b"MARKER-evidence-file"),
    )
    uncited = EvidenceSource.objects.create(
        title="MARKER-uncited-title",
        url="https://a.example.org/MARKER-uncited-url",
        organisation=org_a,
        document=SimpleUploadedFile("uncited.pdf", PDF + b"MARKER-uncited-file"),
    )

    def assessment(state: str, marker: str, citations=()) -> ImplementationAssessment:
        return services.record_assessment(
            recommendation=recommendation,
            status="not_implemented",
            assessed_on=D(2014, 1, 1),
            organisation=org_a,
            narrative=marker,
            recorded_by=cast.users["editor_a"],
            state=state,
            citations=citations,
        )

    published = assessment(Publication.PUBLISHED, "Published narrative", [(public_evidence, "Public excerpt", "1")])
    draft = assessment(Publication.DRAFT, "MARKER-draft-narrative", [(private_evidence, "MARKER-draft-excerpt", "2")])
    submitted = assessment(Publication.SUBMITTED, "MARKER-submitted-narrative")
    rejected = assessment(Publication.REJECTED, "MARKER-rejected-narrative")
    next_review = Review.objects.create(state=kazakhstan, session=Session.objects.get(number=48))
    ask = ProposedRecommendation.objects.create(
        organisation=org_a, review=next_review, text="MARKER-ask-text", notes="MARKER-ask-notes"
    )
    match = AskMatch.objects.create(proposal=ask, recommendation=recommendation, score=0.5)
    public_ask = ProposedRecommendation.objects.create(
        organisation=org_a, review=next_review, text="Public ask", notes="MARKER-public-ask-notes", public=True
    )
    briefing = Briefing.objects.create(
        organisation=org_a,
        state=kazakhstan,
        texts={"en": {"introduction": "MARKER-briefing-introduction"}},
        published=False,
    )
    revision = services.propose_revision(
        assessment=published, user=cast.users["editor_a"], narrative="MARKER-revision-narrative"
    )
    b_draft = services.record_assessment(
        recommendation=recommendation,
        status="fully_implemented",
        assessed_on=D(2015, 1, 1),
        organisation=org_b,
        narrative="MARKER-b-draft",
        state=Publication.DRAFT,
    )
    outsider_submission = services.record_assessment(
        recommendation=recommendation,
        status="partially_implemented",
        assessed_on=D(2015, 2, 1),
        organisation=org_a,
        narrative="MARKER-outsider-submission",
        recorded_by=cast.users["outsider"],
        state=Publication.SUBMITTED,
    )
    token, _key = APIToken.objects.issue(user=cast.users["editor_a"], organisation=org_a, scope="write", name="Sync")
    tombstone = DeletedObject.objects.create(kind=DeletedObject.Kind.RECOMMENDATION, object_id=999_999)
    later_review = Review.objects.create(state=kazakhstan, session=Session.objects.get(number=20))
    repeat = make_recommendation(later_review, "Protect human rights defenders from reprisals", paragraph="120.4")
    link = RepeatLink.objects.create(earlier=recommendation, later=repeat, score=0.9)
    correction = services.propose_correction(
        recommendation=recommendation,
        field="text",
        proposed_value="MARKER-correction-value",
        source="MARKER-correction-source",
        comment="MARKER-correction-comment",
        user=cast.users["editor_a"],
        organisation=org_a,
    )
    cast.objects = {
        "recommendation": recommendation,
        "published": published,
        "draft": draft,
        "submitted": submitted,
        "rejected": rejected,
        "draft_citation": Citation.objects.get(assessment=draft),
        "public_evidence": public_evidence,
        "private_evidence": private_evidence,
        "uncited_evidence": uncited,
        "ask": ask,
        "match": match,
        "briefing": briefing,
        "public_ask": public_ask,
        "revision": revision,
        "b_draft": b_draft,
        "outsider_submission": outsider_submission,
        "published_citation": Citation.objects.get(assessment=published),
        "repeat_link": link,
        "correction": correction,
        "org_a": org_a,
        "org_b": org_b,
        "token_a": token,
        "tombstone": tombstone,
        "membership_a": Membership.objects.get(user=cast.users["editor_a"]),
        "membership_b": Membership.objects.get(user=cast.users["editor_b"]),
        # A watch is its owner's alone (staff administrators included: they do not read others' watches).
        "watch": Watch.objects.create(
            owner=cast.users["outsider"], kind="search", query="q=MARKER-watch-query", feed_token="MARKER-watch-feed"
        ),
    }
    cast.objects["webhook"] = Webhook.objects.create(
        watch=cast.objects["watch"], url="https://hooks.example.org/MARKER-webhook-url"
    )
    cast.markers = {
        "MARKER-draft-narrative": A_MEMBERS,
        "MARKER-draft-excerpt": A_MEMBERS,
        "MARKER-submitted-narrative": A_MEMBERS,
        "MARKER-rejected-narrative": A_MEMBERS,
        "MARKER-revision-narrative": A_MEMBERS,
        "MARKER-evidence-title": A_MEMBERS,
        "MARKER-evidence-url": A_MEMBERS,
        "MARKER-evidence-file": A_MEMBERS,
        "MARKER-uncited-title": A_MEMBERS,
        "MARKER-uncited-url": A_MEMBERS,
        "MARKER-uncited-file": A_MEMBERS,
        "MARKER-ask-text": A_MEMBERS,
        "MARKER-ask-notes": A_MEMBERS,
        "MARKER-public-ask-notes": A_MEMBERS,
        "MARKER-briefing-introduction": A_MEMBERS,
        "MARKER-b-draft": B_MEMBERS,
        "MARKER-outsider-submission": A_MEMBERS | {"outsider", "token_outsider"},
        "MARKER-correction-value": A_MEMBERS,
        "MARKER-correction-source": A_MEMBERS,
        "MARKER-correction-comment": A_MEMBERS,
        "MARKER-watch-query": {"outsider"},
        "MARKER-watch-feed": {"outsider"},
        "MARKER-webhook-url": {"outsider"},
    }
    # Editors "change" a recommendation only to record assessments on its page (assessment tables only).
    assessment_tables = frozenset({"implementationassessment", "citation"})
    cast.writers = {
        "recommendation": anything(STAFF_ADMIN) | {editor: assessment_tables for editor in EDITORS - STAFF_ADMIN},
        "published": anything({"reviewer_a", "staff_admin", "editor_a"}),  # the editor's change is a revision
        "published_citation": anything({"reviewer_a", "staff_admin"}),
        "repeat_link": anything(EDITORS),
        "correction": anything(STAFF_ADMIN),  # only staff administrators decide a proposed correction
        "b_draft": anything(B_MEMBERS),
        "token_a": anything({"editor_a", "staff_admin"}),  # its user revokes it
        "org_a_follows": anything({"reviewer_a", "staff_admin"}),  # its reviewers choose what it follows
        **{name: anything(A_MEMBERS) for name in A_PRIVATE},
    }
    _give_reference_data_a_version()
    return cast


def _give_reference_data_a_version() -> None:
    """Reference rows loaded by migrations have no history yet: one saved version each, so that the suite can
    ask every history page and try every restore."""
    from django.contrib import admin

    for model in admin.site._registry:
        first = model._default_manager.order_by("pk").first() if hasattr(model, "history") else None
        if first is not None and not first.history.exists():
            first.save()
