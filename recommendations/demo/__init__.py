"""The demo data `make run` loads: Kazakhstan's 2010 and 2014 reviews, tracked by one NGO.

Which State made which recommendation, Kazakhstan's response, UPR Info's action category
and issues come from UPR Info's database (sessions 7 and 20). Every text here is a short
summary in this project's own words, never the adopted wording: recommendation texts end
with SUMMARY_MARK, citation excerpts start with "Summary:", and assessment narratives end
with DEMO_NOTE. The assessments and the civil society proposals in the session 7 review's
notes follow ISHR's 2014 UPR briefing paper on human rights defenders in Kazakhstan.

load_demo() only fills in what is missing, keyed on natural keys, and never overwrites a
row that exists: editors trying the admin keep their edits (and the demo editor keeps a
changed password) across restarts, and a second run writes nothing.
"""

import datetime
import hashlib
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from recommendations import services
from recommendations.models import (
    SDG,
    AffectedGroup,
    EvidenceSource,
    ImplementationAssessment,
    ImplementationStatus,
    Membership,
    Organisation,
    Position,
    Recommendation,
    Response,
    Review,
    Session,
    Theme,
)
from recommendations.models.reference import UPR_INFO_SCHEME
from states.models import State

D = datetime.date
SUPPORTED, NOTED = Response.SUPPORTED, Response.NOTED
NOT_IMPLEMENTED = ImplementationStatus.NOT_IMPLEMENTED
PARTIALLY_IMPLEMENTED = ImplementationStatus.PARTIALLY_IMPLEMENTED

SUMMARY_MARK = "(summary)"
DEMO_NOTE = "Demo data: summarised from the cited sources and ISHR's 2014 UPR briefing paper on Kazakhstan."

ORGANISATION = {
    "name": "International Service for Human Rights",
    "kind": Organisation.Kind.CIVIL_SOCIETY,
    "website": "https://ishr.ch/",
}

EDITOR_USERNAME = "editor"
# Published here on purpose: a local demo login. The command refuses to run without DEBUG.
EDITOR_PASSWORD = "upr-demo-kazakhstan-2010"
EDITORS_GROUP = "Editors"
# (app label, model): actions. View-only models are there for the admin's autocomplete widgets.
EDITOR_PERMISSIONS = {
    # Organisation data is governed by memberships (recommendations/permissions.py), not model permissions;
    # editors import recommendations, whose official texts are staff administrators' to change.
    ("recommendations", "recommendation"): ("view", "add"),
    ("recommendations", "implementationassessment"): ("view",),
    ("recommendations", "evidencesource"): ("view",),
    ("recommendations", "citation"): ("view",),
    ("recommendations", "position"): ("view",),
    ("recommendations", "review"): ("view",),
    ("recommendations", "organisation"): ("view",),
    ("recommendations", "theme"): ("view",),
    ("recommendations", "affectedgroup"): ("view",),
    ("recommendations", "sdg"): ("view",),
    ("states", "state"): ("view",),
}


@dataclass(frozen=True)
class Cite:
    evidence: str  # a key of EVIDENCE
    excerpt: str
    page: str = ""


@dataclass(frozen=True)
class Assessment:
    assessed_on: datetime.date
    status: str
    narrative: str
    citations: tuple[Cite, ...]


@dataclass(frozen=True)
class Rec:
    key: str  # stable identity inside the demo, hashed into Recommendation.import_key
    states: tuple[str, ...]  # ISO 3166 alpha-3 of the recommending States
    text: str
    action: int
    response: str
    themes: tuple[str, ...]  # UPR Info issues, as UPR Info tagged the recommendation
    groups: tuple[str, ...] = ()
    assessments: tuple[Assessment, ...] = ()


# Landing pages stand in where the document's own address is not known for certain.
EVIDENCE = {
    "hrw-2014": {
        "title": "World Report 2014: Kazakhstan",
        "publisher": "Human Rights Watch",
        "published_on": D(2014, 1, 21),
        "url": "https://www.hrw.org/world-report/2014/country-chapters/kazakhstan",
        "kind": EvidenceSource.Kind.NGO_REPORT,
    },
    "fld-2013": {
        "title": "2013 Annual Report: global trends in 2012 for human rights defenders",
        "publisher": "Front Line Defenders",
        "published_on": D(2013, 1, 23),
        "url": "https://www.frontlinedefenders.org/",
        "kind": EvidenceSource.Kind.NGO_REPORT,
    },
    "odf-zhanaozen": {
        "title": "Reports on the December 2011 events in Zhanaozen and their aftermath",
        "publisher": "Open Dialogue Foundation",
        "published_on": None,
        "url": "https://en.odfoundation.eu/",
        "kind": EvidenceSource.Kind.NGO_REPORT,
    },
    "kibhr-assembly": {
        "title": "Monitoring freedom of assembly in Kazakhstan: June 2011 – April 2012 (May 2012)",
        "publisher": "Kazakhstan International Bureau for Human Rights and Rule of Law",
        "published_on": None,
        "url": "https://bureau.kz/en/",
        "kind": EvidenceSource.Kind.NGO_REPORT,
    },
    "ohchr-pillay-2012": {
        "title": "Opening remarks by UN High Commissioner for Human Rights Navi Pillay at a press conference "
        "during her mission to Kazakhstan, Astana",
        "publisher": "Office of the UN High Commissioner for Human Rights",
        "published_on": D(2012, 7, 12),
        "url": "https://www.ohchr.org/en/statements/2012/07/"
        "opening-remarks-un-high-commissioner-human-rights-navi-pillay-press-conference-0",
        "kind": EvidenceSource.Kind.UN_DOCUMENT,
    },
    "eeas-dialogue-2013": {
        "title": "EU–Kazakhstan Human Rights Dialogue, Astana, November 2013: press release",
        "publisher": "European External Action Service",
        "published_on": None,
        "url": "https://www.eeas.europa.eu/",
        "kind": EvidenceSource.Kind.OTHER,
    },
}

# Citations reused by several assessments.
HRW_SPEECH = Cite(
    "hrw-2014", "Summary: in 2013 the authorities used overly broad laws to crack down on free speech and dissent."
)
HRW_DEFENDERS = Cite(
    "hrw-2014", "Summary: defenders are threatened, intimidated, harassed through the courts and arbitrarily detained."
)
EEAS_CONCERNS = Cite(
    "eeas-dialogue-2013",
    "Summary: the EU voiced concern about free expression, the position of NGOs and heavy restrictions on the press.",
)

JAN_2014 = D(2014, 1, 31)  # after HRW's World Report 2014, the latest evidence cited

LIBEL_NARRATIVE = (
    "Libel is still a criminal offence punishable by imprisonment, civil damages have no ceiling and suits "
    "against journalists are common. A 2010 amendment (Article 317-1 of the Criminal Code) added special "
    "protection for the President and his family against insult. "
)

SESSION_7_RECOMMENDATIONS = (
    Rec(
        "nor-investigate-attacks",
        ("NOR",),
        "Make sure abuses suffered by human rights defenders and journalists are properly investigated and the "
        "perpetrators prosecuted",
        5,
        SUPPORTED,
        ("Freedom of the press", "Human rights defenders"),
        ("Human rights defenders", "Journalists"),
        (
            Assessment(
                D(2012, 7, 31),
                NOT_IMPLEMENTED,
                "Nobody has answered for the use of lethal force against striking oil workers and residents in "
                "Zhanaozen in December 2011. The UN High Commissioner, visiting in July 2012, said it was still "
                "unclear who ordered the police to shoot and asked for an independent international inquiry. ",
                (
                    Cite(
                        "ohchr-pillay-2012",
                        "Summary: the High Commissioner urged the Government to let an independent international "
                        "body look into the events, what caused them and what followed.",
                    ),
                    Cite(
                        "odf-zhanaozen",
                        "Summary: at least 17 people died and 86 were hurt; 37 people were convicted afterwards.",
                    ),
                ),
            ),
            Assessment(
                JAN_2014,
                NOT_IMPLEMENTED,
                "Defenders are still threatened, harassed through the courts and detained, and the Zhanaozen "
                "killings have not been independently investigated. Defenders who engaged with UN bodies report "
                "reprisals. ",
                (
                    HRW_DEFENDERS,
                    Cite(
                        "fld-2013",
                        "Summary: concern at reprisals against Kazakh defenders who cooperate with UN human rights "
                        "bodies, and at harassment of women defenders.",
                        "Kazakhstan",
                    ),
                ),
            ),
        ),
    ),
    Rec(
        "nor-enabling-environment",
        ("NOR",),
        "Take practical steps towards a climate in which free expression can flourish, as Kazakhstan's "
        "obligations require",
        4,
        SUPPORTED,
        ("Freedom of opinion and expression",),
        ("Human rights defenders",),
        (
            Assessment(
                JAN_2014,
                NOT_IMPLEMENTED,
                "The climate has worsened rather than improved: critics are prosecuted under broadly worded "
                "offences and the EU raised freedom of expression at its 2013 human rights dialogue. ",
                (HRW_SPEECH, EEAS_CONCERNS),
            ),
        ),
    ),
    Rec(
        "nor-repression-of-speech",
        ("NOR",),
        "Reverse the drift towards suppressing free speech, including curbs on online media",
        4,
        SUPPORTED,
        ("Freedom of opinion and expression",),
        ("Human rights defenders", "Media"),
        (
            Assessment(
                JAN_2014,
                NOT_IMPLEMENTED,
                "Media amendments adopted in 2010, despite the OSCE's call for a veto, let courts block "
                "Kazakh and foreign websites and extend media restrictions to blogs and chat rooms; the "
                "crackdown on speech continued through 2013. ",
                (HRW_SPEECH,),
            ),
        ),
    ),
    Rec(
        "kor-space-for-media-and-ngos",
        ("KOR",),
        "Give the media and civil society more room to work, bringing their freedom of expression up to "
        "international standards",
        4,
        SUPPORTED,
        ("Civil society", "Freedom of opinion and expression", "Freedom of the press"),
        ("Human rights defenders", "Media", "Civil society"),
        (
            Assessment(
                JAN_2014,
                NOT_IMPLEMENTED,
                "Space for independent media and NGOs has shrunk; at the 2013 dialogue the EU named the situation "
                "of NGOs and press restrictions among its concerns. ",
                (EEAS_CONCERNS, HRW_SPEECH),
            ),
        ),
    ),
    Rec(
        "swe-assembly-law",
        ("SWE",),
        "Quickly draft and apply a new law on peaceful assembly that eases prior registration and the "
        "information demanded about participants, and make clear to officials how it is to be applied",
        4,
        SUPPORTED,
        ("Freedom of association and peaceful assembly",),
        ("Human rights defenders",),
        (
            Assessment(
                JAN_2014,
                NOT_IMPLEMENTED,
                "No new law has been adopted. The 2004 law on assemblies still makes lawful protest almost "
                "impossible, and a draft prepared by civil society in 2007 has had no answer from Parliament or "
                "the Government. Activists are detained on unfounded charges such as hooliganism. ",
                (
                    Cite(
                        "kibhr-assembly",
                        "Summary: monitoring of assemblies in seven cities found the right severely restricted "
                        "in law and in practice.",
                    ),
                    Cite("hrw-2014", "Summary: the authorities keep strict controls on freedom of assembly."),
                ),
            ),
        ),
    ),
    Rec(
        "can-courts-against-journalists",
        ("CAN",),
        "Stop taking journalists and media outlets to court, whether through civil or criminal libel suits",
        5,
        SUPPORTED,
        ("Freedom of the press",),
        ("Human rights defenders", "Journalists", "Media"),
        (Assessment(JAN_2014, NOT_IMPLEMENTED, LIBEL_NARRATIVE, (HRW_SPEECH,)),),
    ),
    Rec(
        "gbr-libel-law",
        ("GBR",),
        "Align the libel and defamation provisions with the human rights treaties Kazakhstan has joined and its "
        "commitments on free expression and media freedom",
        5,
        SUPPORTED,
        ("Freedom of opinion and expression", "Freedom of the press", "International instruments"),
        ("Human rights defenders", "Journalists", "Media"),
        (Assessment(JAN_2014, NOT_IMPLEMENTED, LIBEL_NARRATIVE, (HRW_SPEECH, EEAS_CONCERNS)),),
    ),
    Rec(
        "usa-media-defamation",
        ("USA",),
        "Make defamation by the media a civil matter only, and change the Civil Code so that libel damages stay "
        "proportionate and never shut an outlet down",
        5,
        SUPPORTED,
        ("Freedom of the press",),
        ("Journalists", "Media"),
        (Assessment(JAN_2014, NOT_IMPLEMENTED, LIBEL_NARRATIVE, (HRW_SPEECH,)),),
    ),
    Rec(
        "aus-criminal-libel",
        ("AUS",),
        "Repeal the criminal libel provisions used against journalists",
        5,
        SUPPORTED,
        ("Freedom of the press",),
        ("Journalists",),
        (Assessment(JAN_2014, NOT_IMPLEMENTED, LIBEL_NARRATIVE, (HRW_SPEECH,)),),
    ),
    Rec(
        "swe-internet-laws",
        ("SWE",),
        "Make sure laws on the Internet and new communication technologies respect international human rights "
        "obligations",
        4,
        SUPPORTED,
        ("Freedom of opinion and expression", "International instruments"),
        ("Media",),
        (
            Assessment(
                JAN_2014,
                NOT_IMPLEMENTED,
                "The 2010 media amendments allow courts to block websites, including foreign ones, and treat "
                "blogs and chat rooms as media subject to the same restrictions. ",
                (HRW_SPEECH,),
            ),
        ),
    ),
    Rec(
        "esp-networks-law",
        ("ESP",),
        "Change the amended networks law so that criminal defamation does not extend to everything published "
        "online, and give political speech and the press stronger protection",
        3,
        NOTED,
        ("Freedom of opinion and expression", "Freedom of the press"),
        ("Journalists", "Media"),
    ),
    Rec(
        "nor-ngo-follow-up",
        ("NOR",),
        "Set up an effective, inclusive follow-up to this review that involves independent NGOs not funded by "
        "the Government",
        4,
        SUPPORTED,
        ("Civil society", "UPR process"),
        ("Civil society",),
    ),
    Rec(
        "usa-action-plan",
        ("USA",),
        "Carry out the National Human Rights Action Plan in full, with civil society, and give it a legal basis "
        "and an adequate budget",
        5,
        SUPPORTED,
        ("National plan of action",),
        ("Civil society",),
        (
            Assessment(
                JAN_2014,
                PARTIALLY_IMPLEMENTED,
                "The 2009–2012 plan was drafted by officials together with civil society, but by its end only "
                "about 23% of its goals had reportedly been met. The Government has announced a new plan, "
                "which the EU took up at the 2013 dialogue. ",
                (EEAS_CONCERNS,),
            ),
        ),
    ),
)

SESSION_20_RECOMMENDATIONS = (
    Rec(
        "cze-protect-journalists-and-defenders",
        ("CZE",),
        "Guarantee free expression and an independent press, critical outlets included, and protect reporters, "
        "bloggers, independent outlets and human rights defenders from assault and intimidation",
        4,
        SUPPORTED,
        ("Freedom of opinion and expression", "Freedom of the press", "Human rights defenders"),
        ("Human rights defenders", "Journalists", "Media"),
    ),
    Rec(
        "nor-peaceful-assembly",
        ("NOR",),
        "Remove the obstacles to holding peaceful assemblies",
        4,
        SUPPORTED,
        ("Freedom of association and peaceful assembly",),
    ),
    Rec(
        "irl-defamation-follow-up",
        ("IRL",),
        "Implement the previous cycle's accepted recommendations to decriminalise defamation, and repeal both the "
        "criminal provisions on defaming officials and the offence of insulting the President that the 2010 "
        "'Leader of the Nation' law introduced",
        5,
        NOTED,
        ("Freedom of opinion and expression", "UPR process"),
        ("Journalists",),
    ),
)

SESSION_7_NOTES = """\
Civil society proposals for the next review (ISHR briefing, 2014) — summarised:
1. Back an independent international inquiry into the force used, and the people hurt and killed, when \
the oil workers' strike in Zhanaozen was put down in December 2011.
2. Repeal provisions that needlessly restrict defenders' work, such as criminal libel and the 2004 \
assemblies law.
3. Adopt laws and protocols so that the policing of protests meets international standards.
4. Repeal the 2010 media amendments that allow websites, blogs and chat rooms to be sanctioned without need.
5. Revoke the Criminal Code's Article 317-1, which shields the President and can be used to silence dissent.
6. Adopt and carry out a new national human rights action plan, a step raised at the 2013 EU–Kazakhstan dialogue.
7. Put concrete measures to protect human rights defenders into that plan.
8. Pay particular attention to the specific risks faced by women defenders.
9. Review assembly legislation thoroughly, with civil society's 2007 draft law among the options.
10. Have the President's Commission on Human Rights send the 2007 draft to OSCE/ODIHR and the Venice \
Commission for an opinion, as civil society asked.
11. Adopt laws and measures protecting defenders from reprisals when they engage with regional or UN \
human rights bodies.
12. Investigate and prosecute every attack on defenders, including abuse of public office or of the \
justice system."""

REVIEWS = (
    {
        "state": "KAZ",
        "session": 7,
        "review_date": D(2010, 2, 10),
        "adoption_date": D(2010, 6, 10),
        "report_symbol": "A/HRC/14/10",
        "addendum_symbol": "A/HRC/14/10/Add.1",
        "notes": SESSION_7_NOTES,
        "position_source": "A/HRC/14/10/Add.1 (response as recorded by UPR Info)",
        "position_date": D(2010, 6, 10),
        "recommendations": SESSION_7_RECOMMENDATIONS,
    },
    {
        "state": "KAZ",
        "session": 20,
        "review_date": D(2014, 10, 30),
        "adoption_date": None,
        "report_symbol": "A/HRC/28/10",
        "addendum_symbol": "A/HRC/28/10/Add.1",
        "notes": "Demo data: three recommendations of this review that repeat asks of 2010, summarised.",
        "position_source": "A/HRC/28/10/Add.1 (response as recorded by UPR Info)",
        "position_date": None,
        "recommendations": SESSION_20_RECOMMENDATIONS,
    },
)


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


def import_key(state: str, session: int, key: str) -> str:
    return hashlib.sha256(f"upr-tracker-demo/{state}/{session}/{key}".encode()).hexdigest()


def summary_text(rec: Rec) -> str:
    return f"{rec.text} {SUMMARY_MARK}"


@transaction.atomic
def load_demo() -> DemoResult:
    """Write the demo data that is missing; existing rows are left as they are."""
    result = DemoResult()
    organisation = _organisation(result)
    editor = _editor(organisation, result)
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
