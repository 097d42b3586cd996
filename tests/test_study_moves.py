"""A finished study stays finished wherever its folder is and however OUT is spelled.

One small study with an image cell (whose steps name the prepared faces, a file inside OUT) is run
once for the module; each test copies it. Moved, renamed, reached by a relative path or through a
symbolic link, it runs nothing and ``--report-only`` writes its report. A folder written by the
code before (whose manifests name the faces under OUT as typed) is done where it was written, and
is moved freely after that.
"""
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tinyscore.study import grid, run, steps

#: one CelebA cell, as small as it runs (about 3 s); 100 made-up faces, of which 10 are held out
MOVES = dict(datasets=("celeba",), ns=(10,), variants=("denoiser",), steps=10, batch_size=8, width=8, probes=8,
             path_substeps=1, eps=(0.05,), iters=2, starts=4, test_starts=4, score_points=40, bins=2,
             image=dict(resolution=16, prepare_limit=None))
CELL = "celeba/n10/denoiser"
#: the seven steps of the code before, and the controls (issue 22), which it did not have
N_STEPS = 8

#: the manifests' parameter digests as the code before (d165c6e) wrote them for this study run as
#: ``reproduce --out r`` (from the folder holding r); their models were named b5d525e804336f75
LEGACY_RUN = "b5d525e804336f75"
LEGACY_DIGESTS = {"train_a": "9f7750cc26c951a8", "train_b": "d603446df345aa2d", "traj_a": "107c75e238fa9194",
                  "traj_b": "107c75e238fa9194", "diverge": "858ac88a872683f1", "quality": "858ac88a872683f1",
                  "attractors": "7757617bf7c3ebc7"}


def write_faces(folder: Path, n: int) -> None:
    """``n`` CelebA-sized JPEGs (178 x 218) of smooth random colour."""
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for k in range(n):
        small = rng.integers(0, 256, (218 // 8, 178 // 8, 3), dtype=np.uint8)
        Image.fromarray(small).resize((178, 218)).save(folder / f"{k + 1:06d}.jpg")


def reproduce(out, **options) -> dict:
    return run.reproduce(out, scale="moves", progress=False, echo=lambda *a: None, **options)


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    """A finished study (its folder, never changed by the tests: they copy it)."""
    root = tmp_path_factory.mktemp("moves")
    write_faces(root / "faces" / "celeba" / "img_align_celeba", 100)
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(grid.SCALES, "moves", MOVES)
        res = reproduce(root / "made", data_root=root / "faces")
        assert res["ran"] == N_STEPS and (root / "made" / "REPORT.md").is_file()
        yield root / "made"


def copy(study: Path, to: Path) -> Path:
    shutil.copytree(study, to, symlinks=True)
    return to


def assert_done(out, why: str) -> None:
    """``out`` runs nothing, and --report-only writes its report."""
    res = reproduce(out)
    assert (res["ran"], res["skipped"]) == (0, N_STEPS), f"{why}: {res['ran']} steps ran again"
    (Path(out) / "REPORT.md").unlink()
    assert reproduce(out, report_only=True)["report"] and (Path(out) / "REPORT.md").is_file(), why


def test_a_moved_study_is_done(study, tmp_path):
    copy(study, tmp_path / "a").rename(tmp_path / "b")
    assert not (tmp_path / "a").exists()
    assert_done(tmp_path / "b", "moved")


def test_a_study_reached_by_another_path_is_done(study, tmp_path, monkeypatch):
    where = copy(study, tmp_path / "one" / "study")
    assert_done(where, "copied")
    monkeypatch.chdir(tmp_path / "one")
    assert_done("study", "relative")
    monkeypatch.chdir(tmp_path)
    assert_done(Path("one") / ".." / "one" / "study", "relative, another spelling")
    (tmp_path / "link").symlink_to(where, target_is_directory=True)
    assert_done(tmp_path / "link", "through a symbolic link")
    # the commands of the report are those of the path given; the faces are named relative to OUT
    manifest = json.loads((where / ".steps" / f"{CELL.replace('/', '__')}__train_a.json").read_text())
    assert manifest["params"]["data"] == f"celeba:{grid.image_target(Path(), MOVES['image']).as_posix()}"
    assert f"--data celeba:{tmp_path / 'link' / 'data' / 'celeba80.h5'}" in (where / "commands.sh").read_text()


def legacy_manifests(folder: Path) -> None:
    """Make the manifests of ``folder`` those the code before wrote for ``reproduce --out r``:
    the faces named under OUT as typed, the models by the digest of those options, no controls step, and an
    attractors step without the controls' rows."""
    (folder / ".steps" / f"{CELL.replace('/', '__')}__controls.json").unlink()
    for name, want in LEGACY_DIGESTS.items():
        m = folder / ".steps" / f"{CELL.replace('/', '__')}__{name}.json"
        rec = json.loads(m.read_text())
        params = dict(rec["params"])
        if name.startswith("train_"):
            params["data"] = "celeba:r/data/celeba80.h5"
        else:
            params["run"] = LEGACY_RUN
            params.pop("controls", None)        # the attractors step's result holds the controls' rows since
        assert grid.digest(params) == want, name            # the parameters of the code before, exactly
        m.write_text(json.dumps({**rec, "params": params, "params_digest": want}))


def test_a_study_of_the_code_before_is_done_where_it_was_written(study, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    legacy_manifests(copy(study, tmp_path / "r"))
    copy(tmp_path / "r", tmp_path / "q")
    # the manifests of r, found in q: written for another folder, so not done there
    g, _ = steps.build_grid(Path("q"), "q", "moves", ["celeba"], table={"moves": MOVES}, prepare=False)
    assert len(g.steps) == N_STEPS and not any(g.is_done(st) for st in g.steps)
    # in r, as it was spelled, they are done (only the new controls step runs, and the attractors step, whose
    # result now also holds the rows the controls read), and rewritten with the parameters of today ...
    res = reproduce("r")
    assert (res["ran"], res["skipped"]) == (2, N_STEPS - 2)
    assert_done("r", "a study of the code before")
    for name, old in LEGACY_DIGESTS.items():
        if name == "attractors":
            continue
        rec = json.loads((tmp_path / "r" / ".steps" / f"{CELL.replace('/', '__')}__{name}.json").read_text())
        assert rec["params_digest"] != old and rec["legacy_params_digest"] == old, name
    # ... so that from then on the folder moves like any other
    (tmp_path / "r").rename(tmp_path / "s")
    assert_done(tmp_path / "s", "a study of the code before, moved after one run where it was")
