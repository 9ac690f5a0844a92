"""`make bench`: run the benchmarks on the local broker and databases; write bench/results.md.

`python -m bench latency growth` runs only those named and prints their rows (results.md keeps
the last full run).
"""

from __future__ import annotations

import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

from association.settings import DEFAULT_AMQP_URL
from bench import (
    access,
    applications,
    certificates,
    consumer,
    growth,
    http,
    imports,
    latency,
    logins,
    pages,
    records,
    relay,
    reminders,
    reports,
    store,
)

RESULTS = Path(__file__).with_name("results.md")


BENCHMARKS = {
    m.__name__.rpartition(".")[2]: m
    for m in (
        relay,
        consumer,
        store,
        http,
        latency,
        growth,
        imports,
        logins,
        access,
        records,
        certificates,
        applications,
        reminders,
        reports,
        pages,
    )
}


def main() -> None:
    """`python -m bench [name ...]`: all benchmarks (written to results.md), or those named."""
    amqp_url = os.environ.get("AMQP_URL") or DEFAULT_AMQP_URL
    postgres_url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("BENCH_DATABASE_URL")
    names = sys.argv[1:] or list(BENCHMARKS)
    unknown = sorted(set(names) - BENCHMARKS.keys())
    if unknown:
        sys.exit(f"no benchmark {', '.join(unknown)}; there are {', '.join(BENCHMARKS)}")
    rows = []
    for benchmark in (BENCHMARKS[name] for name in names):
        print(f"running {benchmark.__name__}", file=sys.stderr, flush=True)
        rows += benchmark.run(amqp_url, postgres_url)
    lines = [
        "# Benchmark results",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} "
        f"({os.cpu_count()} cores, Python {platform.python_version()}); `make bench` to reproduce.",
        "",
        "| benchmark | ours | reference (same run) | ratio | target | note |",
        "|---|---|---|---|---|---|",
    ]
    met_count = targets = 0
    for row in rows:
        met, target = _verdict(row)
        if met is not None:
            targets += 1
            met_count += met
            target += " ✓" if met else " ✗"
        ratio = "–" if row["ratio"] is None else f"{row['ratio']:.2f}"
        lines.append(
            f"| {row['benchmark']} | {row['ours']} | {row['reference']} | {ratio} "
            f"| {target} | {row['note']} |"
        )
    lines += ["", f"{met_count} of {targets} targets met."]
    if len(names) == len(BENCHMARKS):  # only a full run replaces the results
        RESULTS.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def _verdict(row: dict) -> tuple[bool | None, str]:
    """Whether a row met its target (None: it has none, it only reports), the target as printed.

    A numeric target is a floor for the ratio; a row whose target is text (a latency bound, a
    growth bound) says itself whether it was met.
    """
    if row["target"] is None:
        return None, "–"
    if isinstance(row["target"], str):
        return row["met"], row["target"]
    return row["ratio"] >= row["target"], f"≥ {row['target']}"


if __name__ == "__main__":
    main()
