"""The demo's content: the organisation, its editor, the evidence and the two reviews, as plain data."""

import datetime
import hashlib
from dataclasses import dataclass

from recommendations.models import (
    DEMO_KEY_PREFIX,
    EvidenceSource,
    ImplementationStatus,
    Organisation,
    Response,
)

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


def import_key(state: str, session: int, key: str) -> str:
    """The demo recommendation's identity, marked as the demo's by its prefix (models/demo.py)."""
    digest = hashlib.sha256(f"upr-tracker-demo/{state}/{session}/{key}".encode()).hexdigest()
    return DEMO_KEY_PREFIX + digest[: 64 - len(DEMO_KEY_PREFIX)]


def summary_text(rec: Rec) -> str:
    return f"{rec.text} {SUMMARY_MARK}"
