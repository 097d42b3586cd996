"""Attractors: the empirical denoiser memorises, the classification rule, the command."""
import json
import os

import numpy as np
import pytest
import torch

from cli import main
from tinyscore.analyses import attractors as att
from tinyscore.core import attractors as core
from tinyscore.data.datasets import load_dataset
from tinyscore.errors import TinyscoreError
from tinyscore.core.models import EmpiricalModel, to_tensor


@pytest.fixture(scope="module")
def uniform():
    return load_dataset("uniform")


@pytest.mark.parametrize("n", [1, 10])
def test_empirical_denoiser_returns_every_start_at_small_eps(uniform, n):
    model = EmpiricalModel(to_tensor(uniform.subset(n, "a")))
    res = att.run_attractors(model, uniform, n, "a", eps=(0.01,), iters=5, starts=64, test_starts=32)
    row = res["rows"][0]
    assert row["model_return_own"] == 1.0 and row["model_any"] == 1.0
    assert row["empirical_return_own"] == 1.0
    assert row["empirical_test_captured"] == 1.0          # the ideal memoriser captures held-out points too
    assert res["settings"]["n_train"] == n


def test_identity_model_leaves_large_perturbations_alone(uniform):
    class Identity:
        def denoise(self, y, sigma):
            return y
    res = att.run_attractors(Identity(), uniform, 100, "a", eps=(1.0,), iters=3, starts=50, test_starts=50)
    row = res["rows"][0]
    assert row["model_return_own"] < 0.5 and row["empirical_return_own"] > row["model_return_own"]


def test_nearest_two_matches_brute_force():
    g = torch.Generator().manual_seed(0)
    pts, train = torch.randn(17, 3, generator=g), torch.randn(41, 3, generator=g)
    idx, d1, d2 = core.nearest_two(pts, train, chunk=8)       # ragged chunks
    d = torch.cdist(pts.double(), train.double()).numpy()
    srt = np.sort(d, axis=1)
    assert np.array_equal(idx, d.argmin(1))
    assert np.allclose(d1, srt[:, 0]) and np.allclose(d2, srt[:, 1])


def test_classify_rule_and_single_sample_fallback():
    train = torch.tensor([[0.0, 0.0], [10.0, 0.0]])
    ends = torch.tensor([[0.1, 0.0], [4.0, 0.0], [9.0, 0.0]])
    c = core.classify(ends, train, own=[0, 0, 1])
    assert c["memorised"].tolist() == [True, False, True]
    assert c["returned"].tolist() == [True, False, True]
    one = train[:1]
    with pytest.raises(TinyscoreError):
        core.classify(ends, one)
    c1 = core.classify(ends, one, own=[0, 0, 0], d2_fallback=10.0)
    assert c1["memorised"].tolist() == [True, False, False]


def test_schedules_and_eps_parsing():
    s = core.sigma_schedule(0.1, 5)
    assert s[0] == pytest.approx(0.1) and s[-1] == pytest.approx(0.01) and np.all(np.diff(s) < 0)
    assert np.all(core.sigma_schedule(0.1, 3, "fixed") == 0.1)
    assert att.parse_eps("0.25,0.05") == (0.05, 0.25)
    for bad in ("", "a", "0,-1"):
        with pytest.raises(TinyscoreError):
            att.parse_eps(bad)


def test_cli_attractors(tmp_path, capsys):
    out, js = tmp_path / "a.h5", tmp_path / "a.json"
    rc = main(["attractors", "empirical", "--data", "uniform", "--n", "20", "--eps", "0.02", "--iters", "3",
               "--starts", "10", "--test-starts", "10", "--out", str(out), "--json", str(js), "--plot", str(tmp_path / "a.png"),
               "--device", "cpu"])
    assert rc == 0
    res = json.loads(js.read_text())
    row = res["rows"][0]
    # two of 20 samples may lie within a few eps of each other; the pseudo-model is its own reference
    assert row["model_return_own"] == row["empirical_return_own"] >= 0.8
    assert out.is_file() and (tmp_path / "a.png").is_file()
    assert main(["attractors", "empirical", "--eps", "x"]) == 2
    assert "error:" in capsys.readouterr().err


def test_mixture_attractors_run_in_float64_against_a_numpy_oracle(uniform):
    """The empirical optimum's flags equal a float64 NumPy iteration of softmax-weighted averages."""
    n, eps, iters = 300, 0.25, 6
    res = att.run_attractors(EmpiricalModel(to_tensor(uniform.subset(n, "a"))), uniform, n, "a", eps=(eps,),
                             iters=iters, starts=128, test_starts=8, seed=3, keep_points=True)
    assert res["settings"]["precision"] == "float64"
    x = uniform.subset(n, "a").astype(np.float64)
    st = res["starts"]
    y = st["train_start"].astype(np.float64) + eps * st["z_train"].astype(np.float64)
    for s in core.sigma_schedule(eps, iters, "anneal", 0.01):
        logits = -((y[:, None, :] - x[None]) ** 2).sum(-1) / (2 * s * s)
        w = np.exp(logits - logits.max(1, keepdims=True))
        y = (w / w.sum(1, keepdims=True)) @ x
    d = np.sqrt(((y[:, None, :] - x[None]) ** 2).sum(-1))
    d.sort(1)
    ours = res["points"][(eps, "empirical")]
    np.testing.assert_allclose(ours["end"], y, rtol=1e-9, atol=1e-9)
    assert np.array_equal(ours["d1"] / ours["d2"] < 1 / 3, d[:, 0] / d[:, 1] < 1 / 3)


HELD_ONCE = r"""
import sys
import numpy as np, torch
torch.set_num_threads(1)
from tinyscore.analyses import attractors as att
from tinyscore.core.models import EmpiricalModel
from tinyscore.data.splits import Dataset


def anonymous():                 # bytes of anonymous memory now: the arrays; not the libraries' pages,
    with open("/proc/self/status") as f:     # which a busy machine may evict and fault back in
        return next(int(line.split()[1]) * 1024 for line in f if line.startswith("RssAnon:"))


class Drawn(Dataset):           # draws a fresh array at every call, as the mixture datasets do
    name, test_size = "drawn", 64

    def __init__(self, n, d):
        self.shape, self.half_size, self.d = (d,), n, d

    def _take(self, stream, n):
        return np.random.default_rng(stream).random((n, self.d), dtype=np.float32)


n, d, hand_over = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "1"
ds = Drawn(n, d)
model = EmpiricalModel(torch.from_numpy(ds.subset(n, "a")))    # as resolve_model builds the pseudo-model
kw = dict(eps=(0.05,), iters=1, starts=4, test_starts=4)
att.run_attractors(model, Drawn(2000, d), 2000, "a", **kw)     # the same code paths at a small N first
peak, classify = [0], att.classify


def watching(*a, **k):          # called while the run holds its training set
    peak[0] = max(peak[0], anonymous())
    return classify(*a, **k)


att.classify = watching
before = anonymous()
att.run_attractors(model, ds, n, "a", train=att.held_training_set(model) if hand_over else None, **kw)
print(peak[0] - before)
"""


def run_growth(*args) -> int:
    import subprocess
    import sys
    from pathlib import Path
    out = subprocess.run([sys.executable, "-c", HELD_ONCE, *map(str, args)], cwd=Path(__file__).resolve().parents[1],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return int(out.stdout.split()[-1])


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="reads the anonymous memory from /proc")
def test_attractors_of_the_empirical_model_hold_its_training_set_once():
    """300,000 points of 100 numbers (114 MB of float32) held by the empirical pseudo-model: handed over,
    the run adds only chunk-sized temporaries; drawn again, it holds a second copy while it runs."""
    n, dim = 300_000, 100
    copy = 4 * n * dim
    assert run_growth(n, dim, 1) < 0.4 * copy
    assert run_growth(n, dim, 0) > 0.9 * copy      # the check can fail: without the handover, two copies


def test_the_command_hands_the_pseudo_models_keys_over(monkeypatch):
    seen = {}
    real = att.run_attractors

    def spy(model, *a, **k):
        seen["same"] = k.get("train") is model.train
        return real(model, *a, **k)
    monkeypatch.setattr(att, "run_attractors", spy)
    assert main(["attractors", "empirical", "--data", "uniform", "--n", "20", "--eps", "0.02", "--iters", "2",
                 "--starts", "5", "--test-starts", "5", "--device", "cpu"]) == 0
    assert seen == {"same": True}
