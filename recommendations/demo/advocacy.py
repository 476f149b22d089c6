"""Demo advocacy asks: the civil society proposals of the session 7 review's notes, tracked to 2014.

The demo organisation asked for twelve recommendations for Kazakhstan's 2014
review (session 20); demo.SESSION_7_NOTES lists them. Here they are public
asks, in this project's own summarised words (ending with demo.SUMMARY_MARK),
with UPR Info issues as themes and the States the organisation lobbied (made
up for the demo: no source says whom ISHR lobbied). The matcher then runs for
that review and the demo editor confirms the four asks the three demo
recommendations of 2014 really take up.

add_demo_asks() assumes demo.load_demo() ran, and like it only adds what is
missing: an ask that exists keeps its edits, and a match an editor already
decided (even dismissed) is left alone.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from recommendations import advocacy, demo
from recommendations.models import (
    AskMatch,
    Organisation,
    ProposedRecommendation,
    Recommendation,
    Review,
    SuggestionStatus,
    Theme,
)
from recommendations.models.reference import UPR_INFO_SCHEME
from states.models import State

ASK_SESSION = 20


@dataclass(frozen=True)
class Ask:
    key: str
    text: str
    themes: tuple[str, ...]  # UPR Info issues
    lobbied: tuple[str, ...]  # ISO 3166 alpha-3
    taken_up_by: tuple[str, ...] = ()  # keys of demo.SESSION_20_RECOMMENDATIONS that take it up


ASKS = (
    Ask(
        "zhanaozen-inquiry",
        "Support an independent international investigation of the force used against striking oil workers "
        "in Zhanaozen in December 2011, in which people were injured and killed",
        ("Human rights violations by state agents", "Impunity", "Labour"),
        ("USA", "GBR"),
    ),
    Ask(
        "repeal-restrictions-on-defenders",
        "Repeal the provisions that restrict human rights defenders' work without need, among them criminal "
        "libel and the 2004 law on assemblies",
        ("Human rights defenders", "Freedom of opinion and expression", "Freedom of association and peaceful assembly"),
        ("IRL", "USA"),
        ("irl-defamation-follow-up",),
    ),
    Ask(
        "policing-protests",
        "Adopt laws and protocols that bring the policing of protests into line with international standards",
        ("Freedom of association and peaceful assembly", "Public security"),
        ("NOR", "CHE"),
    ),
    Ask(
        "online-media-amendments",
        "Repeal the 2010 media amendments under which websites, blogs and chat rooms can be sanctioned without need",
        ("Freedom of the press", "Freedom of opinion and expression"),
        ("CZE", "EST"),
    ),
    Ask(
        "article-317-1",
        "Revoke Article 317-1 of the Criminal Code, which protects the President from insult and can be used to "
        "silence dissent",
        ("Freedom of opinion and expression",),
        ("IRL", "GBR"),
        ("irl-defamation-follow-up",),
    ),
    Ask(
        "new-action-plan",
        "Adopt and carry out a new national human rights action plan, as discussed at the 2013 human rights "
        "dialogue between the EU and Kazakhstan",
        ("National plan of action",),
        ("USA", "DEU"),
    ),
    Ask(
        "defenders-in-action-plan",
        "Include concrete measures for the protection of human rights defenders in the new national action plan",
        ("Human rights defenders", "National plan of action"),
        ("NOR", "DEU"),
    ),
    Ask(
        "women-defenders",
        "Pay particular attention to the specific risks that women human rights defenders face",
        ("Human rights defenders", "Women's rights"),
        ("SWE",),
    ),
    Ask(
        "assembly-legislation-review",
        "Review the legislation on peaceful assemblies thoroughly, considering civil society's 2007 draft law",
        ("Freedom of association and peaceful assembly", "Civil society"),
        ("NOR", "SWE"),
        ("nor-peaceful-assembly",),
    ),
    Ask(
        "assembly-draft-opinion",
        "Have the Presidential Commission on Human Rights ask OSCE/ODIHR and the Venice Commission for an opinion "
        "on the 2007 draft law on assemblies, as civil society requested",
        ("Freedom of association and peaceful assembly", "Technical assistance and cooperation"),
        ("CHE",),
    ),
    Ask(
        "reprisals",
        "Adopt laws and measures protecting human rights defenders from reprisals for engaging with regional "
        "and UN human rights bodies",
        ("Human rights defenders", "Special procedures", "Treaty bodies"),
        ("IRL", "NOR"),
    ),
    Ask(
        "investigate-attacks",
        "Investigate and prosecute all attacks on human rights defenders, including abuses of public office "
        "and of the justice system",
        ("Human rights defenders", "Impunity"),
        ("CZE", "NLD"),
        ("cze-protect-journalists-and-defenders",),
    ),
)


def ask_text(ask: Ask) -> str:
    return f"{ask.text} {demo.SUMMARY_MARK}"


@transaction.atomic
def add_demo_asks() -> None:
    """Add the demo organisation's asks for Kazakhstan's 2014 review, suggest matches and confirm the true ones."""
    organisation = Organisation.objects.get(name=demo.ORGANISATION["name"])
    editor = get_user_model().objects.get(username=demo.EDITOR_USERNAME)
    review = Review.objects.get(state__iso3="KAZ", session__number=ASK_SESSION)
    themes = {t.name: t for t in Theme.objects.filter(scheme__slug=UPR_INFO_SCHEME)}
    states = State.objects.in_bulk({iso3 for ask in ASKS for iso3 in ask.lobbied}, field_name="iso3")
    proposals = {ask.key: _proposal(ask, organisation, review, editor, themes, states) for ask in ASKS}
    advocacy.suggest_matches(reviews=[review])
    for ask in ASKS:
        for key in ask.taken_up_by:
            _confirm(proposals[ask.key], _demo_recommendation(review, key), editor)


def _proposal(ask: Ask, organisation, review: Review, editor, themes: dict, states: dict) -> ProposedRecommendation:
    text = ask_text(ask)
    proposal = ProposedRecommendation.objects.filter(organisation=organisation, review=review, text=text).first()
    if proposal is None:
        proposal = ProposedRecommendation(
            organisation=organisation, review=review, text=text, public=True, created_by=editor
        )
        proposal.full_clean()
        proposal._history_user = editor
        proposal.save()
        proposal.themes.set([themes[name] for name in ask.themes])
        proposal.lobbied_states.set([states[iso3] for iso3 in ask.lobbied])
    return proposal


def _demo_recommendation(review: Review, key: str) -> Recommendation:
    return Recommendation.objects.get(review=review, import_key=demo.import_key("KAZ", ASK_SESSION, key))


def _confirm(proposal: ProposedRecommendation, recommendation: Recommendation, editor) -> None:
    match = AskMatch.objects.filter(proposal=proposal, recommendation=recommendation).first()
    if match is None:
        advocacy.confirm_recommendation(proposal=proposal, recommendation=recommendation, user=editor)
    elif match.status == SuggestionStatus.SUGGESTED:
        advocacy.confirm_match(match=match, user=editor)
