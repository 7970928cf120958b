"""`examples/python/crm.py`, the package's tour, runs and passes its checks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

TOUR = Path(__file__).resolve().parents[2] / "examples" / "python" / "crm.py"


def test_the_tour_passes_its_checks_with_the_installed_package():
    out = subprocess.run([sys.executable, str(TOUR)], capture_output=True, text=True, check=True).stdout
    for line in [
        "customer C-1: 机会型客户",
        "opportunity graded A, score 6.7",
        "batch: 2 graded, 1 failed, 1 invalid",
        "forced into bidding: win probability 0.40 -> 0.30",
        "key-account deal stored and loaded back",
        "portfolio loaded, reported and left as it was",
        "all checks passed",
    ]:
        assert line in out.splitlines(), out
