"""bench/desk_load.py still runs, end to end, against the addon as it is: one
run of ``--small`` (2-4 minutes: its own database, the install of the addon
and helpdesk_mgmt, 10k tickets, ``odoo-bin --workers=2``, 10 operators over
JSON-RPC). Timings are the benchmark's business, never asserted here; what
is deterministic is: the last line, no error, every operator's every ticket
worked in both products, and every call the web client makes measured.
"""

import json
import re

from .common import run_bench_script

SUMMARY = re.compile(
    r"^desk_load p95_ratio_vs_helpdesk_mgmt=\d+\.\d\d "
    r"throughput_ratio_vs_helpdesk_mgmt=\d+\.\d\d errors=(\d+)$"
)
ACTIONS = {"queue", "ticket", "take", "reply", "close", "dashboard"}
CHATTER = {
    "ticket: web_read",
    "ticket: /mail/thread/data",
    "ticket: /mail/thread/messages",
    "take: call_button",
    "take: web_read",
    "reply: /mail/message/post",
}
CALLS = {
    # the queue's search panel counts its groups and states
    "support_team_queue": CHATTER
    | {
        "queue: web_search_read",
        "queue: search_panel_select_range",
        "queue: search_panel_select_multi_range",
        "close: call_button",
        "close: web_read",
        "dashboard: web_search_read",
    },
    # no search panel; "Done" on the status bar; the dashboard's own call
    "helpdesk_mgmt": CHATTER
    | {
        "queue: web_search_read",
        "close: web_save",
        "dashboard: web_search_read",
        "dashboard: retrieve_dashboard",
    },
}


def test_the_small_desk_load_runs_without_error(tmp_path):
    out = tmp_path / "desk_load.json"
    summary, result = run_bench_script(
        "desk_load.py",
        "stq_desk_test",
        out,
        "--small",
        summary=SUMMARY,
        timeout=900,
    )
    assert summary[1] == "0", result.stdout[-3000:]
    (run,) = json.loads(out.read_text())["runs"]
    assert run["operators"] == 10
    assert run["errors"] == []
    # the kernel's counts of refused handshakes, which explain lost calls
    assert run["listen_overflows"] >= 0 and run["syncookies_failed"] >= 0
    for product, calls in CALLS.items():
        figures = run["products"][product]
        # every operator worked a ticket of their own in each of two rounds
        assert figures["tickets"] == 20, (product, figures)
        assert set(figures["kinds"]) == ACTIONS | calls, (product, figures["kinds"])
        for kind, measured in figures["kinds"].items():
            assert measured["n"] == 20, (product, kind, measured)
            assert 0 < measured["p50_ms"] <= measured["p95_ms"], (product, kind)
        assert figures["calls"] == 20 * len(calls), (product, figures)
