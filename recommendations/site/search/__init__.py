"""The public search page (/recommendations/), built on the API's FilterSet and facet counts.

- `page`: one query string in, everything the page shows out (`run`).
- `facets`: the API's facet counts labelled and ordered for reading.
- `text`: highlighted texts and theme / affected-group suggestions for search words.
- `params`: parameter labels and the `theme=` value of a theme.
"""

from recommendations.search.params import PARAM_LABELS, theme_value, theme_value_of
from recommendations.site.search.page import MAX_PAGES, PAGE_SIZE, SearchPage, run

__all__ = ["MAX_PAGES", "PAGE_SIZE", "PARAM_LABELS", "SearchPage", "run", "theme_value", "theme_value_of"]
