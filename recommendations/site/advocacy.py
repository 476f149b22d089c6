"""The uptake page of an organisation's advocacy asks: /advocacy/<organisation slug>/.

Visitors see the public asks; the organisation's members (and staff
administrators) see the private ones too. Optional filters `review` (an id)
and `state` (ISO 3166 alpha-3 of the State under review) choose among the
reviews the visible asks are for; any other value is a 400 page. Queries:
the organisation, the filter options, then advocacy.uptake's five (plus the
session, user and memberships of a signed-in user) — whatever the number of asks.
"""

from dataclasses import dataclass

from django.http import QueryDict
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.localized import sort_key
from recommendations import advocacy, permissions
from recommendations.models import Organisation, ProposedRecommendation, ordinal
from states.models import state_name


@dataclass(frozen=True)
class ReviewOption:
    pk: int
    label: str


@dataclass(frozen=True)
class StateOption:
    pk: int
    iso3: str
    name: str


@dataclass
class Options:
    reviews: list[ReviewOption]
    states: list[StateOption]


def organisation_uptake(request, slug: str):
    organisation = get_object_or_404(Organisation, slug=slug)
    options = _options(organisation, request.user)
    review, state, errors = _filters(request.GET, options)
    reviews = [] if errors else _uptake(organisation, review, state, request.user)
    context = {
        "organisation": organisation,
        "is_member": permissions.may_write_for(request.user, organisation.pk),
        "options": options,
        "selected_review": review.pk if review else None,
        "selected_state": state.iso3 if state else "",
        "filtered": bool(review or state),
        "errors": errors,
        "reviews": reviews,
    }
    return render(request, "recommendations/advocacy_uptake.html", context, status=400 if errors else 200)


def _uptake(organisation: Organisation, review: ReviewOption | None, state: StateOption | None, user) -> list:
    return advocacy.uptake(
        organisation=organisation,
        review=review.pk if review else None,
        state=state.pk if state else None,
        user=user,
    )


def _options(organisation: Organisation, user) -> Options:
    """The reviews and States under review the user's visible asks of `organisation` are for (one query)."""
    asks = advocacy.visible_proposals(ProposedRecommendation.objects.filter(organisation=organisation), user)
    rows = (
        asks.order_by("-review__session__number", "review__state__name")
        .values_list(
            "review_id",
            "review__session__number",
            "review__session__start_date",
            "review__state_id",
            "review__state__iso3",
            "review__state__name",
            "review__state__iso2",
            "review__state__name_translations",
        )
        .distinct()
    )
    reviews, states = [], {}
    for review_id, number, start, state_id, iso3, english, iso2, translations in rows:
        name = state_name(english, iso2, translations, get_language())
        label = _("%(state)s — %(session)s session (%(year)s)") % {
            "state": name,
            "session": ordinal(number),
            "year": start.year,
        }
        reviews.append(ReviewOption(review_id, label))
        states[iso3] = StateOption(state_id, iso3, name)
    return Options(reviews=reviews, states=sorted(states.values(), key=lambda s: sort_key(s.name)))


def _filters(params: QueryDict, options: Options) -> tuple[ReviewOption | None, StateOption | None, list[str]]:
    """The review and State chosen, each among the options, and a message for each value that is not one."""
    errors = []
    review = state = None
    value = params.get("review", "").strip()
    if value:
        by_id = {str(option.pk): option for option in options.reviews}
        review = by_id.get(value)
        if review is None:
            errors.append(_("“%(value)s” is not one of the reviews listed here.") % {"value": value[:20]})
    value = params.get("state", "").strip().upper()
    if value:
        state = next((option for option in options.states if option.iso3 == value), None)
        if state is None:
            errors.append(_("“%(value)s” is not one of the States listed here.") % {"value": value[:20]})
    return review, state, errors
