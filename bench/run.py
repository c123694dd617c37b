"""Benchmarks with their targets: `python bench/run.py [NAME...]`, one JSON object per line.

Not part of the test run. Each benchmark uses the real server on loopback (a
`headoffice serve` process) and real SQLite files in a temporary folder.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import (
    arrangements_bench,
    evidence_bench,
    load_bench,
    messages_bench,
    policy_bench,
    supervisor_bench,
    sync_bench,
    tui_bench,
)

BENCHMARKS = {
    **sync_bench.BENCHMARKS,
    **tui_bench.BENCHMARKS,
    **load_bench.BENCHMARKS,
    **supervisor_bench.BENCHMARKS,
    **policy_bench.BENCHMARKS,
    **arrangements_bench.BENCHMARKS,
    **evidence_bench.BENCHMARKS,
    **messages_bench.BENCHMARKS,
}


def main(names: list[str]) -> int:
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
        return 2
    for name in names or list(BENCHMARKS):
        for figure in BENCHMARKS[name]():
            print(json.dumps(figure), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
