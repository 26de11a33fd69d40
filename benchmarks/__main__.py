"""``python -m benchmarks``: run every benchmark and print one table of ratios (see run_all)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run_all import main  # noqa: E402

raise SystemExit(main())
