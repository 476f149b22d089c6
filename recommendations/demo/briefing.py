"""The demo organisation's briefing on Kazakhstan: human rights defenders, first cycle.

`add_demo_briefing()` runs after `recommendations.demo.load_demo()` and, like
it, only fills in what is missing: an introduction or conclusion an editor
changed in the demo is kept across restarts, and a language the demo lacks is
added. The texts, in English, French and Spanish, are this project's own words
about the demo data, not the wording of any published briefing.
"""

from django.contrib.auth import get_user_model
from django.db import transaction

from recommendations import briefings, demo
from recommendations.models import AffectedGroup, Briefing, Cycle, Organisation
from states.models import State

GROUP = "Human rights defenders"
CYCLE = 1

TEXTS = {
    "en": {
        "title": "Kazakhstan: protecting human rights defenders — what became of the 2010 commitments",
        "introduction": """\
Kazakhstan's first Universal Periodic Review, in February 2010, produced a set of recommendations on the \
safety and work of human rights defenders, and the Government supported all of them.

This briefing sets out those recommendations and what civil society monitoring found about each one \
before the next review. Every finding cites the report or statement it rests on; the notes at the end \
list them.""",
        "conclusion": """\
The record since 2010 shows commitments accepted but not carried out: defenders still face harassment \
and prosecution, and the laws on assembly and libel that restrict their work are unchanged.

We ask recommending States to follow up on these recommendations in the next review, to ask the \
Government what it has done about each, and to put forward specific, measurable recommendations where \
the earlier ones were too general to be checked. This text is demo data.""",
    },
    "fr": {
        "title": (
            "Kazakhstan : protéger les défenseurs des droits de l’homme — que sont devenus les engagements de 2010 ?"
        ),
        "introduction": """\
Le premier Examen périodique universel du Kazakhstan, en février 2010, a donné lieu à une série de \
recommandations sur la sécurité et le travail des défenseurs des droits de l’homme, et le Gouvernement \
les a toutes acceptées.

Cette note présente ces recommandations et ce que le suivi de la société civile a constaté pour chacune \
avant l’examen suivant. Chaque constat cite le rapport ou la déclaration sur lequel il repose ; les notes \
en fin de document les énumèrent.""",
        "conclusion": """\
Depuis 2010, les engagements ont été acceptés mais pas mis en œuvre : les défenseurs subissent toujours \
harcèlement et poursuites, et les lois sur les réunions et la diffamation qui entravent leur travail n’ont \
pas changé.

Nous demandons aux États qui ont formulé ces recommandations d’en assurer le suivi lors du prochain examen, \
de demander au Gouvernement ce qu’il a fait pour chacune, et de formuler des recommandations précises et \
mesurables là où les précédentes étaient trop générales pour être vérifiées. Ce texte est fourni à titre \
de démonstration.""",
    },
    "es": {
        "title": "Kazajstán: proteger a los defensores de los derechos humanos — ¿qué fue de los compromisos de 2010?",
        "introduction": """\
El primer Examen Periódico Universal de Kazajstán, en febrero de 2010, dio lugar a una serie de \
recomendaciones sobre la seguridad y el trabajo de los defensores de los derechos humanos, y el Gobierno \
las aceptó todas.

Este informe presenta esas recomendaciones y lo que el seguimiento de la sociedad civil constató sobre cada \
una antes del examen siguiente. Cada constatación cita el informe o la declaración en que se basa; las notas \
al final los enumeran.""",
        "conclusion": """\
Desde 2010, los compromisos se aceptaron pero no se cumplieron: los defensores siguen sufriendo acoso y \
procesos judiciales, y las leyes sobre reunión y difamación que limitan su trabajo no han cambiado.

Pedimos a los Estados recomendantes que den seguimiento a estas recomendaciones en el próximo examen, que \
pregunten al Gobierno qué ha hecho respecto de cada una y que formulen recomendaciones específicas y \
medibles donde las anteriores eran demasiado generales para verificarlas. Este texto es de demostración.""",
    },
}


@transaction.atomic
def add_demo_briefing() -> None:
    """Create the demo organisation's published briefing texts unless they exist, and add the languages they
    lack (load_demo() must have run): texts an editor changed in the demo are kept."""
    key = {
        "organisation": Organisation.objects.get(name=demo.ORGANISATION["name"]),
        "state": State.objects.get(iso3="KAZ"),
        "theme": None,
        "affected_group": AffectedGroup.objects.get(name=GROUP),
        "cycle": Cycle.objects.get(number=CYCLE),
    }
    stored = Briefing.objects.filter(**key).first()
    if stored is not None and set(TEXTS) <= set(stored.texts):
        return
    texts = TEXTS if stored is None else {**TEXTS, **stored.texts}
    published = True if stored is None else stored.published
    editor = get_user_model().objects.filter(username=demo.EDITOR_USERNAME).first()
    briefings.write_briefing(**key, texts=texts, published=published, user=editor)
