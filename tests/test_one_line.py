"""The bad-input catalogue once more, each case in a Python of its own that shows every warning.

In-process, the catalogue's tests see only what ``cli.main`` prints; a user runs ``python cli.py``,
where a dependency's warning (torch, PIL, h5py, NumPy) would add lines of its own before the one
``error:`` line. Here a representative share of every table of the catalogue
(``tests/test_bad_inputs*.py``: command-line and ownership cases, bad data, damaged runs) runs as
``python -W default cli.py ...``, and stderr must be exactly one line, starting ``error: ``.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import test_bad_inputs as B
import test_bad_inputs_data as D
import test_bad_inputs_runs as R
from test_bad_inputs import world  # noqa: F401  (a fixture)
from test_bad_inputs_runs import base_run  # noqa: F401  (a fixture)

ROOT = Path(__file__).resolve().parents[1]
SHARE = 8         # cases from each table, spread over it (each costs a Python and its imports)


def spread(cases: list, k: int = SHARE) -> list:
    """k cases spread evenly over the table (its first and its last included), so each class has some."""
    if len(cases) <= k:
        return list(cases)
    return [cases[round(i * (len(cases) - 1) / (k - 1))] for i in range(k)]


def one_python(argv, cwd) -> tuple:
    p = subprocess.run([sys.executable, "-W", "default", str(ROOT / "cli.py"), *map(str, argv)], cwd=cwd,
                       capture_output=True, text=True, timeout=300)
    return argv, p.returncode, p.stderr


def check_all(runs: list) -> None:
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda a: one_python(*a), runs))
    bad = [(argv, code, err) for argv, code, err in results
           if code != 2 or len(err.splitlines()) != 1 or not err.startswith("error: ")]
    assert not bad, "\n".join(f"{' '.join(map(str, a))}\n  exit {c}, stderr: {e!r}" for a, c, e in bad)


def test_command_line_and_ownership_cases_are_one_line(world, tmp_path):
    check_all([(build(world), tmp_path) for _, build, _ in spread(B.CASES)])


def test_bad_data_cases_are_one_line(tmp_path):
    runs = []
    for k, name in enumerate(spread(list(D.CASES))):
        make, _ = D.CASES[name]
        case = tmp_path / f"c{k}"
        (case / "data").mkdir(parents=True)
        spec, extra = make(case / "data")
        runs.append((["train", "--data", spec, *extra, "--steps", "1", "--out", case / "run", "--no-progress"], case))
    check_all(runs)


def test_damaged_run_cases_are_one_line(base_run, tmp_path):
    runs = []
    for k, (name, damage, _) in enumerate(spread(R.CASES)):
        case = tmp_path / f"c{k}"
        shutil.copytree(base_run, case / "run", symlinks=True)
        damage(case / "run")
        runs.append((R.command(R.COMMANDS[k % len(R.COMMANDS)], case / "run", case), case))
    check_all(runs)
