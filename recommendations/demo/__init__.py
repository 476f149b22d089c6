"""The demo data `make run` loads: Kazakhstan's 2010 and 2014 reviews, tracked by one NGO.

Which State made which recommendation, Kazakhstan's response, UPR Info's action category
and issues come from UPR Info's database (sessions 7 and 20). Every text here is a short
summary in this project's own words, never the adopted wording: recommendation texts end
with SUMMARY_MARK, citation excerpts start with "Summary:", and assessment narratives end
with DEMO_NOTE. The assessments and the civil society proposals in the session 7 review's
notes follow ISHR's 2014 UPR briefing paper on human rights defenders in Kazakhstan.

Demo recommendations carry an import key starting with "demo-"; the DemoData row records the organisation
and login the demo created. remove_demo() removes all of it once real data is in (remove.py), and
reason_not_to_load() then keeps `load_demo` from loading it again.

load_demo() only fills in what is missing, keyed on natural keys, and never overwrites a
row that exists: editors trying the admin keep their edits (and the demo editor keeps a
changed password) across restarts, and a second run writes nothing.
"""

from recommendations.demo.data import (
    DEMO_NOTE,
    EDITOR_PASSWORD,
    EDITOR_USERNAME,
    ORGANISATION,
    SUMMARY_MARK,
    import_key,
)
from recommendations.demo.load import DemoResult, load_demo
from recommendations.demo.remove import demo_recommendations, reason_not_to_load, remove_demo
from recommendations.demo.reviews import REVIEWS

__all__ = [
    "DEMO_NOTE",
    "EDITOR_PASSWORD",
    "EDITOR_USERNAME",
    "ORGANISATION",
    "REVIEWS",
    "SUMMARY_MARK",
    "DemoResult",
    "demo_recommendations",
    "import_key",
    "load_demo",
    "reason_not_to_load",
    "remove_demo",
]
