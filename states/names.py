"""State names in other languages from CLDR, the Unicode Consortium's locale data, as Babel ships it.

CLDR names territories as people commonly write them ("Corée du Nord", "Bolivie"); the UN writes its
Member States' official short names ("République populaire démocratique de Corée", "Bolivie (État
plurinational de)"). Where the two differ in substance, states/data/state_names.csv holds the UN's name
(UNTERM, the UN terminology database), loaded into State.name_translations; CLDR names the rest, in
every language Babel knows, so a new site language needs no list of State names.
"""

import functools

from babel import Locale, UnknownLocaleError


@functools.cache
def _territories(language: str) -> dict[str, str]:
    try:
        return dict(Locale.parse(language, sep="-").territories)
    except (UnknownLocaleError, ValueError):
        return {}


def cldr_name(iso2: str, language: str) -> str | None:
    """CLDR's name of the territory `iso2` (ISO 3166 alpha-2) in `language` ("fr", "es", "zh-hans"), or None."""
    return _territories(language.lower()).get(iso2.upper()) or None
