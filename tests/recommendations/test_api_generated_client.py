"""A client generated from the served OpenAPI document (openapi-python-client) works against a live server.

Strict mode (raise_on_unexpected_status=True): every answer the client gets must be one the document
describes, so a dropped export response or an undescribed 304 fails here. The client is generated once per
session from /api/v1/schema/?format=json.
"""

import csv
import importlib
import io
import json
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from openpyxl import load_workbook

from recommendations import services

pytest.importorskip("openapi_python_client", reason="openapi-python-client is not installed (requirements-dev.txt)")

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PACKAGE = "upr_generated_client"
# No formatting hooks: the generator would otherwise look for ruff on PATH.
CONFIG = f"package_name_override: {PACKAGE}\nproject_name_override: upr-generated-client\npost_hooks: []\n"


@pytest.fixture(scope="session")
def generated(live_server, django_db_setup, tmp_path_factory):
    """The generated package, imported: built from the live server's schema, as a partner would."""
    generator = shutil.which("openapi-python-client") or str(Path(sys.executable).parent / "openapi-python-client")
    directory = tmp_path_factory.mktemp("client")
    with urllib.request.urlopen(f"{live_server.url}/api/v1/schema/?format=json") as answer:
        (directory / "schema.json").write_bytes(answer.read())
    (directory / "config.yaml").write_text(CONFIG)
    run = subprocess.run(
        [generator, "generate", "--path", "schema.json", "--config", "config.yaml", "--output-path", "out"],
        cwd=directory,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    # A response the generator could not read is left out of the client with a warning: none may be.
    assert "Cannot parse response" not in run.stdout + run.stderr, run.stdout + run.stderr
    sys.path.insert(0, str(directory / "out"))
    yield importlib.import_module(PACKAGE)
    sys.path.remove(str(directory / "out"))


@pytest.fixture
def client(generated, live_server, settings):
    from django.core.cache import cache

    settings.API_ANON_RATE = settings.EXPORT_ANON_RATE = "100000/min"
    cache.clear()
    return generated.Client(base_url=live_server.url, raise_on_unexpected_status=True)


@pytest.fixture
def three(review_kaz_2010, make_recommendation, norway, france):
    made = [
        make_recommendation(
            review_kaz_2010, f"Protect defenders – “case {n}”", states=[norway, france], action_category=5
        )
        for n in range(3)
    ]
    services.record_position(recommendation=made[0], response="supported")
    return made


def endpoint(name: str):
    tag, _, _ = name.partition("_")
    module = {"recommendations": "recommendations", "states": "states"}[tag]
    return importlib.import_module(f"{PACKAGE}.api.{module}.{name}")


def test_generated_client_lists_and_follows_the_cursor_through_every_page(client, three):
    listing = endpoint("recommendations_list")
    ids, pages, following = [], 0, {}
    while True:
        page = listing.sync(client=client, page_size=2, ordering="id", **following)
        pages += 1
        ids += [row.id for row in page.results]
        if not page.next_:
            break
        (following["cursor"],) = parse_qs(urlsplit(page.next_).query)["cursor"]
    assert (ids, pages) == ([r.pk for r in three], 2)
    assert page.results[0].action_category == 5  # an integer, as the filter takes it


def test_generated_client_filters_by_action_category_with_the_same_integers(client, three, generated):
    listing = endpoint("recommendations_list")
    category = importlib.import_module(f"{PACKAGE}.models.recommendations_list_action_category_item")
    page = listing.sync(client=client, action_category=[category.RecommendationsListActionCategoryItem.VALUE_5])
    assert sorted(row.id for row in page.results) == [r.pk for r in three]
    assert (
        listing.sync(client=client, action_category=[category.RecommendationsListActionCategoryItem.VALUE_1]).results
        == []
    )


def test_generated_client_revalidates_with_if_none_match_and_gets_a_304(client, three):
    listing = endpoint("recommendations_list")
    first = listing.sync_detailed(client=client, page_size=2)
    etag = first.headers["ETag"]
    again = listing.sync_detailed(client=client, page_size=2, if_none_match=etag)
    assert (first.status_code, again.status_code, again.content) == (200, 304, b"")


def test_generated_client_exports_csv_jsonl_and_xlsx(client, three):
    text = endpoint("recommendations_export_csv_retrieve").sync(client=client, ordering="id")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [int(row["id"]) for row in rows] == [r.pk for r in three]
    assert rows[0]["text"] == "Protect defenders – “case 0”"

    jsonl = endpoint("recommendations_export_jsonl_retrieve").sync(client=client, ordering="id")
    lines = jsonl.payload.read().decode().splitlines()
    assert [json.loads(line)["id"] for line in lines] == [r.pk for r in three]

    xlsx = endpoint("recommendations_export_xlsx_retrieve").sync(client=client, ordering="id")
    sheet = load_workbook(xlsx.payload, read_only=True).worksheets[0]
    assert len(list(sheet.rows)) == 4  # the header and three rows


def test_generated_client_reads_a_state_without_regional_group(client, db):
    holy_see = endpoint("states_retrieve").sync(client=client, iso3="VAT")
    assert (holy_see.iso3, holy_see.regional_group) == ("VAT", None)
    assert endpoint("states_retrieve").sync(client=client, iso3="KAZ").regional_group.code == "ASIA_PACIFIC"
