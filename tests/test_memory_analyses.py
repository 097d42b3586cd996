"""Bounded memory in the analyses: ``quality`` streams the file, ``attractors`` holds one training set.

* ``quality`` gives the numbers of the whole-array computation (every output in memory at once),
  at any block and batch size, and a bad value in a late block is still one line;
* ``attractors`` gives, bit for bit, the end points and rows of the experiment run on a float64
  copy of the training set with brute-force distances;
* peak memory, each in a fresh process: ``quality`` allocates a few blocks, not the file's arrays
  (tracemalloc: the arrays are numpy's), and on a file of 768 MB (sparse: it costs no disk) its peak
  resident memory, HDF5's and the file checks' included, grows by tens of MB, not by the 512 MB of
  one-step outputs it read whole (2.1 GB for a 1.9 GB file); ``attractors`` adds less than one more
  copy of the training set (peak RSS).
"""
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import torch

from tinyscore.analyses import accuracy
from tinyscore.storage import store
from tinyscore.analyses import attractors as att
from tinyscore.core import attractors as core_att
from tinyscore.data.datasets import load_dataset
from tinyscore.errors import TinyscoreError
from tinyscore.core.models import AnalyticModel, EmpiricalModel, to_tensor
from tinyscore.analyses.trajectories import write_model_trajectories

ROOT = Path(__file__).resolve().parents[1]


def write_random_file(path, probes, dim, sigmas=4, seed=0):
    """A trajectory file of random numbers (quality needs no model behind them); one path step."""
    rng = np.random.default_rng(seed)
    x0 = rng.random((probes, dim), dtype=np.float32)
    z = rng.standard_normal((probes, dim), dtype=np.float32)
    den = rng.random((sigmas, probes, dim), dtype=np.float32)
    states = rng.random((1, probes, dim), dtype=np.float32)
    attrs = {"variant": "random", "dataset": "", "n_train": 0, "half": "", "seed": -1}
    store.write_trajectories(path, attrs, np.geomspace(1.0, 0.05, sigmas), x0, z, den, np.array([1.0]),
                             states, states)
    return x0, z, den


# ------------------------------------------------------------------------------ quality: numbers
def whole_quality(path, refs, batch):
    """quality's rows computed on whole arrays, as it did before it streamed: MSE = mean ||D - x0||^2 / dim
    over all probes at once, the references on ``batch`` probes at a time."""
    import h5py
    with h5py.File(path, "r") as f:
        sigmas, x0, z, den = (f[k][()] for k in ("sigmas", "probes/x0", "probes/z", "onestep/denoised"))
    rows = []
    for i, s in enumerate(sigmas):
        y = x0 + s * z
        mse = float(np.mean((den[i].astype(np.float64) - x0) ** 2))
        row = {"sigma": float(s), "mse": mse, "psnr": 10 * np.log10(1 / mse), "noisy_mse": float(np.mean((y - x0) ** 2))}
        for name, ref in refs.items():
            d = np.concatenate([ref.denoise(to_tensor(y[a:a + batch]), float(s)).double().numpy()
                                for a in range(0, len(y), batch)])
            m = float(np.mean((d - x0) ** 2))
            row[f"{name}_mse"], row[f"{name}_psnr"] = m, 10 * np.log10(1 / m)
        row["optimum"] = next(iter(refs), None)
        if refs:
            row["mse_over_optimum"] = mse / row[f"{row['optimum']}_mse"]
        rows.append(row)
    return rows


@pytest.fixture(scope="module")
def empirical_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("quality") / "emp.h5"
    write_model_trajectories("empirical", path, probes=150, path_substeps=1, data="uniform", n=7, device="cpu",
                             progress=False)
    return path


@pytest.mark.parametrize("block, batch", [(accuracy.QUALITY_BLOCK, 1024), (64, 1024), (64, 16), (2, 7)])
def test_quality_streamed_equals_the_whole_array_computation(empirical_file, monkeypatch, block, batch):
    """150 probes of 2 numbers in blocks of 32 or 1 probes, references in batches of 16 or 7 (ragged)."""
    monkeypatch.setattr(accuracy, "QUALITY_BLOCK", block)
    got = accuracy.quality(empirical_file, batch=batch)
    ds = load_dataset("uniform")
    refs = {"analytic": AnalyticModel(ds.mixture), "empirical": EmpiricalModel(to_tensor(ds.subset(7, "a")))}
    want = whole_quality(empirical_file, refs, batch)
    assert got["settings"] == {"file_variant": "empirical", "dataset": "uniform", "n_train": 7, "half": "a",
                               "probes": 150, "dim": 2, "references": ["analytic", "empirical"], "psnr_peak": 1.0,
                               "data_not_followed": None}
    assert len(got["rows"]) == len(want)
    for g, w in zip(got["rows"], want):
        assert list(g) == list(w)                               # same fields, same order
        for k, v in w.items():
            if isinstance(v, str):
                assert g[k] == v
            else:                                               # sums per block: equal up to round-off
                assert type(g[k]) is float and g[k] == pytest.approx(v, rel=1e-12, abs=0), k


def test_quality_without_references_and_a_bad_value_in_a_late_block(tmp_path, monkeypatch):
    monkeypatch.setattr(accuracy, "QUALITY_BLOCK", 30)             # 10 probes of 3 numbers a block
    x0, z, den = write_random_file(tmp_path / "r.h5", probes=95, dim=3, sigmas=3)
    with pytest.raises(TinyscoreError, match="batch"):
        accuracy.quality(tmp_path / "r.h5", batch=0)
    res = accuracy.quality(tmp_path / "r.h5")
    assert res["settings"]["references"] == [] and [r["optimum"] for r in res["rows"]] == [None] * 3
    for i, row in enumerate(res["rows"]):
        assert row["mse"] == pytest.approx(float(np.mean((den[i].astype(np.float64) - x0) ** 2)), rel=1e-12)
    import h5py
    with h5py.File(tmp_path / "r.h5", "r+") as f:               # the last probe of the last sigma
        f["onestep/denoised"][2, 94, 1] = np.nan
    with pytest.raises(TinyscoreError, match=r"onestep/denoised holds NaN") as e:
        accuracy.quality(tmp_path / "r.h5")
    assert "\n" not in str(e.value)


# --------------------------------------------------------------------------- attractors: numbers
class Shrink:
    """A cheap stand-in for a network: pulls points halfway to the origin."""

    def denoise(self, y, sigma):
        return 0.5 * y


def reference_attractors(model, ds, n, eps, iters, starts, test_starts, seed=0):
    """The experiment on a float64 copy of the training set (as run_attractors held it before), with
    tinyscore.core.models' empirical denoiser and brute-force distances: rows and end points."""
    train = torch.from_numpy(ds.subset(n, "a").astype(np.float64))
    test = torch.from_numpy(ds.test(test_starts).astype(np.float64))
    rng = np.random.default_rng([seed, 7])
    own = np.sort(rng.choice(n, size=starts, replace=False))
    z = torch.from_numpy(rng.standard_normal((starts, *ds.shape)).astype(np.float32).astype(np.float64))
    z_test = torch.from_numpy(rng.standard_normal((test_starts, *ds.shape)).astype(np.float32).astype(np.float64))
    fallback = float(torch.linalg.vector_norm(test - train[0], dim=1).median()) if n == 1 else None

    def flags(end):
        d = torch.cdist(end, train).numpy()
        srt = np.sort(d, axis=1)
        d2 = srt[:, 1] if n > 1 else np.full(len(d), fallback)
        ratio = srt[:, 0] / d2
        return ratio < 1 / 3, d.argmin(1), ratio

    rows, ends = [], {}
    for e in eps:
        sig = core_att.sigma_schedule(e, iters)
        row = {"eps": float(e), "starts": starts, "test_starts": test_starts}
        for name, m in (("model", model), ("empirical", EmpiricalModel(train))):
            end = core_att.iterate(m, train[own] + e * z, sig)
            end_test = core_att.iterate(m, test + e * z_test, sig)
            memorised, nearest, ratio = flags(end)
            row[f"{name}_return_own"] = float((memorised & (nearest == own)).mean())
            row[f"{name}_any"] = float(memorised.mean())
            row[f"{name}_test_captured"] = float(flags(end_test)[0].mean())
            row[f"{name}_ratio_median"] = float(np.median(ratio))
            row[f"{name}_move_median"] = float(np.median(torch.linalg.vector_norm(end - train[own], dim=1).numpy()))
            ends[(e, name)] = (end.numpy(), end_test.numpy())
        rows.append(row)
    return rows, ends


@pytest.mark.parametrize("data, n", [("uniform", 300), ("uniform", 1), ("hd-uniform", 2000)])
def test_attractors_equal_the_float64_copy_computation(data, n):
    ds = load_dataset(data)
    eps, kw = (0.02, 0.3), dict(iters=4, starts=min(n, 48), test_starts=40)
    got = att.run_attractors(Shrink(), ds, n, "a", eps=eps, keep_points=True, **kw)
    rows, ends = reference_attractors(Shrink(), ds, n, eps, **kw)
    assert got["settings"]["precision"] == "float64"
    for g, w in zip(got["rows"], rows, strict=True):
        assert list(g) == list(w)
        for k, v in w.items():
            assert g[k] == pytest.approx(v, rel=1e-12, abs=1e-300), k
    for key, (end, end_test) in ends.items():                  # the denoisers' numbers, to the bit
        assert got["points"][key]["end"].dtype == np.float64
        assert np.array_equal(got["points"][key]["end"], end), key
        assert np.array_equal(got["points"][key]["end_test"], end_test), key
    start = got["starts"]["train_start"]
    assert start.dtype == np.float64 and np.array_equal(start, ds.subset(n, "a")[got["starts"]["own"]])


# -------------------------------------------------------------------------------- peak memory
PROBE = textwrap.dedent("""
    import resource, sys, tracemalloc
    import numpy as np, torch
    torch.set_num_threads(1)
    kind, *args = sys.argv[1:]
    if kind == "quality":
        from tinyscore.analyses.accuracy import quality

        class Points:                      # no density: the only reference is the empirical one of 10 points
            mixture, shape = None, (int(args[1]),)

            def subset(self, n, half):
                return np.random.default_rng(1).random((n, *self.shape), dtype=np.float32)

        tracemalloc.start()
        res = quality(args[0], dataset=Points(), n=10)
        assert res["settings"]["references"] == ["empirical"]
        print(tracemalloc.get_traced_memory()[1])
    else:
        from tinyscore.analyses.attractors import run_attractors
        from tinyscore.data.splits import Dataset

        class Pool(Dataset):               # hands out views of its arrays: what the run adds is its own
            name, test_size = "pool", 1000

            def __init__(self, n, d):
                rng = np.random.default_rng(0)
                self.shape, self.half_size = (d,), n
                self.pool = [rng.random((n, d), dtype=np.float32), None,
                             rng.random((self.test_size, d), dtype=np.float32)]

            def _take(self, stream, n):
                return self.pool[stream][:n]

        class Shrink:
            def denoise(self, y, sigma):
                return 0.5 * y

        n, d = int(args[0]), int(args[1])
        ds, kw = Pool(n, d), dict(eps=(0.05,), iters=2, starts=8, test_starts=8)
        run_attractors(Shrink(), ds, 20000, "a", **kw)            # the same code paths at a small N first
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        run_attractors(Shrink(), ds, n, "a", **kw)
        print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024)
""")


def probe(*args) -> int:
    out = subprocess.run([sys.executable, "-c", PROBE, *map(str, args)], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return int(out.stdout.split()[-1])


def test_quality_allocates_blocks_not_the_files_arrays(tmp_path):
    """40,000 probes of 100 numbers at 4 sigmas: x0, z and the outputs are 96 MB, which quality read
    whole (and then some: 199 MB traced); streamed it allocates ~8 MB, whatever the number of probes."""
    probes, dim, sigmas = 40_000, 100, 4
    write_random_file(tmp_path / "big.h5", probes, dim, sigmas)
    arrays = 4 * (2 + sigmas) * probes * dim
    peak = probe("quality", tmp_path / "big.h5", dim)
    assert peak < arrays / 4, (peak, arrays)


QUALITY_RSS = textwrap.dedent("""
    import resource, sys
    import numpy as np, torch
    torch.set_num_threads(1)
    from tinyscore.analyses.accuracy import quality

    class Points:                          # no density: the only reference is the empirical one of 10 points
        mixture, shape = None, (int(sys.argv[3]),)

        def subset(self, n, half):
            return np.random.default_rng(1).random((n, *self.shape), dtype=np.float32)

    quality(sys.argv[1], dataset=Points(), n=10, batch=256)   # a small file first: the code paths, lazy imports
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    res = quality(sys.argv[2], dataset=Points(), n=10, batch=256)
    assert res["settings"]["references"] == ["empirical"] and [r["mse"] for r in res["rows"]] == [0.0] * 8
    print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024)
""")


def sparse_trajectory_file(path, probes, dim, sigmas):
    """A valid trajectory file of zeros that costs no disk: its arrays are allocated and never written
    (holes read as zeros); its probes_digest is that of zeros."""
    import hashlib

    import h5py
    from h5py import h5d, h5p, h5s, h5t
    sig = np.geomspace(1.0, 0.05, sigmas)
    digest, row = hashlib.sha256(), bytes(4 * dim)
    for _ in range(2):                                     # x0 and z, as store.probes_digest hashes them
        digest.update(repr((probes, dim)).encode())
        for _ in range(probes):
            digest.update(row)
    digest.update(repr(sig.shape).encode())
    digest.update(sig.tobytes())
    with h5py.File(path, "w") as f:
        f.attrs.update(format=store.FORMAT, version=store.VERSION, variant="zeros", dataset="", n_train=0, half="",
                       seed=-1, probes_digest=digest.hexdigest())
        f["sigmas"], f["path/sigmas"] = sig, np.array([1.0])
        for name, lead in (("probes/x0", ()), ("probes/z", ()), ("onestep/denoised", (sigmas,)),
                           ("path/states", (1,)), ("path/denoised", (1,))):
            dcpl = h5p.create(h5p.DATASET_CREATE)
            dcpl.set_alloc_time(h5d.ALLOC_TIME_EARLY)
            dcpl.set_fill_time(h5d.FILL_TIME_NEVER)
            group, _, leaf = name.partition("/")
            h5d.create(f.require_group(group).id, leaf.encode(), h5t.IEEE_F32LE,
                       h5s.create_simple((*lead, probes, dim)), dcpl=dcpl)
    return path


def test_quality_of_a_file_far_larger_than_its_memory(tmp_path):
    """16,000 probes of 1,000 numbers at 8 sigmas: 512 MB of one-step outputs in a 768 MB file. A fresh
    process's peak resident memory -- numpy's blocks, HDF5's buffers, the heap check and the digest
    check alike -- grows by under 64 MiB (9 MiB measured; reading the outputs whole grew it by 440 MiB
    here, and the code before streaming by 2.1 GB on a 1.9 GB file). The references run 256 probes a
    batch: their float64 temporaries grow with the batch (some 40 MB at 1,024), not with the file."""
    probes, dim, sigmas = 16_000, 1000, 8
    big = sparse_trajectory_file(tmp_path / "big.h5", probes, dim, sigmas)
    small = sparse_trajectory_file(tmp_path / "small.h5", 100, dim, sigmas)
    outputs = 4 * sigmas * probes * dim
    assert big.stat().st_size > outputs > 500e6 and big.stat().st_blocks * 512 < 1e6     # a hole, not disk
    out = subprocess.run([sys.executable, "-c", QUALITY_RSS, str(small), str(big), str(dim)], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    grown = int(out.stdout.split()[-1])
    assert grown < 64 * 2**20, f"quality of {outputs >> 20} MiB of outputs grew peak memory by {grown >> 20} MiB"


def test_attractors_hold_one_training_set():
    """300,000 training points of 100 numbers (114 MB as float32): the run used to add a float64 copy
    (229 MB); now it adds only chunk-sized temporaries (under 50 MB measured), less than another copy
    of the training set in any precision."""
    n, dim = 300_000, 100
    growth = probe("attractors", n, dim)
    assert growth < 4 * n * dim, (growth, 4 * n * dim)


EMPIRICAL_PEAK = r"""
import resource, torch
from tinyscore.core.models import EmpiricalModel
x = torch.randn(300000, 100, generator=torch.Generator().manual_seed(0))     # 114 MiB of float32
y = torch.randn(64, 100, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
model = EmpiricalModel(x)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
model.denoise(y, 0.3)
print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024)
"""


def test_empirical_model_widens_its_keys_without_a_copy():
    """float64 queries against a float32 training set: the same values as a float64 copy of the set
    (the widening is exact), without that copy (it was 2x the set, 229 MiB here, on every call)."""
    g = torch.Generator().manual_seed(2)
    x = torch.randn(3000, 7, generator=g)
    y = torch.randn(16, 7, generator=g, dtype=torch.float64)
    got = EmpiricalModel(x).denoise(y, 0.2)
    assert got.dtype == torch.float64
    assert torch.equal(got, EmpiricalModel(x.double()).denoise(y, 0.2))
    grown = int(subprocess.run([sys.executable, "-c", EMPIRICAL_PEAK], capture_output=True, text=True,
                               check=True).stdout)
    assert grown < 60 * 2**20, f"{grown / 2**20:.0f} MiB"
