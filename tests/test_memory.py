"""Bounded memory at scale: ``trajectories`` streams its outputs to the file batch by batch.

* a streamed run equals the unbatched computation bit for bit, on a trained MLP, the analytic
  and the empirical model; the analytic model's file is the same at any batch size;
* a file streamed to disk has the bytes of the same file built in memory, and of one written
  whole (``store.write_trajectories``): same layout, same ``probes_digest``;
* the writer publishes nothing unless every output was written;
* peak memory does not grow with the number of probes (peak RSS of two processes);
* a full disk while streaming is one line and leaves nothing behind;
* one progress bar over batches x rungs.
"""
import hashlib
import os
import resource
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import h5py
import numpy as np
import pytest

import cli
from tinyscore.storage import files, store
from tinyscore.errors import TinyscoreError
from tinyscore.analyses.trajectories import write_model_trajectories

ROOT = Path(__file__).resolve().parents[1]


def sha(p) -> str:
    return hashlib.sha256(Path(p).read_bytes()).hexdigest()


def arrays(p) -> dict:
    with h5py.File(p, "r") as f:
        return {k: f[k][()] for k in store.DATASETS}


@pytest.fixture(scope="module")
def mlp_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "mlp"
    assert cli.main(["train", "--variant", "ncsn", "--n", "50", "--steps", "30", "--no-progress",
                     "--out", str(out)]) == 0
    return str(out)


def _unbatched(spec, **kw):
    """The outputs as the writer computed them before it streamed: every probe's outputs in memory
    at once (the model itself still called on 512 probes at a time, as it always was)."""
    from tinyscore.core.dynamics import one_step, parse_sigmas, path_ladder, pf_ode_path
    from tinyscore.core.models import to_tensor
    from tinyscore.analyses.trajectories import choose_probes, resolve_model
    model, dataset, _ = resolve_model(spec, kw.get("data"), 0, None, kw["n"], "a", "cpu")
    x0, z = choose_probes(dataset, kw["probes"], 0)
    sigmas = parse_sigmas(kw["sigmas"])
    ladder = path_ladder(sigmas, kw["path_substeps"])
    x0_t, z_t = to_tensor(x0), to_tensor(z)
    states, denoised = pf_ode_path(model, x0_t + float(ladder[0]) * z_t, ladder)
    return {"sigmas": np.asarray(sigmas), "probes/x0": x0, "probes/z": z,
            "onestep/denoised": one_step(model, x0_t, z_t, sigmas), "path/sigmas": ladder,
            "path/states": states, "path/denoised": denoised}


@pytest.mark.parametrize("model", ["mlp", "analytic", "empirical"])
def test_streamed_run_equals_the_unbatched_computation_bit_for_bit(tmp_path, mlp_run, model):
    """1,100 probes: three batches of the default size, the last one short. The analytic model's writer
    runs on NumPy arrays (never importing torch) and the unbatched computation on tensors: the same bits."""
    spec = mlp_run if model == "mlp" else model
    kw = dict(probes=1100, sigmas="1,0.3,0.05", path_substeps=3, n=40)
    write_model_trajectories(spec, tmp_path / "t.h5", device="cpu", progress=False, **kw)
    got, want = arrays(tmp_path / "t.h5"), _unbatched(spec, **kw)
    for k in store.DATASETS:
        assert got[k].dtype == np.asarray(want[k]).dtype and got[k].tobytes() == np.asarray(want[k]).tobytes(), k


def test_analytic_trajectories_never_load_torch(tmp_path):
    """``trajectories analytic`` on the CPU runs NumPy alone: torch (a second to load) is never imported,
    and the file is the one the tensors give (the test above); another device, or any other model, loads it."""
    probe = ("import sys, cli; sys.argv = ['cli.py', 'trajectories', 'analytic', '--data', 'hd-uniform', "
             "'--probes', '7', '--no-progress', '--threads', '2', '--device', DEVICE, '--out', OUT]; "
             "code = cli.main(); print(code, 'torch' in sys.modules)")
    for device, loads in (("auto", "False"), ("cpu", "False"), ("cuda", "True")):
        out = tmp_path / f"{device}.h5"
        p = subprocess.run([sys.executable, "-c", probe.replace("DEVICE", repr(device)).replace("OUT", repr(str(out)))],
                           cwd=ROOT, capture_output=True, text=True)
        if device == "cuda":          # loads torch to look for the device (a one-line refusal on a CPU machine)
            import torch
            assert p.stdout.split()[-1] == loads and (torch.cuda.is_available() or "no CUDA" in p.stderr)
            continue
        assert p.stdout.split()[-2:] == ["0", loads] and out.exists(), p.stderr
    assert arrays(tmp_path / "auto.h5")["path/denoised"].tobytes() == arrays(tmp_path / "cpu.h5")["path/denoised"].tobytes()


def test_batch_size_changes_no_number_of_a_batch_independent_model(tmp_path, mlp_run):
    """The analytic denoiser (float64, point by point) is the same at any batch, to the bit, and so
    is its file. A network's float32 matrix products may round the last bit differently with the
    number of rows (the CPU kernel's blocking): other batch sizes agree to rounding, and the
    default batch reproduces the file exactly (the test above)."""
    kw = dict(probes=23, sigmas="1,0.3,0.05", path_substeps=3, n=40, device="cpu", progress=False)
    write_model_trajectories("analytic", tmp_path / "whole.h5", batch=1000, **kw)
    for batch in (1, 5, 22):
        write_model_trajectories("analytic", tmp_path / f"b{batch}.h5", batch=batch, **kw)
        assert sha(tmp_path / f"b{batch}.h5") == sha(tmp_path / "whole.h5"), batch
    with store.open_trajectories(tmp_path / "b5.h5") as f:       # the reader's own checks, digest included
        assert f.P == 23 and len(f.path_sigmas) == 7
    for spec in (mlp_run, "empirical"):
        write_model_trajectories(spec, tmp_path / "w.h5", batch=1000, **kw)
        write_model_trajectories(spec, tmp_path / "b.h5", batch=5, **kw)
        a, b = arrays(tmp_path / "w.h5"), arrays(tmp_path / "b.h5")
        for k in store.DATASETS:
            np.testing.assert_allclose(b[k], a[k], rtol=1e-5, atol=1e-6, err_msg=k)
        for p in ("w.h5", "b.h5"):
            (tmp_path / p).unlink()


def test_streamed_file_has_the_bytes_of_one_built_in_memory(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    kw = dict(probes=37, path_substeps=2, data="hd-uniform", device="cpu", progress=False, batch=8)
    write_model_trajectories("analytic", tmp_path / "memory.h5", **kw)
    monkeypatch.setattr(files, "H5_IN_MEMORY", 0)                 # every file goes to disk as it is written
    write_model_trajectories("analytic", tmp_path / "disk.h5", **kw)
    assert sha(tmp_path / "disk.h5") == sha(tmp_path / "memory.h5")
    # written whole from arrays (in memory) or batch by batch (to disk): the same bytes
    a = arrays(tmp_path / "memory.h5")
    attrs = {"variant": "analytic", "dataset": "hd-uniform", "n_train": 0, "half": "", "seed": -1}
    monkeypatch.setattr(files, "H5_IN_MEMORY", 1 << 30)
    store.write_trajectories(tmp_path / "whole.h5", attrs, a["sigmas"], a["probes/x0"], a["probes/z"],
                             a["onestep/denoised"], a["path/sigmas"], a["path/states"], a["path/denoised"])
    monkeypatch.setattr(files, "H5_IN_MEMORY", 0)
    with store.trajectory_writer(tmp_path / "streamed.h5", attrs, a["sigmas"], a["probes/x0"], a["probes/z"],
                                 a["path/sigmas"]) as w:
        for lo in range(0, 37, 5):
            w.onestep(lo, a["onestep/denoised"][:, lo:lo + 5])
        for lo in range(0, 37, 5):
            for t in range(len(a["path/sigmas"])):
                w.path(t, lo, a["path/states"][t, lo:lo + 5], a["path/denoised"][t, lo:lo + 5])
    assert sha(tmp_path / "streamed.h5") == sha(tmp_path / "whole.h5")
    # ... and the bytes h5py gives the same arrays assigned whole, the way the writer used to
    import io
    from tinyscore import __version__
    buf = io.BytesIO()
    with h5py.File(buf, "w", track_order=False) as f:
        root = {"format": store.FORMAT, "version": store.VERSION,
                "probes_digest": store.probes_digest(a["probes/x0"], a["probes/z"], a["sigmas"]),
                "created": "", "tinyscore_version": __version__}
        for k, v in {**attrs, **root}.items():
            f.attrs[k] = v
        for k in store.DATASETS:
            f[k] = a[k]
    assert hashlib.sha256(buf.getvalue()).hexdigest() == sha(tmp_path / "whole.h5")
    with h5py.File(tmp_path / "streamed.h5", "r") as f:
        assert f.attrs["probes_digest"] == store.probes_digest(a["probes/x0"], a["probes/z"], a["sigmas"])
        assert all(f[k].chunks is None for k in store.DATASETS)     # contiguous, as ever
    assert sorted(p.name for p in tmp_path.iterdir()) == ["disk.h5", "memory.h5", "streamed.h5", "whole.h5"]


@pytest.mark.parametrize("limit", [0, 1 << 30])
def test_an_incomplete_file_is_never_published(tmp_path, monkeypatch, limit):
    monkeypatch.setattr(files, "H5_IN_MEMORY", limit)
    P, S, T = 6, 2, 3
    x0 = np.zeros((P, 2), np.float32)
    out = tmp_path / "t.h5"
    with pytest.raises(ValueError, match="lacks path outputs"):
        with store.trajectory_writer(out, {}, [1.0, 0.5], x0, x0, [1.0, 0.7, 0.5]) as w:
            w.onestep(0, np.zeros((S, P, 2), np.float32))
            for t in range(T):
                w.path(t, 0, np.zeros((P - 1, 2)), np.zeros((P - 1, 2)))     # the last probe is missing
    with pytest.raises(ValueError, match="does not fit"):
        with store.trajectory_writer(out, {}, [1.0, 0.5], x0, x0, [1.0, 0.7, 0.5]) as w:
            w.onestep(4, np.zeros((S, 3, 2), np.float32))                   # probes 4..6 of 6
    assert list(tmp_path.iterdir()) == []                               # no file, no temporary


def test_bad_batch_is_refused(tmp_path):
    for bad in (0, -3, 2.5, True):
        with pytest.raises(TinyscoreError, match="probe batch"):
            write_model_trajectories("analytic", tmp_path / "t.h5", probes=4, batch=bad, device="cpu", progress=False)
    assert list(tmp_path.iterdir()) == []


def test_one_progress_bar_over_batches_and_rungs(tmp_path, monkeypatch):
    import tqdm.auto
    bars = []

    class Bar:
        def __init__(self, total=None, **kw):
            self.total, self.n = total, 0
            bars.append(self)

        def update(self, k=1):
            self.n += k

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(tqdm.auto, "tqdm", Bar)
    info = write_model_trajectories("analytic", tmp_path / "t.h5", probes=10, batch=4, path_substeps=2,
                                    sigmas="1,0.5,0.1", device="cpu", progress=True)
    assert info["steps"] == 5 and len(bars) == 1
    assert bars[0].total == bars[0].n == 3 * 5                     # 3 batches (4, 4, 2) x 5 rungs


# ------------------------------------------------------------------- peak memory, full disk
RUN = textwrap.dedent("""
    import sys
    from tinyscore.storage import files
    from tinyscore.analyses.trajectories import write_model_trajectories
    files.H5_IN_MEMORY = 0                  # both sizes stream to disk: only the batch is compared
    write_model_trajectories("empirical", sys.argv[2], data="hd-uniform", n=10, probes=int(sys.argv[1]),
                             sigmas="1,0.1", path_substeps=40, device="cpu", progress=False, batch=256)
""")


def _peak_rss(*args) -> int:
    p = subprocess.Popen([sys.executable, "-c", RUN, *map(str, args)], cwd=ROOT, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    err = p.stderr.read().decode()
    p.stderr.close()
    assert os.waitstatus_to_exitcode(status) == 0, err
    return usage.ru_maxrss * 1024


def test_peak_memory_does_not_grow_with_the_number_of_probes(tmp_path):
    """8,000 probes of 100 numbers write 8x the bytes of 1,000 (240 MB more of outputs, which the
    unstreamed writer held in memory, twice over); the peak may grow by their x0 and z only."""
    small, large = 1000, 8000
    per_probe = 4 * 100 * (2 + 2 + 2 * 41)             # x0, z, 2 sigmas, 41 rungs of states and outputs
    rss_small = _peak_rss(small, tmp_path / "s.h5")
    rss_large = _peak_rss(large, tmp_path / "l.h5")
    assert (tmp_path / "l.h5").stat().st_size > per_probe * large
    growth, outputs = rss_large - rss_small, per_probe * (large - small)
    assert growth < outputs / 8, (growth, outputs)      # x0 and z: 2/86 of it; 1/8 leaves room for noise


def _limit_file_size(nbytes):
    def pre():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)     # a write past the limit fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (nbytes, nbytes))
    return pre


@pytest.mark.parametrize("limit", [20_000, 150_000, 400_000])
def test_full_disk_while_streaming_is_one_line_and_nothing_left(tmp_path, limit):
    """The file is written in place (not in memory): HDF5 meets the full disk through Python's own
    writes, and the command still ends with one line and leaves no file and no temporary."""
    d = tmp_path / "dest"
    d.mkdir()
    code = ("import sys, cli; from tinyscore.storage import files; files.H5_IN_MEMORY = 0; "
            "sys.exit(cli.main(sys.argv[1:]))")
    p = subprocess.Popen([sys.executable, "-c", code, "trajectories", "analytic", "--out", str(d / "t.h5"),
                          "--probes", "2000", "--no-progress"], cwd=ROOT, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, preexec_fn=_limit_file_size(limit))
    _, err = p.communicate(timeout=300)
    lines = [line for line in err.splitlines() if line.strip()]
    assert p.returncode == 2 and "Traceback" not in err and len(lines) == 1, err
    assert lines[0].startswith("error: ") and "too large" in lines[0]
    assert list(d.iterdir()) == []


# ------------------------------------------------------- the other commands at scale: same numbers
def test_image_points_are_one_float_copy_with_the_same_values():
    """ImageDataset hands out points divided in place (one float32 copy, not two): the values are
    those of ``uint8.astype(float32) / 255``, and a float pool is copied once, never shared."""
    from tinyscore.data.images import ImageDataset
    rng = np.random.default_rng(3)
    for pool in (rng.integers(0, 256, (300, 6, 6), dtype=np.uint8), rng.random((300, 6, 6), dtype=np.float32)):
        d = ImageDataset(pool)
        for stream, take in ((0, lambda n: d.subset(n, "a")), (1, lambda n: d.subset(n, "b")), (2, d.test)):
            x = take(25)
            ref = pool[d.order[stream][:25]]
            ref = ref.astype(np.float32) / 255 if ref.dtype == np.uint8 else ref.astype(np.float32)
            assert x.dtype == np.float32 and x.shape == (25, 1, 6, 6) and not np.shares_memory(x, pool)
            assert x.tobytes() == ref[:, None].tobytes()


def test_mixture_points_are_one_copy_and_each_block_has_its_own_seed():
    """MixtureDataset keeps nothing once it has handed points out (it kept every sampled block, a
    second copy of each half for the dataset's lifetime), and its points are still the blocks of
    BLOCK points drawn from SeedSequence([data_seed, stream, k]): a prefix of any larger request."""
    import tracemalloc
    from tinyscore.data.datasets import MixtureDataset, load_dataset
    d = load_dataset("hd-uniform", data_seed=3)
    d.subset(10, "b")                       # the mixture's own lazy set-up, before the count starts
    tracemalloc.start()
    try:
        x = d.subset(5000, "a")
        held = tracemalloc.get_traced_memory()[0]
        del x
        left = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert held >= 5000 * 100 * 4 and left < 100_000           # 2 MB handed out, nothing kept
    B = MixtureDataset.BLOCK
    for stream, take in ((0, lambda n: d.subset(n, "a")), (1, lambda n: d.subset(n, "b")), (2, d.test)):
        want = np.concatenate([d.mixture.sample(B, np.random.SeedSequence([3, stream, k])) for k in range(3)])
        got = take(2 * B + 7)
        assert got.dtype == np.float32 and got.tobytes() == want[:2 * B + 7].astype(np.float32).tobytes()
        assert take(5).tobytes() == got[:5].tobytes()


def test_score_error_in_batches_is_the_one_call_result():
    """The exact mixture score and density are taken in batches: the same numbers at any batch, to
    round-off. The mixture's two products go through BLAS, whose kernels (and so the order of each
    dot product's additions) depend on the number of rows, so the true score moves in its last bits
    with the batch (2e-13 on scores of order 1e3 here: 1e-15 of itself at most). An error
    |s_model - s_true| moves by at most that much, and the model here is the mixture itself in
    float32, so its errors are ~5e-8 of the score: they agree to 1e-15 / 5e-8 = 2e-8 relative
    (twice that squared), within the 1e-7 asked; a batch that dropped or repeated a point would
    move them by far more."""
    from tinyscore.analyses.accuracy import score_error_by_density
    from tinyscore.data.datasets import load_dataset
    from tinyscore.core.models import AnalyticModel
    ds = load_dataset("hd-sharpcov")
    model = AnalyticModel(ds.mixture)
    one = score_error_by_density(model, ds, sigmas="1,0.1", points=300, batch=4096)
    many = score_error_by_density(model, ds, sigmas="1,0.1", points=300, batch=7)

    def numbers(tree):
        if isinstance(tree, dict):
            return [x for key in sorted(tree) for x in [key, *numbers(tree[key])]]
        return [x for item in tree for x in numbers(item)] if isinstance(tree, list) else [tree]
    a, b = numbers(one), numbers(many)
    assert [x for x in a if not isinstance(x, float)] == [x for x in b if not isinstance(x, float)]
    assert np.allclose([x for x in a if isinstance(x, float)], [x for x in b if isinstance(x, float)],
                       rtol=1e-7, atol=0)


FAULTS = r"""
import resource, sys, torch
if sys.argv[1] == "keep":
    from tinyscore.storage.malloc import keep_freed_memory
    assert keep_freed_memory()
torch.set_num_threads(1)
from tinyscore.bench import make_step
from tinyscore.core.models import ScoreModel
from tinyscore.core.objectives import SSMLoss
torch.manual_seed(0)
x = torch.rand(512, 100)
model = ScoreModel(dict(variant="ssm", sigma_data=0.5, arch="mlp", shape=[100], net={}))
step = make_step(model, SSMLoss(jvp="backward"), x)
for _ in range(10):                      # warm up: the first blocks are faulted in either way
    step()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(20):
    step()
print((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 20)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's allocator")
def test_keep_freed_memory_stops_page_faults():
    """SSM training steps (100-D MLP, batch 512): with glibc's default thresholds the freed activations
    go back to the OS and every step faults hundreds of pages in again; keep_freed_memory stops that.
    (Not to zero: the machine's own memory reclaim may take idle pages back now and then.)"""
    def faults(how):
        return float(subprocess.run([sys.executable, "-c", FAULTS, how], capture_output=True, text=True,
                                    check=True).stdout)

    runs = {"default": [], "keep": []}
    for _ in range(3):                          # alternated, medians
        for how in runs:
            runs[how].append(faults(how))
    default, keep = (sorted(runs[how])[1] for how in ("default", "keep"))
    if default < 50:
        pytest.skip(f"this allocator does not return the step's memory ({default} faults a step)")
    assert keep < 0.5 * default, runs
