"""The editors of `make load` (bench/load.py): writes through the project's services while readers browse.

    .venv/bin/python bench/writers.py publish --every 5 --seconds 60 --out var/load/publish.json
    .venv/bin/python bench/writers.py import --every 120 --rows 250 --seconds 60 --out var/load/import.json
    .venv/bin/python bench/writers.py publish --once --every 0 --seconds 60 --out var/bench/publish.json

`publish`: an editor publishes an implementation assessment of a never-assessed recommendation through
recommendations.services.assessments.record_assessment, which copies its status onto the recommendation.
`import`: an editor imports a generated UPR Info file of `--rows` rows for one review (a State and a
session of the data) through recommendations.imports.import_recommendations, as the admin's import does.
The first write starts at once, the next `--every` seconds after the previous one started (at once if it
took longer), until `--seconds` have passed. Each write's start, duration and outcome go to `--out` as
JSON. Django's settings come from the environment (load.py passes the app's).
"""

from __future__ import annotations

import argparse
import csv
import datetime
import io
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "upr_tracker.settings")


def publish(rng: random.Random) -> str:
    from recommendations.models import ImplementationStatus, Organisation, Recommendation
    from recommendations.services.assessments import record_assessment

    organisation = Organisation.objects.order_by("id").first() or Organisation.objects.create(
        name="Benchmark editors", slug="benchmark-editors"
    )
    last = Recommendation.objects.order_by("-id").values_list("id", flat=True).first()
    after = Recommendation.objects.filter(id__gte=rng.randint(1, last)).order_by("id")
    recommendation = after.filter(current_status="").first() or after.first()
    status = rng.choice([s for s in ImplementationStatus.values if s != recommendation.current_status])
    record_assessment(
        recommendation=recommendation, status=status, organisation=organisation, assessed_on=datetime.date.today()
    )
    before = recommendation.current_status or "none"
    recommendation.refresh_from_db()
    return f"recommendation {recommendation.pk}: status {before} → {recommendation.current_status or 'none'}"


def upr_info_file(rng: random.Random, rows: int) -> bytes:
    """A UPR Info export (Mac Roman, CR line ends) of `rows` new recommendations to one State in one session."""
    from recommendations.imports import upr_info
    from recommendations.models import Session, Theme
    from states.models import State

    states = list(State.objects.order_by("iso3").values_list("name", flat=True))
    issues = list(Theme.objects.filter(scheme__slug="upr-info").order_by("name").values_list("name", flat=True))
    session = rng.choice(list(Session.objects.order_by("number").values_list("number", flat=True)))
    state, token = rng.choice(states), f"{time.time_ns():x}"
    verbs = ["Ratify", "Consider ratifying", "Ensure", "Strengthen", "Adopt measures on"]
    topics = ["the Convention against Torture", "domestic violence", "freedom of expression", "child labour"]
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r")
    writer.writerow(upr_info.COLUMNS)
    for number in range(rows):
        text = f"{rng.choice(verbs)} {rng.choice(topics)} (bench {token}, paragraph {number})"
        issue = ",".join(rng.sample(issues, rng.randint(1, 3)))
        response = rng.choice(["Accepted", "Noted"])
        writer.writerow([state, "", "", text, rng.choice(states), "", "", response, rng.randint(1, 5), issue, session])
    return out.getvalue().encode("mac_roman", errors="replace")


def import_review(rng: random.Random, rows: int) -> str:
    from recommendations.imports import import_recommendations

    result = import_recommendations(file=io.BytesIO(upr_info_file(rng, rows)), name="bench-review.csv")
    if not result.written or result.errors:
        raise RuntimeError(f"import not written: {[str(problem) for problem in result.errors[:3]]}")
    return f"{result.created} created, {result.updated} updated"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=["publish", "import"])
    parser.add_argument("--every", type=float, required=True)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--rows", type=int, default=250)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--once", action="store_true", help="one write, then stop (bench/cold.py)")
    args = parser.parse_args()
    import django

    django.setup()
    rng = random.Random(args.seed)
    write = (lambda: publish(rng)) if args.kind == "publish" else (lambda: import_review(rng, args.rows))
    log, deadline = [], time.time() + args.seconds
    while time.time() < deadline:
        started = time.time()
        try:
            outcome, ok = write(), True
        except Exception as error:  # a failed write is a figure of the run, not its end
            outcome, ok = f"{type(error).__name__}: {str(error)[:300]}", False
        log.append({"start": started, "seconds": time.time() - started, "ok": ok, "outcome": outcome})
        args.out.write_text(json.dumps(log))  # after each write: the run may be stopped at any moment
        if args.once:
            break
        time.sleep(max(0.0, min(started + args.every, deadline) - time.time()))


if __name__ == "__main__":
    main()
