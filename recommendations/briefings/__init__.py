"""A State's UPR briefing, computed from the tracked data: what its last review asked, what became of it.

The shape follows the NGO briefing papers the project was built from (see
DESIGN.md, the seed): how many recommendations on the subject the State
received and supported in its last review; each recommendation with its
response, current status and the assessments that say whether it was
implemented, their evidence cited as numbered notes; an organisation's own
introduction and conclusion (the only stored part, `Briefing`); and civil
society's proposals for the next review with their uptake, when there are
any (`recommendations.advocacy`).

- `filters.parse_filters`: the query string (`theme`, `affected_group`, `cycle` as in
  the API, plus `by`, whose texts to show) → `Filters`, or errors for a 400 page.
- `choices.filter_choices`: the options of the page's filter form (the State's own themes,
  affected groups and cycles).
- `build.build_briefing`: everything the page and the PDF show, in a fixed number of
  queries whatever the number of recommendations (tests/recommendations/test_briefing.py);
  `words`: its sentences.
- `texts.write_briefing` / `save_briefing`: the one write path for the texts (the
  editor form and the admin), and the form fields both offer for each language.

Languages: an organisation writes its title, introduction and conclusion in any
of settings.LANGUAGES (Briefing.texts). A page shows them in its own language
(get_language()), else in English with a note saying so; everything generated
(sentences, headings, counts, the PDF's file name and page numbers) is in the
page's language. Recommendation texts stay in the language of their source and
carry it as `lang`.

A recommendation with several themes appears once, under the theme that most
of the briefing's recommendations share (the filtered theme first when there
is one; ties by name), and its other themes are listed with it. That keeps
the sections few and large, as in a hand-written paper, and never repeats a
recommendation.
"""

from recommendations.briefings.build import BriefingData, OwnText, build_briefing, page_language
from recommendations.briefings.choices import filter_choices
from recommendations.briefings.filters import Filters, parse_filters
from recommendations.briefings.texts import (
    EditConflict,
    initial_texts,
    language_sections,
    save_briefing,
    text_fields,
    texts_from,
    write_briefing,
)
from recommendations.briefings.words import opening_sentence, other_responses_sentence, topic_words
from recommendations.models.briefing import FALLBACK_LANGUAGE, TEXT_MAX_LENGTH

__all__ = [
    "FALLBACK_LANGUAGE",
    "TEXT_MAX_LENGTH",
    "BriefingData",
    "EditConflict",
    "Filters",
    "build_briefing",
    "filter_choices",
    "initial_texts",
    "language_sections",
    "opening_sentence",
    "other_responses_sentence",
    "OwnText",
    "page_language",
    "parse_filters",
    "save_briefing",
    "text_fields",
    "texts_from",
    "topic_words",
    "write_briefing",
]
