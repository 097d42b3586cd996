"""``python cli.py bench``: our paths against their baselines, side by side, in one process.

Rows (each: our time, the baseline's time, ratio = baseline / ours, so > 1 means we are faster):

* the empirical denoiser (kernels.bench): fused/chunked against naive broadcast and against
  cdist + softmax + matmul, with the GEMM-bound floor measured in the same run;
* the divergence reduction against plain PyTorch;
* the SSM training step: projections by the Philox kernel with double backward (ours, default),
  and forward-mode AD, against the double-backward reference of Song et al. (2019) with an
  explicit Rademacher tensor v; and the SSM step against a DSM step on the same network (the
  extra cost of one directional derivative);
* steps per second of each variant with the default settings on the default data.

Timings are medians of a few repeats after a warm-up; numbers of record go into README with the
machine they came from.
"""
from __future__ import annotations

import statistics
import time

import torch

from .models import ScoreModel, bcast_sigma
from .objectives import DSMLoss, ReconstructionLoss, SSMLoss, sample_sigma


def _reference_ssm(model, x, sigma, gen):
    """Song et al. (2019): an explicit v tensor, p = v^T s, g = grad_y p, v^T g (double backward)."""
    y = (x + bcast_sigma(sigma, x) * torch.randn(x.shape, generator=gen)).requires_grad_(True)
    v = torch.randint(0, 2, x.shape, generator=gen).to(x.dtype) * 2 - 1
    s = model.score(y, sigma)
    (g,) = torch.autograd.grad((v * s).sum(), y, create_graph=True)
    return sigma ** 2 * ((v * g).flatten(1).sum(1) + 0.5 * s.flatten(1).pow(2).sum(1))


def _step_time(model, loss_fn, x, steps: int, repeats: int = 3) -> float:
    """Median seconds per optimiser step (forward, backward, Adam)."""
    opt = torch.optim.Adam(model.parameters(), lr=1e-4)
    gen = torch.Generator().manual_seed(0)

    def run(n):
        for _ in range(n):
            sigma = sample_sigma(x.shape[0], 0.01, 1.0, gen)
            loss = loss_fn(model, x, sigma, gen).mean()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        if x.is_cuda:
            torch.cuda.synchronize()

    run(2)
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        run(steps)
        times.append((time.perf_counter() - t) / steps)
    return statistics.median(times)


def bench_training(device, quick: bool = False) -> list[dict]:
    """SSM step against its references, and steps/s of each variant, for the MLP and a small conv net."""
    nets = [("mlp 100-D", dict(arch="mlp", shape=[100], net={}), 256),
            ("mlp 2-D (default data)", dict(arch="mlp", shape=[2], net={}), 256)]
    try:
        from . import unet  # noqa: F401  (the conv backbone comes with image support)
        nets.append(("conv 1x16x16" if quick else "conv 1x40x40",
                     dict(arch="conv", shape=[1, 16, 16] if quick else [1, 40, 40], net={}), 16 if quick else 32))
    except ImportError:
        pass
    steps = 3 if quick else 10
    rows = []
    for label, cfg, batch in nets:
        torch.manual_seed(0)
        x = torch.rand(batch, *cfg["shape"], device=device)
        model = ScoreModel(dict(variant="ssm", sigma_data=0.5, **cfg)).to(device)
        t_ours = _step_time(model, SSMLoss(jvp="backward"), x, steps)
        t_fwd = _step_time(model, SSMLoss(jvp="forward"), x, steps)
        t_ref = _step_time(model, _reference_ssm, x, steps)
        t_dsm = _step_time(model, DSMLoss(), x, steps)
        shape = f"B={batch}"
        rows += [
            _row(f"SSM step, {label}", shape, t_ours, "double backward, explicit v (Song et al.)", t_ref),
            _row(f"SSM step (forward-mode jvp), {label}", shape, t_fwd, "double backward, explicit v", t_ref),
            _row(f"SSM step, {label}", shape, t_ours, "DSM step, same net (extra cost of the jvp)", t_dsm),
        ]
        blind = ScoreModel(dict(variant="denoiser", sigma_data=0.5, conditional=False, **cfg)).to(device)
        t_rec = _step_time(blind, ReconstructionLoss(), x, steps)
        for name, t in (("denoiser", t_rec), ("ncsn", t_dsm), ("ssm", t_ours)):
            rows.append(_row(f"steps/s {name}, {label}", shape, t, "", None, note=f"{1 / t:.1f} steps/s"))
    return rows


def _row(name, shape, ours_s, baseline, baseline_s, note=""):
    ratio = baseline_s / ours_s if baseline_s else None
    return {"name": name, "shape": shape, "ours_s": ours_s, "baseline": baseline, "baseline_s": baseline_s,
            "ratio": ratio, "peak_mem": "", "note": note}


def run_bench(device="auto", quick: bool = False, echo=print, threads: int = 1) -> list[dict]:
    """Run every benchmark, print one table, and return the rows (``threads`` CPU threads; 0: torch's default)."""
    from kernels import bench as kbench

    from .training import pick_device
    dev = pick_device(device)
    if threads > 0:
        torch.set_num_threads(threads)
    echo(f"device: {kbench.device_description(dev)}")
    rows = []
    for part in (kbench.bench_empirical, kbench.bench_divergence, bench_training):
        rows += part(dev, quick=quick)
    echo(kbench.format_table(rows))
    return rows
