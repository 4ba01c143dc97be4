"""bench/queue_page.py still runs, end to end, against the addon as it is:
it writes the tables with bulk SQL, so a new required or stored column would
break it unnoticed. One round of ``--small`` (about 45 s: its own database,
the install of the addon and helpdesk_mgmt, 10k tickets). Timings are the
benchmark's business, never asserted here; what is deterministic is: the
output, every archetype measured at every point, and a query count that
does not grow with the depth of the role tree or the number of groups.
"""

import importlib.util
import json
import re

from tools.odoo_server import REPO_ROOT

from .common import run_bench_script

SUMMARY = re.compile(
    r"^queue_page ratio_vs_superuser=\d+\.\d\d ratio_vs_helpdesk_mgmt=\d+\.\d\d "
    r"queries_depth2=(\d+) queries_depth8=(\d+)$"
)


def load_bench():
    spec = importlib.util.spec_from_file_location(
        "stq_queue_page", REPO_ROOT / "bench" / "queue_page.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_small_benchmark_runs_and_its_query_count_is_flat(tmp_path):
    out = tmp_path / "results.json"
    summary, _result = run_bench_script(
        "queue_page.py",
        "stq_bench_test",
        out,
        "--small",
        "--runs=1",
        summary=SUMMARY,
        timeout=600,
    )
    results = json.loads(out.read_text())
    points = results["points"]
    assert [p["label"] for p in points] == [
        "tickets 2000",
        "tickets 5000",
        "tickets 10000",
        "tickets 10000, vacuumed",
        "groups 5",
        "depth 2",
    ]
    archetypes = set(load_bench().ARCHETYPES)
    for point in points:
        assert set(point["archetypes"]) == archetypes, point["label"]
        [superuser_round] = point["superuser"]["rounds_ms"]
        for name, page in point["archetypes"].items():
            # every archetype reaches tickets and helpdesk_mgmt's user too
            assert page["length"] > 0, (point["label"], name)
            assert page["helpdesk_mgmt"]["length"] > 0, (point["label"], name)
            # one round: its ratio is the round's
            [page_round] = page["rounds_ms"]
            assert page["ratio_in_rounds"] == round(page_round / superuser_round, 3)
    queries = {
        (point["label"], name): page["queries"]
        for point in points
        for name, page in point["archetypes"].items()
    }
    # The same count at every size, group count and depth, for every user
    # whose page is full (a shorter page needs no count query); the
    # supervisor's rules have nothing to resolve, and their page costs no
    # more (the same, now that a transaction reads the access stamp once).
    full_pages = {
        page["queries"]
        for point in points
        for name, page in point["archetypes"].items()
        if page["length"] >= 80 and name != "supervisor"
    }
    assert len(full_pages) == 1, queries
    supervisor = {point["archetypes"]["supervisor"]["queries"] for point in points}
    assert len(supervisor) == 1 and max(supervisor) <= min(full_pages), queries
    assert max(queries.values()) <= 12, queries
    depth2, depth8 = map(int, summary.groups())
    assert depth2 == depth8 == max(queries.values())
    # the plans of the technician's search and count, as PostgreSQL ran them
    plans = points[-1]["explain"]["technician"]
    assert "LIMIT 80" in plans["search"]["sql"], plans
    assert plans["count"]["sql"].startswith("SELECT COUNT(*) FROM (SELECT  FROM"), plans
    assert "LIMIT 10001" in plans["count"]["sql"], plans
    for name in ("search", "count"):
        assert '"support_ticket"."group_id"' in plans[name]["sql"], plans
        assert any("actual time" in line for line in plans[name]["plan"]), plans


def test_the_ratio_in_rounds_pairs_each_round():
    load_bench()
    from queue_measure import ratio_in_rounds

    # a slow second round (30 against 10) moves the page's median (12
    # against 10: 1.2x) but not the ratio within each round (2x, 3x, 1x)
    page = {"rounds_ms": [10.0, 30.0, 12.0]}
    superuser = {"rounds_ms": [5.0, 10.0, 12.0]}
    assert ratio_in_rounds(page, superuser) == 2.0
    assert ratio_in_rounds(superuser, superuser) == 1.0
