"""The command line as a user runs it: the acceptance path of the core, and every bad input."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest

import cli

ROOT = Path(__file__).resolve().parents[1]


def run(args, capsys):
    code = cli.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    """ncsn on halves A and B (short training), trajectories with one probe seed, and the analytic truth."""
    d = tmp_path_factory.mktemp("study")
    for half in "ab":
        assert cli.main(["train", "--variant", "ncsn", "--half", half, "--n", "200", "--steps", "150",
                         "--out", str(d / f"run_{half}"), "--no-progress"]) == 0
        assert cli.main(["trajectories", str(d / f"run_{half}"), "--out", str(d / f"{half}.h5"),
                         "--probes", "64", "--probe-seed", "7"]) == 0
    assert cli.main(["trajectories", "analytic", "--out", str(d / "truth.h5"), "--probes", "64",
                     "--probe-seed", "7"]) == 0
    return d


def test_disjoint_halves_diverge_table(study, capsys):
    code, out, _ = run(["diverge", study / "a.h5", study / "b.h5", "--json", study / "ab.json",
                        "--plot", study / "ab.png"], capsys)
    assert code == 0
    lines = out.strip().splitlines()
    for kind in ("onestep", "path"):
        sig = [float(line.split()[1]) for line in lines[1:] if line.startswith(kind)]
        assert sig == [1.0, 0.5, 0.25, 0.1, 0.05]
    res = json.loads((study / "ab.json").read_text())
    assert [r["sigma"] for r in res["onestep"]] == [1.0, 0.5, 0.25, 0.1, 0.05]
    assert len(res["path"]) == 33 and set(res["path"][0]) == {"sigma", "l2_mean", "l2_std", "rms",
                                                             "cosine_mean", "cosine_std"}
    assert (study / "ab.png").stat().st_size > 10_000


def test_trajectory_file_schema(study):
    with h5py.File(study / "a.h5") as f, h5py.File(study / "truth.h5") as g:
        assert f.attrs["format"] == "tinyscore.trajectories" and f.attrs["version"] == 1
        for key in ("variant", "dataset", "n_train", "half", "seed", "checkpoint_sha256", "probes_digest",
                    "created", "tinyscore_version"):
            assert key in f.attrs
        assert f.attrs["variant"] == "ncsn" and f.attrs["n_train"] == 200 and f.attrs["half"] == "a"
        assert f["sigmas"].dtype == np.float64 and list(f["sigmas"][()]) == [1.0, 0.5, 0.25, 0.1, 0.05]
        assert f["probes/x0"].shape == (64, 2) and f["onestep/denoised"].shape == (5, 64, 2)
        assert f["path/states"].shape == (33, 64, 2) and f["path/denoised"].dtype == np.float32
        assert f.attrs["probes_digest"] == g.attrs["probes_digest"]        # same probe seed, same probes
        np.testing.assert_array_equal(f["probes/z"][()], g["probes/z"][()])
        # the analytic file holds exactly the optimal denoiser of the mixture
        from tinyscore.storage.mixture_files import load_mixture
        mix = load_mixture("uniform")
        y = g["probes/x0"][()] + 0.1 * g["probes/z"][()]
        np.testing.assert_allclose(g["onestep/denoised"][3], mix.denoise(y, 0.1), atol=1e-5)


def test_diverge_against_itself_is_zero(study, capsys):
    code, _, _ = run(["diverge", study / "a.h5", study / "a.h5", "--json", study / "self.json"], capsys)
    assert code == 0
    res = json.loads((study / "self.json").read_text())
    for row in res["onestep"] + res["path"]:
        assert row["l2_mean"] == 0 and row["rms"] == 0
        assert row["cosine_mean"] == pytest.approx(1.0, abs=1e-6)


def test_model_against_truth_shrinks_with_sigma(study):
    from tinyscore.analyses.metrics import diverge
    res = diverge(study / "a.h5", study / "truth.h5")
    rms = [r["rms"] for r in res["onestep"]]
    assert rms[-1] < rms[0]                    # one-step outputs agree more as sigma -> 0 (D -> identity)
    assert all(np.isfinite(r["cosine_mean"]) for r in res["onestep"])


def test_empirical_pseudo_model(study, capsys):
    code, _, _ = run(["trajectories", "empirical", "--n", "1", "--out", study / "emp.h5", "--probes", "8",
                      "--sigmas", "0.5,0.1"], capsys)
    assert code == 0
    with h5py.File(study / "emp.h5") as f:
        from tinyscore.data.datasets import load_dataset
        x1 = load_dataset("uniform").subset(1, "a")[0]
        # with one training point the ideal denoiser returns it, whatever the input
        np.testing.assert_allclose(f["onestep/denoised"][()], np.broadcast_to(x1, (2, 8, 2)), atol=1e-5)


# ---------------------------------------------------------------------------- bad input
def not_ours(tmp_path):
    p = tmp_path / "other.h5"
    with h5py.File(p, "w") as f:
        f["x"] = np.zeros(3)
    return p


def bad_cases(study, tmp_path):
    txt = tmp_path / "notes.txt"
    txt.write_text("hello")
    bad_json = tmp_path / "bad.json"
    bad_json.write_text('{"weights": [1], "means": [[0, 0]]}')
    broken_run = tmp_path / "broken_run"
    broken_run.mkdir()
    (broken_run / "options.json").write_text(json.dumps({"data": "uniform"}))
    (broken_run / "model.pt").write_bytes(b"\x00garbage")
    other_sigmas = tmp_path / "s.h5"
    assert cli.main(["trajectories", "analytic", "--out", str(other_sigmas), "--probes", "64", "--probe-seed", "7",
                     "--sigmas", "1,0.5"]) == 0
    other_probes = tmp_path / "p.h5"
    assert cli.main(["trajectories", "analytic", "--out", str(other_probes), "--probes", "64",
                     "--probe-seed", "8"]) == 0
    nan_file = tmp_path / "nan.h5"
    shutil.copy(study / "a.h5", nan_file)
    with h5py.File(nan_file, "r+") as f:
        f["onestep/denoised"][2, 5] = np.nan
    out = tmp_path / "out.h5"
    return out, {
        "NaN in a file": (["diverge", study / "a.h5", nan_file], "NaN"),
        "unknown dataset": (["train", "--data", "celebb", "--out", tmp_path / "r1"], "unknown dataset"),
        "malformed mixture": (["train", "--data", bad_json, "--out", tmp_path / "r2"], "missing field"),
        "missing run": (["trajectories", tmp_path / "nope", "--out", out], "does not exist"),
        "not a run": (["trajectories", tmp_path, "--out", out], "not a tinyscore run"),
        "corrupt checkpoint": (["trajectories", broken_run, "--out", out], "checkpoint"),
        "not hdf5": (["diverge", txt, study / "a.h5"], "not an HDF5 file"),
        "hdf5 not ours": (["diverge", study / "a.h5", not_ours(tmp_path)], "not a tinyscore trajectory"),
        "missing h5": (["diverge", study / "a.h5", tmp_path / "missing.h5"], "does not exist"),
        "different sigmas": (["diverge", study / "a.h5", other_sigmas], "different sigmas"),
        "different probes": (["diverge", study / "a.h5", other_probes], "probes_digest"),
        "zero sigma": (["trajectories", "analytic", "--out", out, "--sigmas", "1,0"], "positive"),
        "negative sigma": (["trajectories", "analytic", "--out", out, "--sigmas", "1,-0.5"], "positive"),
        "garbage sigma": (["trajectories", "analytic", "--out", out, "--sigmas", "1,abc"], "comma-separated"),
        "N < 1": (["train", "--n", "0", "--out", tmp_path / "r3"], "0"),
        "empirical N < 1": (["trajectories", "empirical", "--n", "0", "--out", out], "0"),
        "too many probes": (["trajectories", "analytic", "--probes", "20000", "--out", out], "held-out"),
        "analytic without mixture": (["trajectories", "analytic", "--data", "nothing.npy", "--out", out], ""),
        "unknown variant": (["train", "--variant", "gan"], "gan"),
        "bad device": (["train", "--device", "tpu", "--out", tmp_path / "r4"], "device"),
        "out folder missing": (["trajectories", "analytic", "--out", tmp_path / "no" / "x.h5"], "does not exist"),
    }


def test_bad_input_is_one_line_and_exit_2(study, tmp_path, capsys):
    out, cases = bad_cases(study, tmp_path)
    capsys.readouterr()
    for name, (args, needle) in cases.items():
        code, stdout, err = run(args, capsys)
        assert code == 2, (name, code, stdout, err)
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), (name, err)
        assert needle in lines[0], (name, lines[0])
        assert "Traceback" not in err
        assert not out.exists(), name
    leftovers = [p.name for p in tmp_path.rglob("*") if ".tmp" in p.name]
    assert not leftovers
    for r in ("r1", "r2", "r3", "r4"):
        assert not (tmp_path / r).exists()


def test_cli_runs_as_a_script(tmp_path):
    """The real entry point: python cli.py ..., exit status and one-line error."""
    p = subprocess.run([sys.executable, str(ROOT / "cli.py"), "diverge", str(tmp_path / "x.h5"), str(tmp_path / "y.h5")],
                       capture_output=True, text=True, cwd=tmp_path)
    assert p.returncode == 2 and p.stderr.strip().count("\n") == 0 and "does not exist" in p.stderr


def test_collector_is_tuned_only_for_the_process_command_line(capsys):
    """As its own process, the CLI runs the cycle collector less often and freezes what exists at the end
    (a command with torch loaded spent about 0.35 s in collections); called with argv, as by a library or
    these tests, it leaves the collector as it found it."""
    import gc
    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    assert cli.main(["--version"]) == 0
    assert gc.get_threshold() == before and gc.get_freeze_count() == frozen
    probe = ("import gc, sys; import cli; sys.argv = ['cli.py', '--version']; code = cli.main(); "
             "print(gc.get_threshold()[0], gc.get_freeze_count() > 0, code)")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.split()[-3:] == [str(cli.GC_GEN0), "True", "0"]
    pytest.importorskip("triton")
    # with Triton loaded the end is left alone: its bindings would print "leaked" warnings on stderr
    done = subprocess.run([sys.executable, "-c", "import triton; " + probe], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    assert done.stdout.split()[-3:] == [str(cli.GC_GEN0), "False", "0"] and "leaked" not in done.stderr
