"""Regenerate the six benchmark mixtures of the study (docs/design.md, section 3).

    python tinyscore/benchmarks/generate.py        # writes tinyscore/benchmarks/NAME.json

They are drawn once from ``tinyscore.core.mixtures.BENCHMARK_SEED`` (20250609) and checked in, so every
user analyses the same mixtures; rerunning this script reproduces the files exactly.
"""
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tinyscore.core.mixtures import BENCHMARKS, BENCHMARK_SEED, GaussianMixture, make_benchmark  # noqa: E402

if __name__ == "__main__":
    for name in BENCHMARKS:
        d = make_benchmark(name, BENCHMARK_SEED)
        GaussianMixture.from_dict(d, name)          # validate before writing
        path = Path(__file__).resolve().parent / f"{name}.json"
        path.write_text(json.dumps(d, indent=None) + "\n")
        print(f"{path.name}: {len(d['weights'])} components, {len(d['means'][0])} dimensions")
