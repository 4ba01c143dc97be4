"""The queue benchmark's report: each point as a table, the machine, and
the summary whose last line ``tests/test_bench_script.py`` reads::

    queue_page ratio_vs_superuser=X ratio_vs_helpdesk_mgmt=Y \\
        queries_depth2=A queries_depth8=B
"""

import os
import platform
import subprocess
import sys


def print_point(p):
    print(
        f"\n== {p['label']}: {p['tickets']} tickets, {p['groups']} groups, "
        f"role depth {p['depth']} (superuser {p['superuser']['median_ms']} ms, "
        f"{p['superuser']['queries']} q; helpdesk_mgmt superuser "
        f"{p['helpdesk_superuser']['median_ms']} ms)"
    )
    print(
        f"{'archetype':<15}{'rows':>7}{'ms':>9}{'x su':>7}{'paired':>8}"
        f"{'queries':>9}{'hd rows':>9}{'hd ms':>9}{'hd q':>6}"
    )
    for name, r in p["archetypes"].items():
        h = r["helpdesk_mgmt"]
        print(
            f"{name:<15}{r['length']:>7}{r['median_ms']:>9.1f}"
            f"{r['ratio_vs_superuser']:>7.2f}{r['ratio_in_rounds']:>8.2f}"
            f"{r['queries']:>9}"
            f"{h['length']:>9}{h['median_ms']:>9.1f}{h['queries']:>6}"
        )
    for name, r in p["dashboard"].items():
        print(
            f"dashboard (group cards) as {name}: {r['length']} cards, "
            f"{r['median_ms']:.1f} ms, {r['queries']} queries"
        )
    print_cache(p["cache"])
    sys.stdout.flush()


def print_cache(cache):
    print(
        f"resolved rules' cache (paths past {cache['bound_ids']} ids stay "
        "sub-queries): bytes, longest id list, sub-queries"
    )
    entries = dict(cache["entries"])
    if "top_manager_unbounded" in cache:
        entries["top_manager unbounded"] = cache["top_manager_unbounded"]
    for name, entry in entries.items():
        print(
            f"  {name:<24}{entry['bytes']:>10}{entry['longest_ids']:>8}"
            f"{entry['subqueries']:>4}"
        )
    for bound, page in cache.get("top_manager_page", {}).items():
        print(
            f"top manager's page, {bound}: {page['top_manager']['median_ms']:.1f} ms "
            f"({page['top_manager']['queries']} q, {page['top_manager']['length']} "
            f"rows), superuser {page['superuser']['median_ms']:.1f} ms"
        )


def machine():
    cpu = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kb = int(f.readline().split()[1])

    def show(setting):
        return subprocess.run(
            ["psql", "-d", "postgres", "-Atc", f"SHOW {setting}"],
            capture_output=True,
            text=True,
        ).stdout.strip()

    return {
        "nproc": os.cpu_count(),
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "cpu": cpu,
        "postgresql": show("server_version"),
        "shared_buffers": show("shared_buffers"),
        "random_page_cost": show("random_page_cost"),
        "python": platform.python_version(),
    }


def summarize(results, n_sizes, elapsed_s):
    """The summary of a run whose points are: each size, the largest table
    vacuumed, fewer groups, the flat role tree. X and Y are the worse of the
    largest table as generated and vacuumed."""
    points = results["points"]
    largest = points[n_sizes - 1 : n_sizes + 1]

    def ratios(point):
        page = point["archetypes"][point["worst"]]
        return (
            page["median_ms"] / point["superuser"]["median_ms"],
            page["median_ms"] / page["helpdesk_mgmt"]["median_ms"],
        )

    results["summary"] = {
        "worst_archetype": points[n_sizes - 1]["worst"],
        "ratio_vs_superuser": round(max(ratios(p)[0] for p in largest), 3),
        "ratio_vs_helpdesk_mgmt": round(max(ratios(p)[1] for p in largest), 3),
        "queries_depth2": max(a["queries"] for a in points[-1]["archetypes"].values()),
        "queries_depth8": max(a["queries"] for a in points[-2]["archetypes"].values()),
        "queries_max_any_point": max(
            a["queries"] for p in points for a in p["archetypes"].values()
        ),
        "elapsed_s": elapsed_s,
    }
    return results["summary"]


def summary_line(summary):
    """The last line of the run."""
    return (
        f"queue_page ratio_vs_superuser={summary['ratio_vs_superuser']:.2f} "
        f"ratio_vs_helpdesk_mgmt={summary['ratio_vs_helpdesk_mgmt']:.2f} "
        f"queries_depth2={summary['queries_depth2']} "
        f"queries_depth8={summary['queries_depth8']}"
    )
