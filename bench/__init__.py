"""Benchmarks: each figure next to a reference measured in the same run on the same machine."""

import sys
from pathlib import Path

# The benchmarks reuse the tests' support package (counters, threads, ports), as pytest sees it.
sys.path.append(str(Path(__file__).resolve().parents[1] / "shared" / "tests"))
