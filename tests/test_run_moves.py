"""A trained run finds its data file again after the folder holding both has moved.

A run records the dataset as typed (options.json 'data'). When that names a file, it also records the
file's path relative to the run directory ('data_relative') and its SHA-256 ('data_sha256'): once the
folder holding both is moved or renamed, the analyses load the file found beside the run, if it is
the very file trained on, and a half-trained run resumes. Another file there is refused in one line.
Runs recorded without these fields behave as before.
"""
import json
import shutil
from pathlib import Path

import h5py
import numpy as np
import pytest

import tinyscore.training.loop as training
from clihelp import assert_refused, run_cli
from test_study_moves import MOVES as STUDY_MOVES, write_faces
from tinyscore.data.datasets import load_dataset
from tinyscore.errors import TinyscoreError
from tinyscore.storage.files import file_sha256
from tinyscore.study import grid, run

#: a conv model as small as it trains: 60 images of 16x16, 20 of them trained on, a few steps
TRAIN = dict(variant="denoiser", n=20, batch_size=4, width=4, seed=1, progress=False, device="cpu")


def faces(path: Path, seed: int) -> None:
    """60 smooth random 16x16 grayscale images as a uint8 .npy."""
    g = np.random.default_rng(seed)
    img = np.kron(g.normal(size=(60, 4, 4)), np.ones((4, 4))) + 0.3 * g.normal(size=(60, 16, 16))
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, (255 * (img - img.min()) / (img.max() - img.min())).astype(np.uint8))


def spec(folder: Path) -> str:
    """The dataset as a study names it: a file inside the folder, by its path under the folder as given."""
    return f"images:{folder / 'data' / 'faces.npy'}"


def train(folder: Path, **options) -> dict:
    return training.train(load_dataset(spec(folder)), folder / "runs" / "r", data=spec(folder), **TRAIN, **options)


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """A folder holding a dataset file and a run trained on it, trained in ``trained`` and then renamed to
    ``study``: the path its options.json names is gone. Never changed: the tests copy it."""
    root = tmp_path_factory.mktemp("made")
    faces(root / "trained" / "data" / "faces.npy", 0)
    train(root / "trained", steps=4)
    return (root / "trained").rename(root / "study")


def moved(made: Path, tmp_path: Path) -> Path:
    """A copy of ``made`` (moved again: to ``tmp_path/a``, renamed to ``tmp_path/b``)."""
    shutil.copytree(made, tmp_path / "a", symlinks=True)
    return (tmp_path / "a").rename(tmp_path / "b")


def half_trained(folder: Path, monkeypatch) -> None:
    """Train in ``folder`` until its first saved state (step 2 of 6), then stop: an unfinished run."""
    real = training._save_state

    def save_then_stop(*a, **k):
        real(*a, **k)
        raise KeyboardInterrupt
    monkeypatch.setattr(training, "_save_state", save_then_stop)
    with pytest.raises(KeyboardInterrupt):
        train(folder, steps=6, save_every=2, force=True)
    monkeypatch.setattr(training, "_save_state", real)
    assert (folder / "runs" / ".r.tinyscore-partial" / "resume.pt").is_file()


def trajectories(run_dir: Path, out: Path, *extra) -> list:
    return ["trajectories", run_dir, "--out", out, "--probes", "4", "--path-substeps", "1", "--sigmas", "1,0.1",
            "--no-progress", "--device", "cpu", *extra]


def test_options_record_the_data_file_relative_to_the_run(made):
    opts = json.loads((made / "runs" / "r" / "options.json").read_text())
    assert opts["data"] == spec(made.with_name("trained")) and not made.with_name("trained").exists()
    assert opts["data_relative"] == "../../data/faces.npy"
    assert opts["data_sha256"] == file_sha256(made / "data" / "faces.npy")


def test_trajectories_of_a_moved_run_load_the_data_beside_it(made, tmp_path, capsys):
    b = moved(made, tmp_path)
    code, _, err = run_cli(trajectories(b / "runs" / "r", tmp_path / "t.h5"), capsys)
    assert code == 0, err
    with h5py.File(tmp_path / "t.h5", "r") as f:                # the file names the data where it is now
        assert f.attrs["data"] == spec(b)
    # --data may name it where it is now, or as recorded
    for data in (spec(b), spec(made.with_name("trained"))):
        code, _, err = run_cli(trajectories(b / "runs" / "r", tmp_path / "u.h5", "--data", data, "--force"), capsys)
        assert code == 0, err


def test_a_half_trained_run_resumes_after_a_move(made, tmp_path, monkeypatch):
    """Stopped at its first saved state, moved with its data, then run again where it is now: it resumes,
    ends with the model of an uninterrupted run, and its options.json names the data where it is now."""
    whole = tmp_path / "whole"
    shutil.copytree(made, whole)
    train(whole, steps=6, save_every=2, force=True)
    shutil.copytree(made, tmp_path / "a")
    half_trained(tmp_path / "a", monkeypatch)
    b = (tmp_path / "a").rename(tmp_path / "b")
    assert train(b, steps=6, save_every=2, force=True)["resumed_from"] == 2
    assert file_sha256(b / "runs" / "r" / "model.pt") == file_sha256(whole / "runs" / "r" / "model.pt")
    opts = json.loads((b / "runs" / "r" / "options.json").read_text())
    assert opts["data"] == spec(b) and opts["data_relative"] == "../../data/faces.npy"


def test_another_file_at_the_relative_place_is_refused(made, tmp_path, capsys, monkeypatch):
    b = moved(made, tmp_path)
    faces(b / "data" / "faces.npy", 1)                          # other images, under the same name
    line = assert_refused(trajectories(b / "runs" / "r", tmp_path / "t.h5"), capsys, watch=[tmp_path],
                          contains="data_sha256")
    assert str(b / "data" / "faces.npy") in line
    # nor does a half-trained run resume on it
    shutil.copytree(made, tmp_path / "c")
    half_trained(tmp_path / "c", monkeypatch)
    d = (tmp_path / "c").rename(tmp_path / "d")
    faces(d / "data" / "faces.npy", 1)
    with pytest.raises(TinyscoreError, match="other options.*data"):
        train(d, steps=6, save_every=2, force=True)


def test_a_run_recorded_without_the_fields_is_as_before(made, tmp_path, capsys):
    """A run written before data_relative (or on a mixture) names its data only as typed: moved, it no
    longer finds it, with the error of before."""
    b = moved(made, tmp_path)
    path = b / "runs" / "r" / "options.json"
    opts = json.loads(path.read_text())
    path.write_text(json.dumps({k: v for k, v in opts.items() if k not in ("data_relative", "data_sha256")}))
    assert_refused(trajectories(b / "runs" / "r", tmp_path / "t.h5"), capsys, watch=[tmp_path],
                   contains="field 'data'")


# ------------------------------------------------------------------------------ a study, moved half-way
#: the smallest image study (as tests/test_study_moves.py), saving its models' state every 4 steps
MOVES = dict(STUDY_MOVES, save_every=4)
CELL = "celeba__n10__denoiser"


def test_a_study_moved_with_an_unfinished_image_cell_completes(tmp_path, monkeypatch):
    """Stopped while its second model trains (the first one trained, no trajectories yet), then moved:
    run again where it is now, the second model resumes and the trajectories load the faces."""
    write_faces(tmp_path / "faces" / "celeba" / "img_align_celeba", 100)
    monkeypatch.setitem(grid.SCALES, "run-moves", MOVES)
    real = training._save_state

    def stop_model_b(tmp, *a, **k):
        real(tmp, *a, **k)
        if tmp.name == ".run_b.tinyscore-partial":
            raise KeyboardInterrupt
    monkeypatch.setattr(training, "_save_state", stop_model_b)
    study = dict(scale="run-moves", progress=False, echo=lambda *a: None)
    with pytest.raises(KeyboardInterrupt):
        run.reproduce(tmp_path / "a", data_root=tmp_path / "faces", **study)
    monkeypatch.setattr(training, "_save_state", real)
    (tmp_path / "a").rename(tmp_path / "b")
    res = run.reproduce(tmp_path / "b", **study)
    done = list((tmp_path / "b" / ".steps").glob(f"{CELL}__*.json"))         # one manifest per step of the cell
    assert res["skipped"] == 1 and res["ran"] == len(done) - 1 and (tmp_path / "b" / "REPORT.md").is_file()
    assert (tmp_path / "b" / ".steps" / f"{CELL}__train_a.json") in done     # the one trained before the move
    manifest = json.loads((tmp_path / "b" / ".steps" / f"{CELL}__train_b.json").read_text())
    assert manifest["result"]["resumed_from"] == 4


# ------------------------------------------------------------------------------ the halves, as split when trained
def test_the_halves_a_run_was_trained_on_are_checked(tmp_path, capsys, monkeypatch):
    """A run records the digest of its data's split into halves A, B and test ('split_sha256'). The
    identities beside an .npy change that split (by person, not by image) without changing the .npy,
    so data_sha256 cannot see them go: without them, the analyses refuse the run in one line and write
    nothing, and an unfinished run does not resume; put back, both go on."""
    folder, ids = tmp_path / "f", tmp_path / "f" / "data" / "faces_identities.npy"
    faces(folder / "data" / "faces.npy", 0)
    np.save(ids, np.arange(60) // 3)                                 # 20 people, 3 images each
    train(folder, steps=4)
    run_dir = folder / "runs" / "r"
    opts = json.loads((run_dir / "options.json").read_text())
    assert opts["split_sha256"] == load_dataset(spec(folder)).split_sha256()
    assert run_cli(trajectories(run_dir, tmp_path / "t.h5"), capsys)[0] == 0
    ids.rename(tmp_path / "aside.npy")
    assert load_dataset(spec(folder)).split_sha256() != opts["split_sha256"]    # split by image now
    assert_refused(trajectories(run_dir, tmp_path / "u.h5"), capsys, watch=[tmp_path], contains="split_sha256")
    (tmp_path / "aside.npy").rename(ids)
    assert run_cli(trajectories(run_dir, tmp_path / "u.h5"), capsys)[0] == 0
    # an unfinished run
    g = tmp_path / "g"
    shutil.copytree(folder / "data", g / "data")
    half_trained(g, monkeypatch)
    (g / "data" / "faces_identities.npy").unlink()
    with pytest.raises(TinyscoreError, match="other halves.*split_sha256"):
        train(g, steps=6, save_every=2, force=True)
    np.save(g / "data" / "faces_identities.npy", np.arange(60) // 3)
    assert train(g, steps=6, save_every=2, force=True)["resumed_from"] == 2
    # a mixture's split is its seed's: nothing to record
    training.train(load_dataset("uniform"), tmp_path / "m", variant="ncsn", steps=2, n=10, progress=False)
    assert "split_sha256" not in json.loads((tmp_path / "m" / "options.json").read_text())
