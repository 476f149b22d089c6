"""What real UPR data looks like, learned from UPR Info exports or taken from small tables in code.

A Profile holds the distributions the generator draws from: States under
review, recommendations per review, responses, action categories, themes and
recommending States per recommendation, and text fragments (runs of words
from real texts, so phrases such as "freedom of assembly" keep occurring).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from recommendations.imports import upr_info
from recommendations.imports.base import fold
from recommendations.models import Theme
from states.models import State, StateAlias, normalise_name

FRAGMENT_WORDS = 8

# Fallback when no sample is present: rough shares from UPR Info's database (cycles 1–3).
RESPONSES = {"supported": 72, "noted": 24, "partially_supported": 2, "pending": 2}
ACTION_CATEGORIES = {1: 2, 2: 18, 3: 14, 4: 38, 5: 28}
THEMES_PER_RECOMMENDATION = {0: 3, 1: 45, 2: 32, 3: 14, 4: 6}
RECOMMENDING_STATES_PER_RECOMMENDATION = {1: 88, 2: 8, 3: 3, 4: 1}
TEXT_WORDS = {12: 10, 18: 20, 25: 25, 35: 20, 50: 15, 70: 7, 100: 3}
SENTENCES = [
    "Take effective measures to guarantee freedom of assembly and association for all persons",
    "Ratify the Optional Protocol to the Convention against Torture and establish a national preventive mechanism",
    "Continue efforts to promote and protect the rights of women and girls, including access to education",
    "Ensure that human rights defenders and journalists can work without fear of reprisals",
    "Adopt a comprehensive law against discrimination covering all grounds, including sexual orientation",
    "Strengthen the independence of the national human rights institution in line with the Paris Principles",
    "Consider abolishing the death penalty and ratifying the Second Optional Protocol",
    "Guarantee freedom of expression, freedom of peaceful assembly and freedom of the press",
    "Take further steps to combat trafficking in persons and provide support to victims",
    "Improve conditions of detention and reduce overcrowding in prisons",
    "Ensure birth registration for all children and access to health care for migrants",
    "Investigate all allegations of torture and ill-treatment by law enforcement officials",
]


@dataclass
class Profile:
    states: dict[int, float]  # State under review id -> weight
    review_sizes: list[int]  # recommendations per review, as observed
    responses: dict[str, float]
    action_categories: dict[int | None, float]
    themes: dict[int, float]  # upr-info theme id -> weight
    themes_per_recommendation: dict[int, float]
    recommending_states: dict[int, float]
    recommending_states_per_recommendation: dict[int, float]
    text_words: dict[int, float]
    fragments: list[str] = field(default_factory=list)
    source: str = "built-in tables"


def sample_files() -> list[Path]:
    folder = Path(settings.BASE_DIR).parent / "shared" / "samples" / "upr-info"
    return sorted(folder.glob("*.csv")) if folder.is_dir() else []


def load_profile(files: list[Path] | None = None) -> Profile:
    files = sample_files() if files is None else files
    return learn(files) if files else builtin()


def builtin() -> Profile:
    state_ids = list(State.objects.filter(status=State.Status.MEMBER).values_list("id", flat=True))
    theme_ids = list(Theme.objects.filter(scheme__slug=upr_info.SCHEME).values_list("id", flat=True))
    return Profile(
        states=dict.fromkeys(state_ids, 1.0),
        review_sizes=[60, 120, 170, 200, 250],
        responses=dict(RESPONSES),
        action_categories=dict(ACTION_CATEGORIES),
        themes=dict.fromkeys(theme_ids, 1.0),
        themes_per_recommendation=dict(THEMES_PER_RECOMMENDATION),
        recommending_states=dict.fromkeys(state_ids, 1.0),
        recommending_states_per_recommendation=dict(RECOMMENDING_STATES_PER_RECOMMENDATION),
        text_words=dict(TEXT_WORDS),
        fragments=_fragments(SENTENCES),
    )


def learn(files: list[Path]) -> Profile:
    """Distributions of the rows of UPR Info exports, grouped into recommendations as the importer does."""
    states = _state_index()
    themes = {
        fold(name): pk for name, pk in Theme.objects.filter(scheme__slug=upr_info.SCHEME).values_list("name", "id")
    }
    recommendations: dict[tuple[str, str, str], dict] = {}
    for path in files:
        with path.open("rb") as stream:
            for row in upr_info.parse(stream).rows:
                if row.has_errors:
                    continue
                key = (row.state_under_review, row.session, row.text)
                entry = recommendations.setdefault(key, {"row": row, "from": set()})
                entry["from"].update(row.recommending_states)
    sizes, under, responses, actions = Counter(), Counter(), Counter(), Counter()
    theme_counts, theme_numbers, from_counts, from_numbers, words = (
        Counter(),
        Counter(),
        Counter(),
        Counter(),
        Counter(),
    )
    texts = []
    for (state, session, text), entry in recommendations.items():
        row = entry["row"]
        sizes[(state, session)] += 1
        if (pk := states.get(normalise_name(state))) is not None:
            under[pk] += 1
        responses[row.response or "pending"] += row.kind == "recommendation"
        actions[row.action_category] += 1
        matched = [themes[fold(ref.name)] for ref in row.themes if fold(ref.name) in themes]
        theme_counts.update(matched)
        theme_numbers[len(matched)] += 1
        recommending = [states[normalise_name(name)] for name in entry["from"] if normalise_name(name) in states]
        from_counts.update(recommending)
        from_numbers[max(1, len(recommending))] += 1
        words[len(text.split())] += 1
        texts.append(text)
    if not recommendations:
        return builtin()
    fallback = builtin()
    return Profile(
        states=_cover(_weights(under), fallback.states),
        review_sizes=sorted(sizes.values()),
        responses=_weights(responses) or fallback.responses,
        action_categories=_weights(actions),
        themes=_weights(theme_counts) or fallback.themes,
        themes_per_recommendation=_weights(theme_numbers),
        recommending_states=_cover(_weights(from_counts), fallback.recommending_states),
        recommending_states_per_recommendation=_weights(from_numbers),
        text_words=_weights(words),
        fragments=_fragments(texts),
        source=", ".join(path.name for path in files),
    )


def _state_index() -> dict[str, int]:
    index = {normalise_name(name): pk for pk, name in State.objects.values_list("id", "name")}
    index.update(StateAlias.objects.values_list("normalised", "state_id"))
    return index


def _weights(counter: Counter) -> dict:
    return {key: float(count) for key, count in counter.items() if count > 0}


def _cover(learned: dict, every: dict) -> dict:
    """Learned weights, with the smallest of them for every State the sample does not name (all are reviewed)."""
    floor = min(learned.values(), default=1.0)
    return {**dict.fromkeys(every, floor), **learned}


def _fragments(texts: list[str]) -> list[str]:
    """Runs of FRAGMENT_WORDS words cut from the texts (shorter texts whole)."""
    fragments = []
    for text in texts:
        words = text.rstrip(".").split()
        for start in range(0, max(1, len(words) - FRAGMENT_WORDS + 1), FRAGMENT_WORDS // 2):
            fragments.append(" ".join(words[start : start + FRAGMENT_WORDS]))
    return fragments
