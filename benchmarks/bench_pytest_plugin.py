"""pytest start-up with promptkit installed: the ``promptkit_sim`` plugin on, against it off.

Run: ``python benchmarks/bench_pytest_plugin.py``. Both measures run the same one-test file in
the same interpreter and environment (a temp folder outside the repository, so no conftest or
pyproject of ours is read), alternating ``pytest`` and ``pytest -p no:promptkit_sim`` so load
on the machine hits both alike; no fixture of the plugin is used. Target: the plugin costs at
most 0.2 s of start-up (it imports nothing heavy until a fixture is used).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 15
TARGET_S = 0.2


def _once(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stdout}{done.stderr}")
    return elapsed


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "test_one.py").write_text("def test_one():\n    assert 1 + 1 == 2\n")
        base = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_one.py"]
        plugin = subprocess.run(
            [*base, "--trace-config"], cwd=folder, capture_output=True, text=True, check=False
        )
        if "promptkit.sim.pytest_plugin" not in plugin.stdout:
            raise SystemExit("the promptkit_sim plugin is not installed in this environment")
        on: list[float] = []
        off: list[float] = []
        for _ in range(RUNS):
            on.append(_once(base, folder))
            off.append(_once([*base, "-p", "no:promptkit_sim"], folder))
    with_plugin, without = statistics.median(on), statistics.median(off)
    cost = with_plugin - without
    print(f"pytest, plugin disabled (-p no:promptkit_sim)  median {without * 1000:7.1f} ms")
    print(
        f"pytest, plugin enabled, no fixture used      median {with_plugin * 1000:7.1f} ms "
        f"(x{with_plugin / without:.2f} of baseline, {cost * 1000:+.1f} ms; "
        f"target <= +{TARGET_S * 1000:.0f} ms: {'met' if cost <= TARGET_S else 'NOT met'})"
    )


if __name__ == "__main__":
    main()
