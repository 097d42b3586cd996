"""Training: trained models against the analytic score, reproducibility, safe checkpoints, dynamics."""
import copy
import json

import numpy as np
import pytest
import torch

from tinyscore.data.datasets import load_dataset
from tinyscore.core.dynamics import path_ladder, pf_ode_path
from tinyscore.errors import TinyscoreError
from tinyscore.core.metrics import score_error
from tinyscore.core.mixtures import GaussianMixture
from tinyscore.core.models import AnalyticModel
from tinyscore.storage.runs import load_checkpoint, load_run
from tinyscore.training.loop import train

# Relative score error ||s_model - s_true|| / ||s_true|| on held-out noisy points of `uniform`, after
# training with the defaults (1500 steps, N = 1000). The bounds are the errors measured on a CPU
# with a margin of about 1.5x. A sigma-blind denoiser must infer sigma from y alone, which a 2-D
# point cannot reveal, so its score error grows as sigma falls: its bounds are looser, measured too.
BOUNDS = {
    "ncsn": {1.0: 0.10, 0.5: 0.18, 0.25: 0.26},       # measured 0.067, 0.119, 0.171
    "ssm": {1.0: 0.09, 0.5: 0.17, 0.25: 0.25},        # measured 0.057, 0.113, 0.168
    "denoiser": {1.0: 0.7, 0.5: 1.0, 0.25: 3.3},      # measured 0.45, 0.65, 2.2 (sigma-blind)
}


@pytest.fixture(scope="module")
def uniform():
    return load_dataset("uniform")


def held_out_score_errors(model, dataset, sigmas):
    x = torch.from_numpy(dataset.test(2000))
    g = torch.Generator().manual_seed(123)
    return {s: score_error(model, dataset.mixture, x + s * torch.randn(x.shape, generator=g), s)["relative"]
            for s in sigmas}


@pytest.mark.parametrize("variant", ["ncsn", "ssm", "denoiser"])
def test_default_training_learns_the_analytic_score(variant, uniform, tmp_path):
    summary = train(uniform, tmp_path / "run", progress=False, variant=variant, device="cpu")
    model, opts, _ = load_run(tmp_path / "run")
    assert opts["n"] == 1000 and opts["variant"] == variant and summary["steps_per_second"] > 0
    errs = held_out_score_errors(model, uniform, BOUNDS[variant])
    print(variant, errs)
    for sigma, bound in BOUNDS[variant].items():
        assert errs[sigma] < bound, (variant, sigma, errs[sigma])


def test_the_analytic_model_has_zero_score_error(uniform):
    errs = held_out_score_errors(AnalyticModel(uniform.mixture), uniform, (1.0, 0.1, 0.01))
    assert max(errs.values()) < 1e-6


def test_same_seed_same_model_and_run_directory(uniform, tmp_path):
    kw = dict(progress=False, variant="ssm", steps=20, n=50, device="cpu")
    train(uniform, tmp_path / "a", seed=4, **kw)
    train(uniform, tmp_path / "b", seed=4, **kw)
    train(uniform, tmp_path / "c", seed=5, **kw)
    sa, sb, sc = (torch.load(tmp_path / r / "model.pt", weights_only=True)["state_dict"] for r in "abc")
    assert all(torch.equal(sa[k], sb[k]) for k in sa)
    assert not all(torch.equal(sa[k], sc[k]) for k in sa)
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["model.pt", "options.json", "stats.jsonl"]
    stats = [json.loads(line) for line in (tmp_path / "a" / "stats.jsonl").read_text().splitlines()]
    assert stats[-1]["step"] == 20 and all(np.isfinite(r["loss"]) for r in stats)
    assert not list(tmp_path.glob(".*tmp*"))          # no temporary folder left behind


def test_existing_run_is_not_overwritten_without_force(uniform, tmp_path):
    train(uniform, tmp_path / "r", progress=False, variant="ncsn", steps=5, n=10, device="cpu")
    with pytest.raises(TinyscoreError, match="exists"):
        train(uniform, tmp_path / "r", progress=False, variant="ncsn", steps=5, n=10, device="cpu")
    train(uniform, tmp_path / "r", progress=False, variant="ncsn", steps=5, n=20, device="cpu", force=True)
    assert json.loads((tmp_path / "r" / "options.json").read_text())["n"] == 20


def test_checkpoints_load_safely(tmp_path, uniform):
    train(uniform, tmp_path / "r", progress=False, variant="denoiser", steps=3, n=10, device="cpu")
    model = load_checkpoint(tmp_path / "r" / "model.pt")
    assert model.variant == "denoiser" and not model.conditional
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"not a checkpoint")
    with pytest.raises(TinyscoreError, match="not a readable"):
        load_checkpoint(bad)
    torch.save({"x": torch.zeros(2)}, bad)              # a valid torch file that is not ours
    with pytest.raises(TinyscoreError, match="not a tinyscore checkpoint"):
        load_checkpoint(bad)

    class Evil:                                          # a pickle that would run code if unpickled
        def __reduce__(self):
            return (print, ("unpickled!",))
    torch.save({"format": "tinyscore.checkpoint", "evil": Evil()}, bad)
    with pytest.raises(TinyscoreError):
        load_checkpoint(bad)


def test_heun_path_follows_the_exact_probability_flow():
    """For one Gaussian N(m, c I) the PF-ODE is solved by x(s) = m + (x0 - m) sqrt((c + s^2) / (c + s0^2))."""
    m, c = np.array([0.5, -1.0, 2.0]), 0.2
    model = AnalyticModel(GaussianMixture([1.0], [m], [c * np.eye(3)]))
    ladder = path_ladder((1.0, 0.5, 0.25, 0.1, 0.05), substeps=8)
    y0 = torch.randn(16, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(0)) + torch.from_numpy(m)
    states, denoised = pf_ode_path(model, y0, ladder)
    exact = m + (y0.numpy() - m)[None] * np.sqrt((c + ladder ** 2) / (c + ladder[0] ** 2))[:, None, None]
    np.testing.assert_allclose(states, exact, rtol=0, atol=2e-3)
    np.testing.assert_allclose(denoised[-1], model.mixture.denoise(states[-1], ladder[-1]), atol=1e-5)
    assert np.allclose(ladder[[0, 8, 16, 24, 32]], [1.0, 0.5, 0.25, 0.1, 0.05])


def test_our_adam_is_torch_adam_bit_for_bit():
    """tinyscore.core.optim.Adam + cosine_lr against torch.optim.Adam + LambdaLR: identical parameters."""
    import math

    from tinyscore.core.optim import Adam, cosine_lr
    torch.manual_seed(3)
    net_a = torch.nn.Sequential(torch.nn.Linear(5, 16), torch.nn.SiLU(), torch.nn.Linear(16, 3))
    net_b = copy.deepcopy(net_a)
    steps, lr = 40, 3e-3
    ours = Adam(net_a.parameters(), lr=lr)
    theirs = torch.optim.Adam(net_b.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.LambdaLR(theirs, lambda i: 0.5 * (1 + math.cos(math.pi * i / steps)))
    gen = torch.Generator().manual_seed(0)
    for step in range(1, steps + 1):
        x = torch.randn(32, 5, generator=gen)
        for net, opt in ((net_a, ours), (net_b, theirs)):
            opt.zero_grad()
            (net(x) ** 2).mean().backward()
        ours.lr = cosine_lr(lr, step - 1, steps)
        ours.step()
        theirs.step()
        sched.step()
        assert cosine_lr(lr, step, steps) == sched.get_last_lr()[0]
    for pa, pb in zip(net_a.parameters(), net_b.parameters()):
        assert torch.equal(pa, pb)


def test_our_adam_leaves_parameters_without_a_gradient_alone():
    """A parameter with no gradient this step (frozen, or unused) keeps its value and moments; the
    others move exactly as torch.optim.Adam moves them (which skips such parameters too)."""
    from tinyscore.core.optim import Adam
    torch.manual_seed(4)
    net_a = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Linear(4, 2))
    net_b = copy.deepcopy(net_a)
    ours, theirs = Adam(net_a.parameters(), lr=1e-2), torch.optim.Adam(net_b.parameters(), lr=1e-2)
    x = torch.randn(8, 3)
    for net, opt in ((net_a, ours), (net_b, theirs)):
        for _ in range(3):
            opt.zero_grad()
            (net(x) ** 2).mean().backward()
            net[0].weight.grad = None
            opt.step()
    assert not ours.m[0].any() and not ours.v[0].any()
    for pa, pb in zip(net_a.parameters(), net_b.parameters()):
        assert torch.equal(pa, pb)
    ours.zero_grad()
    ours.step()                                  # no gradient at all: nothing moves, nothing fails
    assert all(torch.equal(pa, pb) for pa, pb in zip(net_a.parameters(), net_b.parameters()))
