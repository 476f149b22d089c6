"""A small advocacy world for the advocacy tests: three asks for Kazakhstan's 2014 review, their true
matches among ten recommendations (the others near-decoys sharing words with the asks), and decoys
with the true matches' very words in another review of Kazakhstan and in another State's review."""

from dataclasses import dataclass

from recommendations.models import Organisation, ProposedRecommendation, Recommendation, Review
from states.models import State
from tests.site_data import recommendation, review, theme

FOE = "Freedom of opinion and expression"
FOA = "Freedom of association and peaceful assembly"
HRD = "Human rights defenders"

LIBEL_TEXT = "Decriminalise defamation and repeal the criminal libel articles used against journalists and critics"
REPRISALS_TEXT = "Ensure that human rights defenders who cooperate with United Nations mechanisms suffer no reprisals"


@dataclass
class World:
    review: Review
    recommendations: dict[str, Recommendation]
    asks: dict[str, ProposedRecommendation]
    elsewhere: dict[str, Recommendation]  # same words, other review or other State


def ask(
    on: Review,
    text: str,
    organisation: Organisation,
    *,
    public: bool = True,
    themes: tuple[str, ...] = (),
    lobbied: tuple[str, ...] = (),
) -> ProposedRecommendation:
    made = ProposedRecommendation.objects.create(organisation=organisation, review=on, text=text, public=public)
    made.themes.set([theme(name) for name in themes])
    made.lobbied_states.set(State.objects.filter(iso3__in=lobbied))
    return made


def build_world(organisation: Organisation) -> World:
    kaz_2014 = review("KAZ", 20)
    recommendations = {
        # The true matches.
        "libel": recommendation(kaz_2014, LIBEL_TEXT, by=("IRL", "USA"), response="noted", themes=(FOE,)),
        "assembly": recommendation(
            kaz_2014,
            "Amend the law on peaceful assemblies so that notification suffices instead of prior permission "
            "from the authorities",
            by=("NOR",),
            response="supported",
            themes=(FOA,),
        ),
        "reprisals": recommendation(kaz_2014, REPRISALS_TEXT, by=("CZE", "NLD"), response="supported", themes=(HRD,)),
        # Near-decoys: a few of an ask's words each.
        "journalists": recommendation(
            kaz_2014, "Protect journalists and critics from harassment and violence", by=("SWE",), response="supported"
        ),
        "religion": recommendation(
            kaz_2014, "Repeal the restrictive provisions of the law on religious associations", by=("USA",)
        ),
        "officials": recommendation(kaz_2014, "Hold public officials accountable for corruption", by=("GBR",)),
        "domestic": recommendation(
            kaz_2014, "Adopt a law on domestic violence that criminalises marital rape", by=("ESP",)
        ),
        "unions": recommendation(
            kaz_2014, "Guarantee freedom of association for independent trade unions", by=("DEU",)
        ),
        "ombudsman": recommendation(
            kaz_2014,
            "Strengthen the national human rights institution in line with the Paris Principles and cooperate "
            "with United Nations treaty bodies",
            by=("FRA",),
        ),
        "children": recommendation(
            kaz_2014, "Protect children from violence in schools and ban corporal punishment", by=("ITA",)
        ),
    }
    asks = {
        "libel": ask(
            kaz_2014,
            "Repeal criminal libel and decriminalise defamation of public officials",
            organisation,
            themes=(FOE,),
            lobbied=("IRL", "GBR"),
        ),
        "assembly": ask(
            kaz_2014,
            "Adopt a law on peaceful assembly that replaces prior permission with a simple notification",
            organisation,
            themes=(FOA,),
            lobbied=("NOR", "SWE"),
        ),
        "reprisals": ask(
            kaz_2014,
            "Protect human rights defenders from reprisals for cooperating with the United Nations",
            organisation,
            themes=(HRD,),
            lobbied=("CZE",),
        ),
    }
    elsewhere = {
        "kaz_2010": recommendation(review("KAZ", 7), LIBEL_TEXT, by=("IRL",), response="supported"),
        "uzb_2014": recommendation(review("UZB", 20), REPRISALS_TEXT, by=("CZE",), response="supported"),
    }
    return World(review=kaz_2014, recommendations=recommendations, asks=asks, elsewhere=elsewhere)
