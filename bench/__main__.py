"""`make bench`: run the benchmarks on the local broker and databases; write bench/results.md."""

from __future__ import annotations

import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

from association.settings import DEFAULT_AMQP_URL
from bench import consumer, http, relay, store

RESULTS = Path(__file__).with_name("results.md")


def main() -> None:
    amqp_url = os.environ.get("AMQP_URL") or DEFAULT_AMQP_URL
    postgres_url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("BENCH_DATABASE_URL")
    rows = []
    for benchmark in (relay, consumer, store, http):
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
    failed = False
    for row in rows:
        met = row["ratio"] >= row["target"]
        failed |= not met
        lines.append(
            f"| {row['benchmark']} | {row['ours']} | {row['reference']} | {row['ratio']:.2f} "
            f"| ≥ {row['target']} {'✓' if met else '✗'} | {row['note']} |"
        )
    RESULTS.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
