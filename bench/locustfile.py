"""The mixed diplomat/partner workload that `make load` (bench/load.py) runs with locust; not for direct use.

Two kinds of client, about three diplomats for every two partner scripts:

- Diplomat (public pages, reading between clicks): search pages with filters and the facet sidebar,
  full-text search, State profiles, recommendation pages, theme pages, the home page, small CSV exports.
- Partner (API scripts, short pauses): filtered lists, lists with totals, the next page by cursor,
  full-text search, facet counts, single recommendations, small JSON Lines exports.

Every value comes from the data (bench/load.py writes them to LOAD_PARAMS), so no request is a 404.
Every request's time and outcome is written to LOAD_RESULTS when locust stops; a non-2xx answer
(429 included) is a failure. LOAD_THINK scales the pauses (0: none, every client back-to-back).
"""

import json
import os
import random
import urllib.parse
from pathlib import Path

from locust import FastHttpUser, between, events, task

PARAMS = json.loads(Path(os.environ["LOAD_PARAMS"]).read_text())
THINK = float(os.environ.get("LOAD_THINK") or 1)
RESULTS: list[tuple[str, float, str | None, float]] = []  # name, ms, error, start (epoch s)
TERMS = [
    "domestic violence",
    "torture",
    "death penalty",
    "freedom of expression",
    "human rights defenders",
    "ratify",
    "trafficking",
    "education",
    '"national human rights institution"',
    "children -women",
]


@events.request.add_listener
def record(name, response_time, exception, start_time, **kwargs) -> None:
    RESULTS.append((name, response_time, None if exception is None else str(exception)[:300], start_time))


@events.quitting.add_listener
def save(environment, **kwargs) -> None:
    Path(os.environ["LOAD_RESULTS"]).write_text(json.dumps(RESULTS))


def think(low: float, high: float):
    return between(low * THINK, high * THINK)


def pick(key: str) -> str:
    return random.choice(PARAMS[key])


def query(**params) -> str:
    return urllib.parse.urlencode(params, doseq=True)


class Diplomat(FastHttpUser):
    weight = 3
    wait_time = think(1, 3)

    @task(4)
    def search_state_theme(self):
        q = query(state_under_review=pick("states"), theme=pick("themes"))
        self.client.get(f"/recommendations/?{q}", name="page: search, State + theme")

    @task(2)
    def search_text(self):
        q = query(q=random.choice(TERMS), response=random.choice(["supported", "noted"]))
        self.client.get(f"/recommendations/?{q}", name="page: search, full text + response")

    @task(1)
    def search_landing(self):
        self.client.get("/recommendations/", name="page: search, no filter")

    @task(1)
    def search_region_cycle(self):
        q = query(regional_group=pick("regional_groups"), cycle=pick("cycles"), action_category=random.randint(1, 5))
        self.client.get(f"/recommendations/?{q}", name="page: search, region + cycle + action")

    @task(3)
    def state_profile(self):
        self.client.get(f"/states/{pick('states')}/", name="page: State profile")

    @task(4)
    def recommendation(self):
        self.client.get(f"/recommendations/{pick('ids')}/", name="page: recommendation")

    @task(1)
    def theme(self):
        scheme, slug = pick("themes").split(":")
        self.client.get(f"/themes/{scheme}/{slug}/", name="page: theme")

    @task(1)
    def home(self):
        self.client.get("/", name="page: home")

    @task(1)
    def export(self):
        q = query(state_under_review=pick("states"), theme=pick("themes"), cycle=pick("cycles"))
        self.client.get(f"/api/v1/recommendations/export.csv?{q}", name="export: CSV, State + theme + cycle")


class Partner(FastHttpUser):
    weight = 2
    wait_time = think(0.2, 1)

    @task(4)
    def list_filtered(self):
        q = query(state_under_review=pick("states"), response=random.choice(["supported", "noted"]), page_size=50)
        self.client.get(f"/api/v1/recommendations/?{q}", name="api: list, State + response")

    @task(2)
    def list_total(self):
        q = query(theme=pick("themes"), cycle=pick("cycles"), include_total="true", page_size=50)
        self.client.get(f"/api/v1/recommendations/?{q}", name="api: list, theme + cycle, total")

    @task(1)
    def next_page(self):
        q = query(recommending_state=pick("states"), page_size=100)
        first = self.client.get(f"/api/v1/recommendations/?{q}", name="api: list, recommending State")
        following = first.json().get("next") if first.status_code == 200 else None
        if following:
            path = urllib.parse.urlsplit(following)
            self.client.get(f"{path.path}?{path.query}", name="api: list, next page by cursor")

    @task(2)
    def fulltext(self):
        self.client.get(
            f"/api/v1/recommendations/?{query(q=random.choice(TERMS), page_size=20)}", name="api: full text"
        )

    @task(2)
    def facets(self):
        q = query(facet=["theme", "response", "status"], state_under_review=pick("states"))
        self.client.get(f"/api/v1/recommendations/facets/?{q}", name="api: facets, one State")

    @task(4)
    def one(self):
        self.client.get(f"/api/v1/recommendations/{pick('ids')}/", name="api: one recommendation")

    @task(1)
    def export(self):
        q = query(state_under_review=pick("states"), theme=pick("themes"), cycle=pick("cycles"))
        self.client.get(f"/api/v1/recommendations/export.jsonl?{q}", name="export: JSON Lines, State + theme + cycle")
