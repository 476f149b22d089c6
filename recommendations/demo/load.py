"""Loading the demo (data.py) into the database: only what is missing, keyed on natural keys."""

from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone

from recommendations import services
from recommendations.demo.data import (
    DEMO_NOTE,
    EDITOR_PASSWORD,
    EDITOR_PERMISSIONS,
    EDITOR_USERNAME,
    EDITORS_GROUP,
    EVIDENCE,
    ORGANISATION,
    Assessment,
    Rec,
    import_key,
    summary_text,
)
from recommendations.demo.reviews import REVIEWS
from recommendations.models import (
    SDG,
    AffectedGroup,
    DemoData,
    EvidenceSource,
    ImplementationAssessment,
    Membership,
    Organisation,
    Position,
    Recommendation,
    Review,
    Session,
    Theme,
)
from recommendations.models.reference import UPR_INFO_SCHEME
from states.models import State


@dataclass
class DemoResult:
    """What load_demo() wrote: rows created and rows found already there, by kind."""

    created: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    editor_username: str = EDITOR_USERNAME
    editor_password: str | None = None  # None when the user existed: their password was kept

    def count(self, label: str, created: bool) -> None:
        (self.created if created else self.unchanged)[label] += 1

    @property
    def labels(self) -> list[str]:
        return list(dict.fromkeys([*self.created, *self.unchanged]))


@transaction.atomic
def load_demo() -> DemoResult:
    """Write the demo data that is missing; existing rows are left as they are."""
    result = DemoResult()
    organisation = _organisation(result)
    editor = _editor(organisation, result)
    _remember(organisation, editor, result)
    evidence = {key: _evidence(fields, organisation, result) for key, fields in EVIDENCE.items()}
    lookups = _Lookups.load()
    for data in REVIEWS:
        review = _review(data, lookups, result)
        for rec in data["recommendations"]:
            recommendation = _recommendation(review, data, rec, lookups, result)
            _position(recommendation, data, rec, result)
            for assessment in rec.assessments:
                _assessment(recommendation, assessment, organisation, editor, evidence, result)
    return result


def _organisation(result: DemoResult) -> Organisation:
    organisation, created = Organisation.objects.get_or_create(
        name=ORGANISATION["name"], defaults={k: v for k, v in ORGANISATION.items() if k != "name"}
    )
    result.count("organisations", created)
    return organisation


def _editor(organisation: Organisation, result: DemoResult) -> AbstractBaseUser:
    user = get_user_model().objects.filter(username=EDITOR_USERNAME).first()
    result.count("users", user is None)
    if user is None:
        user = get_user_model()(username=EDITOR_USERNAME, is_staff=True)
        validate_password(EDITOR_PASSWORD, user)
        user.set_password(EDITOR_PASSWORD)
        user.save()
        result.editor_password = EDITOR_PASSWORD
    _, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, defaults={"role": Membership.Role.REVIEWER}
    )
    result.count("memberships", created)
    group = _editors_group(result)
    if not user.groups.filter(pk=group.pk).exists():
        user.groups.add(group)
    return user


def _remember(organisation: Organisation, editor: AbstractBaseUser, result: DemoResult) -> None:
    """Record the demo as loaded, with the organisation and login it created, for remove_demo (models/demo.py)."""
    if DemoData.objects.filter(loaded_at__isnull=False).exists():
        return
    marker = DemoData.objects.filter(pk=1).first() or DemoData(pk=1)
    marker.loaded_at = timezone.now()
    marker.organisation = organisation if result.created["organisations"] else None
    marker.editor = editor if result.created["users"] else None
    marker.save()


def _editors_group(result: DemoResult) -> Group:
    group, created = Group.objects.get_or_create(name=EDITORS_GROUP)
    result.count("groups", created)
    wanted = {
        (app_label, f"{action}_{model}")
        for (app_label, model), actions in EDITOR_PERMISSIONS.items()
        for action in actions
    }
    permissions = [
        p
        for p in Permission.objects.filter(codename__in={c for _, c in wanted}).select_related("content_type")
        if (p.content_type.app_label, p.codename) in wanted
    ]
    if len(permissions) != len(wanted):
        raise RuntimeError("Some model permissions do not exist yet; run `manage.py migrate` first.")
    missing = set(permissions) - set(group.permissions.all())
    if missing:
        group.permissions.add(*missing)
    return group


def _evidence(fields: dict, organisation: Organisation, result: DemoResult) -> EvidenceSource:
    source = EvidenceSource.objects.filter(organisation=organisation, url=fields["url"]).first()
    result.count("evidence sources", source is None)
    if source is None:
        source = EvidenceSource(organisation=organisation, **fields)
        source.full_clean()
        source.save()
    return source


@dataclass
class _Lookups:
    """Reference rows the demo points at, fetched once; a missing one is a clear error."""

    states: dict[str, State]
    themes: dict[str, Theme]
    groups: dict[str, AffectedGroup]
    sdg16: SDG

    @classmethod
    def load(cls) -> "_Lookups":
        recs = [rec for data in REVIEWS for rec in data["recommendations"]]
        lookups = cls(
            states=State.objects.in_bulk({s for rec in recs for s in rec.states} | {"KAZ"}, field_name="iso3"),
            themes={
                t.name: t
                for t in Theme.objects.filter(
                    scheme__slug=UPR_INFO_SCHEME, name__in={n for rec in recs for n in rec.themes}
                )
            },
            groups=AffectedGroup.objects.in_bulk({g for rec in recs for g in rec.groups}, field_name="name"),
            sdg16=SDG.objects.get(number=16),
        )
        lookups._check(recs)
        return lookups

    def _check(self, recs: list[Rec]) -> None:
        missing = (
            {s for rec in recs for s in rec.states} - self.states.keys()
            | {t for rec in recs for t in rec.themes} - self.themes.keys()
            | {g for rec in recs for g in rec.groups} - self.groups.keys()
        )
        if missing:
            raise RuntimeError(f"Reference data missing (run `manage.py migrate`): {', '.join(sorted(missing))}")


def _review(data: dict, lookups: _Lookups, result: DemoResult) -> Review:
    state = lookups.states[data["state"]]
    session = Session.objects.get(number=data["session"])
    review = Review.objects.filter(state=state, session=session).first()
    result.count("reviews", review is None)
    if review is None:
        fields = ("review_date", "adoption_date", "report_symbol", "addendum_symbol", "notes")
        review = Review(state=state, session=session, **{name: data[name] for name in fields})
        review.full_clean()
        review.save()
    return review


def _recommendation(review: Review, data: dict, rec: Rec, lookups: _Lookups, result: DemoResult) -> Recommendation:
    key = import_key(data["state"], data["session"], rec.key)
    recommendation = Recommendation.objects.filter(review=review, import_key=key).first()
    result.count("recommendations", recommendation is None)
    if recommendation is None:
        recommendation = Recommendation(
            review=review, import_key=key, text=summary_text(rec), action_category=rec.action
        )
        recommendation.full_clean()
        recommendation.save()
        recommendation.recommending_states.set([lookups.states[s] for s in rec.states])
        recommendation.themes.set([lookups.themes[t] for t in rec.themes])
        recommendation.affected_groups.set([lookups.groups[g] for g in rec.groups])
        recommendation.sdgs.set([lookups.sdg16])
    return recommendation


def _position(recommendation: Recommendation, data: dict, rec: Rec, result: DemoResult) -> None:
    fields = {"response": rec.response, "source": data["position_source"], "date": data["position_date"]}
    exists = Position.objects.filter(recommendation=recommendation, **fields).exists()
    result.count("positions", not exists)
    if not exists:
        services.record_position(recommendation=recommendation, **fields)


def _assessment(recommendation, assessment: Assessment, organisation, editor, evidence, result: DemoResult) -> None:
    exists = ImplementationAssessment.objects.filter(
        recommendation=recommendation, organisation=organisation, assessed_on=assessment.assessed_on
    ).exists()
    result.count("assessments", not exists)
    if not exists:
        services.record_assessment(
            recommendation=recommendation,
            status=assessment.status,
            assessed_on=assessment.assessed_on,
            organisation=organisation,
            recorded_by=editor,
            narrative=assessment.narrative + DEMO_NOTE,
            citations=[(evidence[c.evidence], c.excerpt, c.page) for c in assessment.citations],
        )
