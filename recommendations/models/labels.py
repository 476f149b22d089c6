"""Translated labels for the public site.

The models' choice labels are written for editors and are not marked for
translation; the public site shows these instead, so French, Spanish and
Russian catalogues can cover every word a visitor reads.
"""

from django.utils.translation import gettext_lazy as _

RESPONSES = {
    "supported": _("Supported"),
    "noted": _("Noted"),
    "partially_supported": _("Partially supported"),
    "pending": _("Pending"),
    "": _("No response recorded"),
}

STATUSES = {
    "not_implemented": _("Not implemented"),
    "partially_implemented": _("Partially implemented"),
    "fully_implemented": _("Fully implemented"),
    "": _("Not assessed"),
}

ACTION_CATEGORIES = {
    1: _("1 — Minimal action"),
    2: _("2 — Continuing action"),
    3: _("3 — Considering action"),
    4: _("4 — General action"),
    5: _("5 — Specific action"),
}

ACTION_CATEGORY_HELP = {
    1: _("Aimed at States other than the one under review, or asking it to seek help."),
    2: _("Asks the State to continue something it already does (“continue …”)."),
    3: _("Asks the State to consider or explore a change (“consider”, “explore”)."),
    4: _("Asks for action without saying exactly what (“take measures”, “ensure”)."),
    5: _("Asks for a specific, measurable action (“ratify”, “adopt a law”, “abolish”)."),
}

ASSESSOR_KINDS = {
    "civil_society": _("Civil society"),
    "government": _("Government"),
    "nhri": _("National human rights institution"),
    "un": _("United Nations"),
}

EVIDENCE_KINDS = {
    "ngo_report": _("NGO report"),
    "un_document": _("UN document or statement"),
    "news": _("News article"),
    "law": _("Law or regulation"),
    "court_decision": _("Court decision"),
    "government_statement": _("Government statement or report"),
    "nhri_report": _("NHRI report"),
    "other": _("Other"),
}
