"""The web pages' pure ES modules under Node's own test runner (web/tests), no browser."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

WEB = Path(__file__).resolve().parents[2] / "web"


def test_the_pages_modules_pass_their_node_tests() -> None:
    node = shutil.which("node")
    assert node, (
        "node is missing: the web pages' modules are tested with Node.js (apt install nodejs)"
    )
    tests = sorted(str(p) for p in (WEB / "tests").glob("*.test.js"))
    assert tests
    finished = subprocess.run(
        [node, "--test", *tests], cwd=WEB, capture_output=True, text=True, timeout=120
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "# fail 0" in finished.stdout
