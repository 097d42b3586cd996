"""The catalogue of bad input: every refusal is one line, exit 2, no traceback, nothing touched.

This file holds the command-line and ownership cases (existing outputs, missing folders, figure
formats, option values, locks, unfinished runs, file-system errors). The catalogue continues in
``test_bad_inputs_data.py`` (images, arrays, mixtures, declared sizes), ``test_bad_inputs_runs.py``
(edited or corrupt run directories and checkpoints) and ``test_h5_trust.py`` (crafted HDF5).
Each case goes through :func:`clihelp.assert_refused`, which checks the whole contract.
"""
import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

import cli
from clihelp import assert_refused, run_cli
from tinyscore.storage import files

ROOT = Path(__file__).resolve().parents[1]
TRAIN = ["train", "--variant", "ncsn", "--steps", "3", "--n", "20", "--no-progress"]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A tiny trained run, its trajectory file, and one output of every kind that can be in the way."""
    d = tmp_path_factory.mktemp("world")
    assert cli.main([*TRAIN, "--out", str(d / "run")]) == 0
    assert cli.main(["trajectories", str(d / "run"), "--out", str(d / "a.h5"), "--probes", "8",
                     "--no-progress"]) == 0
    assert cli.main(["trajectories", "analytic", "--out", str(d / "b.h5"), "--probes", "8", "--no-progress"]) == 0
    for name in ("taken.json", "taken.png", "taken.h5"):
        (d / name).write_text("the user's own file\n")
    (d / "folder.h5").mkdir()
    (d / "folder.h5" / "inside.txt").write_text("keep\n")
    return d


def planted(d, name, how, target):
    """A name planted in d by someone else (a link to the user's ``target``, a FIFO); returns d / name."""
    at = d / name
    if not os.path.lexists(at):
        {"symlink": lambda: at.symlink_to(d / target), "hardlink": lambda: os.link(d / target, at),
         "fifo": lambda: os.mkfifo(at), "file": lambda: at.write_text("the user's own file\n")}[how]()
    return at


def W(d, *names):
    return [str(d / n) if not str(n).startswith("-") else n for n in names]


# (id, argv builder, expected fragment of the error line)
CASES = [
    # ---- an output that exists is replaced only with --force
    ("train-out-exists", lambda d: [*TRAIN, "--out", d / "run"], "exists already"),
    ("train-out-is-file", lambda d: [*TRAIN, "--out", d / "taken.json"], "is a file"),
    ("traj-out-exists", lambda d: ["trajectories", "analytic", "--out", d / "taken.h5", "--probes", "4"],
     "exists already"),
    ("traj-out-is-folder", lambda d: ["trajectories", "analytic", "--out", d / "folder.h5", "--probes", "4"],
     "is a directory"),
    ("traj-out-missing-folder", lambda d: ["trajectories", "analytic", "--out", d / "nope" / "t.h5"],
     "does not exist"),
    ("diverge-json-exists", lambda d: ["diverge", d / "a.h5", d / "a.h5", "--json", d / "taken.json"],
     "exists already"),
    ("diverge-plot-exists", lambda d: ["diverge", d / "a.h5", d / "a.h5", "--plot", d / "taken.png"],
     "exists already"),
    ("diverge-plot-format", lambda d: ["diverge", d / "a.h5", d / "a.h5", "--plot", d / "p.xyz"], "format"),
    ("diverge-plot-no-suffix", lambda d: ["diverge", d / "a.h5", d / "a.h5", "--plot", d / "plot"], "format"),
    ("diverge-json-missing-folder", lambda d: ["diverge", d / "a.h5", d / "a.h5", "--json", d / "no" / "x.json"],
     "does not exist"),
    ("attractors-out-exists", lambda d: ["attractors", d / "run", "--out", d / "taken.h5"], "exists already"),
    ("attractors-json-exists", lambda d: ["attractors", d / "run", "--json", d / "taken.json"], "exists already"),
    ("attractors-plot-format", lambda d: ["attractors", d / "run", "--plot", d / "a.txt"], "format"),
    ("score-error-json-exists", lambda d: ["score-error", d / "run", "--json", d / "taken.json"],
     "exists already"),
    ("score-error-plot-exists", lambda d: ["score-error", d / "run", "--plot", d / "taken.png"], "exists already"),
    ("quality-json-exists", lambda d: ["quality", d / "a.h5", "--json", d / "taken.json"], "exists already"),
    ("quality-plot-format", lambda d: ["quality", d / "a.h5", "--plot", d / "q.docx"], "format"),
    ("show-out-exists", lambda d: ["show", d / "a.h5", "--out", d / "taken.png"], "exists already"),
    ("bench-json-exists", lambda d: ["bench", "--json", d / "taken.json"], "exists already"),
    ("prepare-out-exists", lambda d: ["data", "prepare-celeba", d / "folder.h5", "--out", d / "taken.h5"],
     "exists already"),
    ("reproduce-out-is-file", lambda d: ["reproduce", "--out", d / "taken.json"], "is a file"),
    ("reproduce-json-exists", lambda d: ["reproduce", "--dry-run", "--json", d / "taken.json", "--out", d / "r"],
     "exists already"),
    ("diverge-json-is-a-fifo", lambda d: ["diverge", d / "a.h5", d / "a.h5", "--json", planted(d, "p.json", "fifo", "")],
     "exists already (named pipe"),
    ("traj-out-unicode-spaces-exists", lambda d: ["trajectories", "analytic", "--out",
                                                  planted(d, "données d'été 1.h5", "file", "")], "exists already"),
    # ---- a link planted at a name tinyscore writes: never written through
    ("traj-lock-is-a-symlink", lambda d: ["trajectories", "analytic", "--probes", "4", "--out", d / "l1.h5",
                                          planted(d, ".l1.h5.tinyscore-lock", "symlink", "taken.json") and "--no-progress"],
     "is a symbolic link"),
    ("traj-lock-is-a-hard-link", lambda d: ["trajectories", "analytic", "--probes", "4", "--out", d / "l2.h5",
                                            planted(d, ".l2.h5.tinyscore-lock", "hardlink", "taken.json") and
                                            "--no-progress"], "hard link"),
    ("train-partial-is-a-symlink", lambda d: [*TRAIN, "--out", d / "r3", planted(d, ".r3.tinyscore-partial", "symlink",
                                                                                  "folder.h5") and "--no-progress"],
     "is a symbolic link"),
    ("train-partial-is-a-file", lambda d: [*TRAIN, "--out", d / "r4", planted(d, ".r4.tinyscore-partial", "file", "")
                                           and "--no-progress"], "not a folder"),
    # ---- option values
    ("train-lr-zero", lambda d: [*TRAIN, "--lr", "0", "--out", d / "x"], "--lr"),
    ("train-steps-zero", lambda d: [*TRAIN, "--steps", "0", "--out", d / "x"], "--steps"),
    ("train-steps-text", lambda d: [*TRAIN, "--steps", "many", "--out", d / "x"], "--steps"),
    ("train-batch-float", lambda d: [*TRAIN, "--batch-size", "1e13", "--out", d / "x"], "--batch-size"),
    ("train-batch-huge", lambda d: [*TRAIN, "--batch-size", str(10 ** 13), "--out", d / "x"], "needs"),
    ("train-sigma-order", lambda d: [*TRAIN, "--sigma-min", "2", "--sigma-max", "1", "--out", d / "x"],
     "sigma-min"),
    ("train-sigma-negative", lambda d: [*TRAIN, "--sigma-min", "-1", "--out", d / "x"], "--sigma-min"),
    ("train-variant", lambda d: [*TRAIN, "--variant", "gan", "--out", d / "x"], "--variant"),
    ("train-device", lambda d: [*TRAIN, "--device", "tpu", "--out", d / "x"], "device"),
    ("train-cuda-absent", lambda d: [*TRAIN, "--device", "cuda", "--out", d / "x"], "cuda"),
    ("train-unknown-data", lambda d: [*TRAIN, "--data", "nosuchmixture", "--out", d / "x"], "nosuchmixture"),
    ("train-unknown-option", lambda d: [*TRAIN, "--epochs", "3", "--out", d / "x"], "--epochs"),
    ("train-save-every-zero", lambda d: [*TRAIN, "--save-every", "0", "--out", d / "x"], "--save-every"),
    ("traj-sigmas-text", lambda d: ["trajectories", "analytic", "--out", d / "x.h5", "--sigmas", "1,a"], "sigma"),
    ("traj-sigmas-negative", lambda d: ["trajectories", "analytic", "--out", d / "x.h5", "--sigmas", "1,-0.5"],
     "sigma"),
    ("traj-sigmas-zero", lambda d: ["trajectories", "analytic", "--out", d / "x.h5", "--sigmas", "0"], "sigma"),
    ("traj-sigmas-nan", lambda d: ["trajectories", "analytic", "--out", d / "x.h5", "--sigmas", "nan,1"], "sigma"),
    ("traj-sigmas-inf", lambda d: ["trajectories", "analytic", "--out", d / "x.h5", "--sigmas", "inf"], "sigma"),
    ("traj-sigmas-empty", lambda d: ["trajectories", "analytic", "--out", d / "x.h5", "--sigmas", ","], "sigma"),
    ("traj-sigmas-repeated", lambda d: ["trajectories", "analytic", "--out", d / "x.h5", "--sigmas", "1,1"],
     "distinct"),
    ("traj-probes-zero", lambda d: ["trajectories", "analytic", "--out", d / "x.h5", "--probes", "0"], "--probes"),
    ("traj-missing-model", lambda d: ["trajectories", d / "nothing", "--out", d / "x.h5"], "does not exist"),
    ("score-error-sigmas", lambda d: ["score-error", d / "run", "--sigmas", "x"], "sigma"),
    ("score-error-bins-zero", lambda d: ["score-error", d / "run", "--bins", "0"], "--bins"),
    ("attractors-eps-text", lambda d: ["attractors", d / "run", "--eps", "big"], "eps"),
    ("attractors-eps-negative", lambda d: ["attractors", d / "run", "--eps", "-0.1"], "eps"),
    ("attractors-schedule", lambda d: ["attractors", d / "run", "--schedule", "random"], "--schedule"),
    ("diverge-missing-a", lambda d: ["diverge", d / "none.h5", d / "a.h5"], "does not exist"),
    ("diverge-folder", lambda d: ["diverge", d / "folder.h5", d / "a.h5"], "folder.h5"),
    ("diverge-not-hdf5", lambda d: ["diverge", d / "taken.json", d / "a.h5"], "taken.json"),
    ("diverge-one-arg", lambda d: ["diverge", d / "a.h5"], "file_b"),
    ("reproduce-scale", lambda d: ["reproduce", "--scale", "huge", "--out", d / "r"], "--scale"),
    ("reproduce-dataset", lambda d: ["reproduce", "--datasets", "imagenet", "--out", d / "r"], "imagenet"),
    ("reproduce-variant", lambda d: ["reproduce", "--variants", "gan", "--out", d / "r"], "gan"),
    ("reproduce-ns-text", lambda d: ["reproduce", "--ns", "a,b", "--out", d / "r"], "--ns"),
    ("reproduce-empty-grid", lambda d: ["reproduce", "--datasets", "uniform", "--ns", "999", "--out", d / "r"],
     "nothing to run"),
    ("published-not-a-folder", lambda d: ["published", d / "nope", "--data", "uniform", "--out", d / "p"],
     "not a folder"),
    ("published-no-pairs", lambda d: ["published", d, "--data", "uniform", "--out", d / "p"], "no pair"),
    ("unknown-command", lambda d: ["fly"], "fly"),
]


@pytest.mark.parametrize("build,contains", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_refused(world, build, contains, capsys):
    assert_refused(build(world), capsys, watch=[world], contains=contains)


def test_second_writer_is_refused_naming_the_holder(world, capsys):
    for dest, argv in [(world / "locked_run", [*TRAIN, "--out", world / "locked_run"]),
                       (world / "locked.h5", ["trajectories", "analytic", "--out", world / "locked.h5",
                                              "--probes", "4", "--no-progress"])]:
        holder = subprocess.Popen([sys.executable, "-c", HOLD, str(dest)], stdout=subprocess.PIPE, cwd=ROOT, text=True)
        try:
            assert holder.stdout.readline().strip() == "holding"
            line = assert_refused(argv, capsys, watch=[world], contains="being written")
            assert f"pid {holder.pid}" in line
        finally:
            holder.kill()
            holder.wait()
        assert not files.lock_path(dest).exists() or cli.main(argv) == 0   # a dead holder's lock is free


HOLD = """
import sys, time
from tinyscore.storage.files import destination_lock
with destination_lock(sys.argv[1]):
    print("holding", flush=True)
    time.sleep(60)
"""


def test_unfinished_run_with_other_options_is_not_overwritten(tmp_path, capsys):
    out = tmp_path / "run"
    partial = out.with_name(f".{out.name}.tinyscore-partial")
    assert _train_and_stop(out, ["--steps", "40", "--save-every", "10"], stop_after=20) == "stopped"
    assert (partial / "resume.pt").is_file() and not out.exists()
    line = assert_refused([*TRAIN, "--steps", "41", "--save-every", "10", "--out", out], capsys,
                          watch=[tmp_path], contains="--fresh")
    assert "steps" in line
    code, out_text, _ = run_cli([*TRAIN, "--steps", "40", "--save-every", "10", "--out", out], capsys)
    assert code == 0 and "resumed from step 20" in out_text and not partial.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def _train_and_stop(out, extra, stop_after):
    """Train in-process and stop (as a kill would) right after the state of step ``stop_after`` is saved."""
    from tinyscore.training import loop as training

    class Stop(BaseException):
        pass
    real = training._save_state

    def save_then_stop(tmp, step, *a):
        real(tmp, step, *a)
        if step >= stop_after:
            raise Stop
    training._save_state = save_then_stop
    try:
        cli.main([*TRAIN, *extra, "--out", str(out)])
    except Stop:
        return "stopped"
    finally:
        training._save_state = real
    return "finished"


@pytest.mark.parametrize("err", [errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EDQUOT])
@pytest.mark.parametrize("command", ["train", "trajectories", "diverge-json"])
def test_file_system_errors_are_one_line(world, tmp_path, monkeypatch, capsys, err, command):
    """A full disk, a read-only folder, no permission: one line naming the file, nothing left behind."""
    target = tmp_path / "dest"
    target.mkdir()
    real_open = os.open

    def failing_open(path, flags, *a, **kw):
        if str(path).startswith(str(target)) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise OSError(err, os.strerror(err), str(path))
        return real_open(path, flags, *a, **kw)
    monkeypatch.setattr(os, "open", failing_open)
    argv = {"train": [*TRAIN, "--out", target / "run"],
            "trajectories": ["trajectories", "analytic", "--out", target / "t.h5", "--probes", "4", "--no-progress"],
            "diverge-json": ["diverge", world / "a.h5", world / "a.h5", "--json", target / "d.json"]}[command]
    line = assert_refused(argv, capsys, watch=[target, world])
    assert str(target) in line


def test_ctrl_c_is_interrupted_exit_130(tmp_path, monkeypatch, capsys):
    from tinyscore.core.mixtures import GaussianMixture

    def interrupt(*a, **kw):
        raise KeyboardInterrupt
    monkeypatch.setattr(GaussianMixture, "denoise", interrupt)    # Ctrl-C in the middle of the work
    code, _, err = run_cli(["trajectories", "analytic", "--out", tmp_path / "t.h5", "--probes", "4",
                            "--no-progress"], capsys)
    assert code == 130 and err.strip().splitlines()[-1] == "interrupted" and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []
