"""Regenerate the six benchmark mixtures of the study (docs/design.md, section 3).

    python tinyscore/benchmarks/generate.py        # writes tinyscore/benchmarks/NAME.json

They are drawn once from ``tinyscore.storage.mixture_files.BENCHMARK_SEED`` (20250609) and checked in, so every
user analyses the same mixtures; rerunning this script reproduces the files exactly.
"""
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tinyscore.storage.files import write_text  # noqa: E402
from tinyscore.storage.mixture_files import BENCHMARKS, BENCHMARK_SEED, make_benchmark, mixture_from_dict  # noqa: E402

if __name__ == "__main__":
    for name in BENCHMARKS:
        d = make_benchmark(name, BENCHMARK_SEED)
        mixture_from_dict(d, name)                  # validate before writing
        path = Path(__file__).resolve().parent / f"{name}.json"
        write_text(path, json.dumps(d, indent=None) + "\n", force=True)    # atomic: a reader never sees half
        print(f"{path.name}: {len(d['weights'])} components, {len(d['means'][0])} dimensions")
