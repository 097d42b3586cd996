"""The smoke study's numbers are those of the study code before it became the ``tinyscore/study`` package.

``tests/data/smoke_numbers_e48e457.json`` holds every number the smoke study computes -- each cell's
divergence per sigma (one-step and path), quality, attractors, score error by density bin, and the
final losses and convergence record of both models -- as written by the study code of commit e48e457
(``tinyscore/reproduce.py``, before the restructuring). The test runs the smoke study with the code
of today and compares number by number, with a relative tolerance of 1e-4 for round-off: a moved
seed, a changed option or a reordered step changes numbers far beyond that.

To regenerate the file (only when a change of the numbers is intended, and say so in the commit)::

    python cli.py reproduce --scale smoke --out STUDY --data-root DATA_ROOT
    python tests/test_study_unchanged.py STUDY > tests/data/smoke_numbers_COMMIT.json
"""
import json
import math
import sys
from pathlib import Path

REFERENCE = Path(__file__).parent / "data" / "smoke_numbers_e48e457.json"
#: the results' fields that measure time or name machine paths, not the study's numbers
NOT_NUMBERS = {"seconds", "steps_per_second", "run"}
RTOL, ATOL = 1e-4, 1e-9


def _flatten(value, path: str, into: dict) -> None:
    """Every number below ``value`` as {"a.b[2].c": number}; strings, None and timings are left out."""
    if isinstance(value, dict):
        for k, v in value.items():
            if k not in NOT_NUMBERS:
                _flatten(v, f"{path}.{k}", into)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _flatten(v, f"{path}[{i}]", into)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        into[path] = value


def study_numbers(folder) -> dict:
    """{step id: {field: number}} from the step manifests of a finished study (``FOLDER/.steps/*.json``).

    Reads only what every version of the study code writes: each manifest's "id" and "result"."""
    numbers = {}
    for manifest in sorted((Path(folder) / ".steps").glob("*.json")):
        rec = json.loads(manifest.read_text())
        if not isinstance(rec, dict) or "id" not in rec or "result" not in rec:
            continue                                   # the report's stamp, not a step
        flat = {}
        _flatten(rec["result"], "", flat)
        numbers[rec["id"]] = {k.lstrip("."): v for k, v in flat.items()}
    return numbers


#: the steps added since the reference (the controls of issue 22: the seed-floor model A' and the controls): a
#: step named so is new, not a renamed one, and has no numbers to compare; every step before keeps its own
NEW_STEPS = ("/train_a2", "/traj_a2", "/controls")


def differences(got: dict, want: dict) -> list:
    """The numbers of ``want`` that ``got`` lacks or differs on beyond the tolerance (one line each); a step
    of ``got`` that ``want`` lacks is one too, unless it is one of :data:`NEW_STEPS`."""
    out = []
    for step, fields in want.items():
        if step not in got:
            out.append(f"{step}: missing")
            continue
        for k, v in fields.items():
            g = got[step].get(k)
            if g is None or not math.isclose(g, v, rel_tol=RTOL, abs_tol=ATOL):
                out.append(f"{step} {k}: {g} != {v} (before)")
    out += [f"{step}: not in the reference" for step in got if step not in want and not step.endswith(NEW_STEPS)]
    return out


def test_smoke_study_numbers_are_unchanged(tmp_path, monkeypatch):
    from tinyscore.study import grid, run
    want = json.loads(REFERENCE.read_text())
    # the numbers are the steps'; the report (as long again, its figures) is tests/test_reproduce.py's
    monkeypatch.setattr(run, "write_study_report", lambda spec, grid, cells, notes, dev, tally, echo: tally.result())
    res = run.reproduce(tmp_path / "smoke", scale="smoke", progress=False, echo=lambda *a: None)
    got = study_numbers(tmp_path / "smoke")
    assert res["ran"] == len(got)
    if not any(step.startswith("celeba/") for step in got):     # no CelebA images here: compare the mixtures
        assert grid.IMAGE_DATASETS == ("celeba",)
        want = {k: v for k, v in want.items() if not k.startswith("celeba/")}
    assert len(want) >= 32 and sum(len(v) for v in want.values()) > 1000
    diff = differences(got, want)
    assert not diff, f"{len(diff)} numbers changed, the first: " + "; ".join(diff[:5])


def test_the_comparison_sees_a_changed_number():
    """The oracle can fail: one number moved by 1e-3 relative, a lost step and a new one are each caught."""
    want = json.loads(REFERENCE.read_text())
    step = next(k for k in want if k.endswith("/diverge"))
    field = next(k for k in want[step] if k.endswith("l2_mean"))
    got = {k: dict(v) for k, v in want.items()}
    assert differences(got, want) == []
    got[step][field] *= 1 + 1e-3
    assert differences(got, want) == [f"{step} {field}: {got[step][field]} != {want[step][field]} (before)"]
    got[step][field] = want[step][field] * (1 + 1e-6)                   # round-off passes
    del got[next(iter(want))]
    got["x/n1/ssm/diverge"] = {}
    assert len(differences(got, want)) == 2
    got["x/n1/ssm/controls"] = {"a": 1.0}                            # a new step of the controls is not a difference
    assert len(differences(got, want)) == 2


if __name__ == "__main__":
    if len(sys.argv) != 2 or not (Path(sys.argv[1]) / ".steps").is_dir():
        sys.exit("usage: python tests/test_study_unchanged.py STUDY_FOLDER  (a finished reproduce --out folder)")
    json.dump(study_numbers(sys.argv[1]), sys.stdout, indent=1, sort_keys=True)
    print()
