"""The reference data an import resolves names against, loaded into dicts once.

A handful of queries at the start (States and aliases, sessions, SDGs, themes,
affected groups), then no query per row. Reviews are found or created per
chunk. An OHCHR list may add the themes and groups it names that do not exist
yet (OHCHR relabels them between cycles): they are created here, and reported.
"""

from __future__ import annotations

from collections import defaultdict

from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.localized import or_list
from recommendations.imports.base import ParsedFile, ThemeRef, fold
from recommendations.imports.result import ImportResult
from recommendations.models import SDG, AffectedGroup, Review, Session, Theme, ThemeScheme
from recommendations.models.reference import theme_slug
from states.models import State
from states.resolve import StateResolver


def unknown_state(name: str, resolver: StateResolver) -> str:
    suggestions = resolver.suggest(name)
    if suggestions:
        return _("Unknown State %(name)s. Did you mean %(suggestions)s?") % {
            "name": repr(name),
            "suggestions": or_list(suggestions),
        }
    return _("Unknown State %(name)s.") % {"name": repr(name)}


class Lookups:
    def __init__(self, resolver: StateResolver, parsed: ParsedFile, result: ImportResult) -> None:
        self.resolver = resolver
        self.parsed = parsed
        self.result = result
        self._states: dict[str, State | None] = {}
        self.states_by_id: dict[int, State] = {}
        self.sessions: dict[int, int] = dict(Session.objects.values_list("number", "id"))
        self.session_numbers = {pk: number for number, pk in self.sessions.items()}
        self.sdgs: dict[int, int] = dict(SDG.objects.values_list("number", "id"))
        self.reviews: dict[tuple[int, int], int] = {}
        self.review_labels: dict[int, str] = {}
        self._load_themes()
        self._load_groups()

    # States -------------------------------------------------------------------------------------------

    def state(self, name: str) -> State | None:
        if name not in self._states:
            state = self.resolver.resolve(name)
            self._states[name] = state
            if state is not None:
                self.states_by_id[state.pk] = state
        return self._states[name]

    def unknown_state(self, name: str) -> str:
        return unknown_state(name, self.resolver)

    # Themes -------------------------------------------------------------------------------------------

    def _load_themes(self) -> None:
        self.scheme_ids = dict(ThemeScheme.objects.values_list("slug", "id"))
        self.theme_scheme: dict[int, str] = {}
        self.theme_index: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
        self._translated_names: list[tuple[str, dict, int]] = []
        rows = Theme.objects.values_list("id", "scheme__slug", "code", "name", "slug", "name_translations")
        for pk, scheme, code, name, slug, translations in rows:
            self._index_theme(pk, scheme, code, name, slug)
            # A list in French or Spanish names the themes in its language: after every English name.
            self._translated_names.append((scheme, translations, pk))
        for scheme, translations, pk in self._translated_names:
            for translated in (translations or {}).values():
                self.theme_index[scheme]["name"].setdefault(fold(translated), pk)
        self.theme_cache: dict[ThemeRef, int | str] = {}
        owned = self.parsed.theme_schemes
        # The themes a row of this file replaces on update (a UPR Info file leaves OHCHR themes alone).
        self.owned_themes = {pk for pk, scheme in self.theme_scheme.items() if owned is None or scheme in owned}

    def _index_theme(self, pk: int, scheme: str, code: str, name: str, slug: str) -> None:
        self.theme_scheme[pk] = scheme
        index = self.theme_index[scheme]
        index["name"][fold(name)] = pk
        index["slug"][slug] = pk
        if code:
            index["code"][code.casefold()] = pk

    def theme(self, ref: ThemeRef) -> int | str:
        """The theme's id, or why there is none (cached: a file names the same themes again and again)."""
        if ref not in self.theme_cache:
            self.theme_cache[ref] = self._find_theme(ref)
        return self.theme_cache[ref]

    def may_create_theme(self, ref: ThemeRef) -> bool:
        return self.parsed.creates_taxonomy and ref.scheme in self.scheme_ids

    def _find_theme(self, ref: ThemeRef) -> int | str:
        schemes = [ref.scheme] if ref.scheme else sorted(self.scheme_ids)
        matches = set()
        for scheme in schemes:
            index = self.theme_index[scheme]
            if ref.code:
                match = index["code"].get(ref.code.casefold()) or index["name"].get(fold(ref.name))
            else:
                key = fold(ref.name)
                match = index["name"].get(key) or index["code"].get(key) or index["slug"].get(ref.name.strip())
            if match:
                matches.add(match)
        if len(matches) == 1:
            return matches.pop()
        if matches:
            options = or_list(sorted(f"{self.theme_scheme[pk]}:{ref.name}" for pk in matches))
            return _("Theme %(name)s exists in several schemes: write %(options)s.") % {
                "name": repr(ref.name),
                "options": options,
            }
        if ref.scheme:
            return _("Unknown theme %(theme)s in the %(scheme)s scheme.") % {
                "theme": repr(str(ref)),
                "scheme": repr(ref.scheme),
            }
        return _("Unknown theme %(theme)s in any scheme.") % {"theme": repr(str(ref))}

    def create_themes(self, found: list[int | ThemeRef]) -> list[int]:
        """Theme ids, creating the themes still missing."""
        ids = []
        for item in found:
            if isinstance(item, ThemeRef):
                # Two spellings of one new theme in one file create it once.
                known = self.theme(item)
                item = known if isinstance(known, int) else self._create_theme(item)
            ids.append(item)
        return ids

    def _create_theme(self, ref: ThemeRef) -> int:
        index = self.theme_index[ref.scheme]
        slug = _unique_slug(theme_slug(ref.code, ref.name), index["slug"].keys())
        code = ref.code if ref.code.casefold() not in index["code"] else ""
        theme = Theme.objects.create(scheme_id=self.scheme_ids[ref.scheme], code=code, name=ref.name, slug=slug)
        self._index_theme(theme.pk, ref.scheme, theme.code, theme.name, theme.slug)
        self.theme_cache = {}  # earlier misses may now match
        if self.parsed.theme_schemes is None or ref.scheme in self.parsed.theme_schemes:
            self.owned_themes.add(theme.pk)
        self.result.created_themes.append(f"{ref.scheme}: {theme}")
        return theme.pk

    # Affected groups ----------------------------------------------------------------------------------

    def _load_groups(self) -> None:
        self.groups: dict[str, int] = {}
        self.group_slugs: set[str] = set()
        rows = list(AffectedGroup.objects.values_list("id", "name", "slug", "name_translations"))
        for pk, name, slug, _translations in rows:
            self.groups[fold(name)] = pk
            self.groups.setdefault(slug, pk)
            self.group_slugs.add(slug)
        for pk, _name, _slug, translations in rows:  # names in French or Spanish, after every English one
            for translated in (translations or {}).values():
                self.groups.setdefault(fold(translated), pk)

    def group(self, name: str) -> int | None:
        """An affected group by name (any case) or slug."""
        return self.groups.get(fold(name)) or self.groups.get(name.strip())

    def create_groups(self, found: list[int | str]) -> list[int]:
        return [item if isinstance(item, int) else self.group(item) or self._create_group(item) for item in found]

    def _create_group(self, name: str) -> int:
        group = AffectedGroup.objects.create(name=name, slug=_unique_slug(slugify(name), self.group_slugs))
        self.groups[fold(name)] = group.pk
        self.group_slugs.add(group.slug)
        self.result.created_groups.append(name)
        return group.pk

    # Reviews ------------------------------------------------------------------------------------------

    def ensure_reviews(self, keys: set[tuple[int, int]]) -> None:
        """Find or create the reviews of (State id, Session id) pairs: one query, one insert."""
        missing = keys - self.reviews.keys()
        if not missing:
            return
        found = Review.objects.order_by().filter(
            state_id__in={state_id for state_id, _ in missing}, session_id__in={session for _, session in missing}
        )
        for pk, state_id, session_id in found.values_list("id", "state_id", "session_id"):
            self._remember_review(pk, (state_id, session_id))
        new = [Review(state_id=state, session_id=session) for state, session in sorted(missing - self.reviews.keys())]
        for review in Review.objects.bulk_create(new):
            self._remember_review(review.pk, (review.state_id, review.session_id))
            self.result.created_reviews.append(self.review_labels[review.pk])

    def _remember_review(self, pk: int, key: tuple[int, int]) -> None:
        self.reviews[key] = pk
        state = self.states_by_id[key[0]]
        self.review_labels[pk] = _("%(state)s — session %(number)s") % {
            "state": state.name,
            "number": self.session_numbers[key[1]],
        }


def _unique_slug(base: str, taken, max_length: int = 220) -> str:
    base = base[:max_length] or "item"
    slug, number = base, 2
    while slug in taken:
        suffix = f"-{number}"
        slug, number = base[: max_length - len(suffix)] + suffix, number + 1
    return slug
