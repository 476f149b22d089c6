"""The search quality battery: queries, and for each the reference rule that says which recommendations a
reader means, written independently of PostgreSQL's parser and stemmers: regular expressions over the text
(lower case, diacritics removed) and, where the search's words name a label, the recommendation's labels.

bench/search_quality.py runs each query through the app's search (the API's FilterSet) and compares.
A rule is a function of (text, labels) -> bool, labels being the English names of the recommendation's
themes, affected groups and SDGs.
"""

from __future__ import annotations

import re
from collections.abc import Callable

Rule = Callable[[str, frozenset[str]], bool]


def words(pattern: str) -> Rule:
    """A whole-word regular expression over the plain text."""
    compiled = re.compile(rf"\b(?:{pattern})\b")
    return lambda text, labels: compiled.search(text) is not None


def label(*names: str) -> Rule:
    return lambda text, labels: any(name in labels for name in names)


def label_heading(heading: str) -> Rule:
    """Labels whose name is `heading` followed by a colon and a subdivision ("Children: Juvenile justice")."""
    return lambda text, labels: any(name.startswith(f"{heading}:") for name in labels)


def any_of(*rules: Rule) -> Rule:
    return lambda text, labels: any(rule(text, labels) for rule in rules)


def all_of(*rules: Rule) -> Rule:
    return lambda text, labels: all(rule(text, labels) for rule in rules)


def none_of(*rules: Rule) -> Rule:
    return lambda text, labels: not any(rule(text, labels) for rule in rules)


WOMEN = label("Women's rights", "Women", "Women & girls")
CHILDREN = any_of(label("Rights of the Child", "Children"), label_heading("Children"))
MIGRANTS = label("Migrants", "Migrants & domestic workers")
TRAFFICKING = label("Trafficking")
DISABILITIES = label("Disabilities", "Persons with disabilities")
SOGI = label("Sexual Orientation and Gender Identity", "Sexual orientation and gender identity")
CORRUPTION = label("Corruption", "Good governance & corruption")
TORTURE = label("Torture and other CID treatment")

# (category, query, reference rule)
BATTERY: list[tuple[str, str, Rule]] = [
    ("stemming", "discrimination", words(r"discriminat(?:e|es|ed|ing|ion|ions|ory)")),
    ("stemming", "ratify", words(r"ratif(?:y|ies|ied|ying)")),
    ("stemming", "investigating", words(r"investigat(?:e|es|ed|ing|ion|ions)")),
    ("phrase", '"rule of law"', words(r"rule\s+of\s+law")),
    ("phrase", '"freedom of expression"', words(r"freedom\s+of\s+expression")),
    ("or", "journalists or media", words(r"journalists?|media")),
    ("-word", "police -training", all_of(words(r"police"), none_of(words(r"train(?:s|ed|ing|ings)?")))),
    (
        "AND/OR/NOT",
        "(journalists OR media) AND NOT protect",
        all_of(words(r"journalists?|media"), none_of(words(r"protect(?:s|ed|ing|ion|ions)?"))),
    ),
    (
        "AND/OR/NOT",
        "police AND (investigate OR prosecute)",
        all_of(words(r"police"), words(r"investigat(?:e|es|ed|ing|ion|ions)|prosecut(?:e|es|ed|ing|ion|ions)")),
    ),
    ("AND/OR/NOT", "prisons NOT juvenile", all_of(words(r"prisons?"), none_of(words(r"juveniles?")))),
    ("prefix", "democra*", words(r"democra\w*")),
    ("prefix", "discriminat*", words(r"discriminat\w*")),
    ("prefix", "indigen*", words(r"indigen\w*")),
    ("diacritics", "Habre", words(r"habre")),
    ("diacritics", "Hissène", words(r"hissene")),
    ("diacritics", '"Hissene Habre"', words(r"hissene\s+habre")),
    ("diacritics", "rôle", words(r"roles?")),
    ("plural", "woman", any_of(words(r"wom[ae]n|wom[ae]n's"), WOMEN)),
    ("plural", "child", any_of(words(r"child|children|child's|children's"), CHILDREN)),
    ("plural", "person", words(r"persons?|people|person's|people's|peoples?")),
    ("labels", "migrants", any_of(words(r"migrants?"), MIGRANTS)),
    ("labels", "trafficking", any_of(words(r"trafficking|trafficked|traffic|traffics"), TRAFFICKING)),
    ("labels", "disabilities", any_of(words(r"disabilit(?:y|ies)"), DISABILITIES)),
    ("labels", '"sexual orientation"', any_of(words(r"sexual\s+orientations?"), SOGI)),
    ("labels", "corruption", any_of(words(r"corruption|corrupt"), CORRUPTION)),
    (
        "labels",
        "LGBTI",
        any_of(words(r"lgbt\w*"), label("Lesbian, gay, bisexual and transgender and intersex persons (LGBTI)")),
    ),
    ("labels", '"death penalty"', any_of(words(r"death\s+penalty"), label("Death penalty"))),
    ("labels", "torture", any_of(words(r"torture[sd]?|torturing"), TORTURE)),
]
