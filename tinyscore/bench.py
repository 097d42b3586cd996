"""``python cli.py bench``: our paths against their floors and baselines, side by side, in one process.

Rows (``kernels.bench.ROW_KEYS``; ``ratio = baseline_s / time_s``, above 1 faster than the
baseline; against a floor, the fraction of the floor reached):

* the empirical denoiser (``kernels.bench``) against its one- and two-GEMM floors, cdist +
  softmax + matmul and the plain reference (broadcast), for queries spread around the data and near it;
* the divergence reduction against plain PyTorch;
* the SSM training step (default: the faster Jacobian-vector product on the device,
  ``ssm_paths.default_jvp``) against its floor, a DSM step on the same network, and against
  forward mode and the explicit-v double backward of Song et al. (2019); the seeded Philox
  directions against an SSM step (the part of the step they cost);
* steps per second of each variant with the default settings;
* the conv UNet's DSM step in bf16 autocast and in channels_last against the plain fp32 step;
* the exact mixture's score (``bench_analytic``) at the six benchmarks and in 1600-D against the floor
  of its covariance forms (its two products at this machine's rate) and the dense einsum of before.

Every group of compared functions is timed interleaved in one process (``kernels.bench.measure``):
at least 5 repeats, medians, the load average recorded with each row.  ``run_bench`` returns a
report ``{"machine": ..., "rows": [...]}`` (what ``--json`` writes); ``markdown(report)`` (or
``python -m tinyscore.bench REPORT.json``) renders the performance table of the README from it.
"""
from __future__ import annotations

import datetime
import json
import os
import platform
import sys

import torch

from tinyscore.config import TRAIN_DEFAULTS
from tinyscore.core.models import ScoreModel, bcast_sigma
from tinyscore.core.objectives import DSMLoss, ReconstructionLoss, SSMLoss, sample_sigma
from tinyscore.core.ssm_paths import default_jvp


def _reference_ssm(model, x, sigma, gen):
    """Song et al. (2019): an explicit v tensor, p = v^T s, g = grad_y p (double backward)."""
    y = (x + bcast_sigma(sigma, x) * torch.randn(x.shape, generator=gen, device=x.device)).requires_grad_(True)
    v = torch.randint(0, 2, x.shape, generator=gen, device=x.device).to(x.dtype) * 2 - 1
    s = model.score(y, sigma)
    (g,) = torch.autograd.grad((v * s).sum(), y, create_graph=True)
    return sigma ** 2 * ((v * g).flatten(1).sum(1) + 0.5 * s.flatten(1).pow(2).sum(1))


def make_step(model, loss_fn, x, precision: str = TRAIN_DEFAULTS["precision"]):
    """One optimiser step (forward, backward, Adam) of ``loss_fn`` on a fixed batch, as a closure; the
    forward pass in ``precision`` (training.autocast), as ``train`` runs it."""
    from tinyscore.core.optim import Adam
    from tinyscore.training.loop import autocast

    opt = Adam(model.parameters(), lr=1e-4)                   # the optimiser train uses
    gen = torch.Generator(device=x.device).manual_seed(0)     # the training draws live on the device

    def step():
        sigma = sample_sigma(x.shape[0], 0.01, 1.0, gen, device=x.device)
        with autocast(precision, x.device):
            loss = loss_fn(model, x, sigma, gen).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss

    return step


def training_nets(quick: bool):
    """(label, model options, batch): the MLP at 100-D (batch 512) and 2-D (batch 256), and a conv UNet."""
    nets = [("MLP 100-D", dict(arch="mlp", shape=[100], net={}), 512),
            ("MLP 2-D", dict(arch="mlp", shape=[2], net={}), 256)]
    try:
        from tinyscore.core import unet  # noqa: F401  (the conv backbone comes with image support)
        nets.append(("conv 1x16x16" if quick else "conv 1x40x40",
                     dict(arch="conv", shape=[1, 16, 16] if quick else [1, 40, 40], net={}), 16 if quick else 32))
    except ImportError:
        pass
    return nets


def bench_training(device, quick: bool = False, repeats: int = 5, warmup: int = 1, nets=None) -> list[dict]:
    """The SSM step against a DSM step (its floor) and its alternatives, and steps/s of each variant."""
    import kernels
    from kernels.bench import make_row, measure

    device = torch.device(device)
    mode = {"backward": "double backward", "forward": "forward-mode jvp"}
    rows = []
    for label, cfg, batch in (nets or training_nets(quick)):
        default = default_jvp(device, cfg["arch"])
        other = "forward" if default == "backward" else "backward"
        torch.manual_seed(0)
        x = torch.rand(batch, *cfg["shape"], device=device)
        D = x[0].numel()
        model = ScoreModel(dict(variant="ssm", sigma_data=0.5, **cfg)).to(device)
        blind = ScoreModel(dict(variant="denoiser", sigma_data=0.5, conditional=False, **cfg)).to(device)
        seeds = iter(range(10**9))
        fns = {
            "ssm": make_step(model, SSMLoss(jvp=default), x),
            "ssm_other": make_step(model, SSMLoss(jvp=other), x),
            "ssm_song": make_step(model, _reference_ssm, x),
            "dsm": make_step(model, DSMLoss(), x),
            "denoiser": make_step(blind, ReconstructionLoss(), x),
            # a fresh seed per call, as in training (the last block is cached)
            "directions": lambda: kernels.projection_vectors((batch, D), next(seeds), 0, device=device),
        }
        t = measure(fns, device, repeats, warmup)
        case = f"{label}, batch {batch}"
        ssm, dsm = t["ssm"], t["dsm"]
        cost = ssm["time_s"] / dsm["time_s"]
        rows += [
            make_row(f"SSM step ({mode[default]}, default on {device.type})", case, ssm,
                     "floor: DSM step, same net", dsm, note=f"SSM costs {cost:.2f}x a DSM step"),
            make_row(f"SSM step ({mode[other]})", case, t["ssm_other"], "floor: DSM step, same net", dsm,
                     note=f"costs {t['ssm_other']['time_s'] / dsm['time_s']:.2f}x a DSM step"),
            make_row(f"SSM step ({mode[default]}, default on {device.type})", case, ssm,
                     "SSM step, explicit v, double backward (Song et al.)", t["ssm_song"],
                     note="seeded Philox directions against torch.randint ones"),
            make_row(f"seeded Philox directions ({batch} x {D})", case, t["directions"], "SSM step", ssm,
                     note=f"{100 * t['directions']['time_s'] / ssm['time_s']:.1f}% of an SSM step"),
        ]
        for name, key in (("denoiser", "denoiser"), ("ncsn", "dsm"), ("ssm", "ssm")):
            tt = t[key]
            rows.append(make_row(f"training steps/s, {name}", case, tt, note=f"{1 / tt['time_s']:.1f} steps/s"))
    return rows


def make_conv_step(cfg: dict, batch: int, device, precision: str, channels_last: bool):
    """One DSM (ncsn) training step of the conv UNet in ``precision``, optionally in channels_last."""
    torch.manual_seed(0)
    model = ScoreModel(dict(variant="ncsn", sigma_data=0.5, **cfg)).to(device)
    x = torch.rand(batch, *cfg["shape"], device=device)
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
    return make_step(model, DSMLoss(), x, precision)


def bench_precision(device, quick: bool = False, repeats: int = 5, warmup: int = 1) -> list[dict]:
    """The conv UNet's DSM step in bf16 autocast and/or channels_last against the plain fp32 step."""
    from kernels.bench import make_row, measure
    try:
        from tinyscore.core import unet  # noqa: F401
    except ImportError:
        return []
    device = torch.device(device)
    rows = []
    for res, batch in ((16, 16),) if quick else ((40, 32), (80, 32)):
        cfg = dict(arch="conv", shape=[1, res, res], net={})
        fns = {f"{p}{' + channels_last' if cl else ''}": make_conv_step(cfg, batch, device, p, cl)
               for p in ("fp32", "bf16") for cl in (False, True)}
        t = measure(fns, device, repeats, warmup)
        case = f"conv 1x{res}x{res}, batch {batch}"
        for key in ("bf16", "fp32 + channels_last", "bf16 + channels_last"):
            speed = t["fp32"]["time_s"] / t[key]["time_s"]
            rows.append(make_row(f"conv DSM step, {key}", case, t[key], "conv DSM step, fp32", t["fp32"],
                                 note=f"{speed:.2f}x the fp32 step"))
    return rows


#: (mixture, probes per call) of the analytic-score rows: the six benchmarks at the trajectory batch,
#: and one Gaussian N(0, 0.5 I) in 1600 dimensions
ANALYTIC_CASES = [(name, 512) for name in ("uniform", "sharpcov", "spiral", "hd-uniform", "hd-sharpcov",
                                           "thinmanifold")] + [("iso-1600", 512)]
ANALYTIC_CASES_QUICK = [("uniform", 512), ("thinmanifold", 512), ("iso-1600", 128)]


def analytic_columns(mix) -> int:
    """N, the columns of the products the exact score needs: 1 + r per component of c I + F F^T (r = 0
    for c I, and a diagonal counted likewise), D per full one; the floor is (B x D)(D x N) and back."""
    from tinyscore.core.mixtures import Full, LowRank
    return sum(mix.D if isinstance(f, Full) else 1 + (f.factor.shape[1] if isinstance(f, LowRank) else 0)
               for f in mix.forms)


def _dense_score(mix):
    """The score as computed before the forms: every covariance a dense D x D matrix, einsum (no BLAS)."""
    import numpy as np
    lam, U = np.linalg.eigh(mix.covs)
    lam = np.maximum(lam, 1e-12)

    def score(y, sigma):
        var = lam[None] + sigma ** 2
        r = np.einsum("bkd,kde->bke", y[:, None, :] - mix.means[None], U)
        logits = np.log(mix.weights)[None] - 0.5 * (np.log(var).sum(-1) + (r * r / var).sum(-1))
        resp = np.exp(logits - logits.max(1, keepdims=True))
        resp /= resp.sum(1, keepdims=True)
        return np.einsum("bk,bkd->bd", resp, -np.einsum("bke,kde->bkd", r / var, U))
    return score


def bench_analytic(device=None, quick: bool = False, repeats: int = 5, warmup: int = 1, cases=None) -> list[dict]:
    """The exact mixture's score (sigma 0.1, points drawn from the mixture and noised) against the floor
    of its forms, two products of the same shapes at this machine's rate (the faster of the layouts
    (B x D)(D x N) and (N x D)(D x B), as BLAS is faster in one or the other), and against the dense einsum
    of before (skipped above 100 dimensions in --quick); NumPy's BLAS on torch's thread count."""
    import numpy as np
    from kernels.bench import make_row, measure
    from tinyscore.core.mixtures import GaussianMixture
    from tinyscore.devices import blas_threads
    from tinyscore.storage.mixture_files import load_mixture

    rows = []
    for name, B in (cases or (ANALYTIC_CASES_QUICK if quick else ANALYTIC_CASES)):
        mix = (GaussianMixture([1.0], np.zeros((1, 1600)), [0.5], name=name) if name == "iso-1600"
               else load_mixture(name))
        rng = np.random.default_rng(0)
        y = mix.sample(B, 1) + 0.1 * rng.standard_normal((B, mix.D))
        N = analytic_columns(mix)
        W, C = rng.standard_normal((mix.D, N)), rng.standard_normal((B, N))
        WT, CT = np.ascontiguousarray(W.T), np.ascontiguousarray(C.T)
        # the floor in both layouts (BLAS picks other kernels for each; the faster one is the floor)
        fns = {"score": lambda: mix.score(y, 0.1), "floor": lambda: (y @ W, C @ W.T),
               "floor_t": lambda: (WT @ y.T, CT.T @ WT)}
        if not (quick and mix.D > 100):
            dense = _dense_score(mix)
            fns["dense"] = lambda: dense(y, 0.1)
        with blas_threads(torch.get_num_threads()):
            t = measure(fns, "cpu", repeats, warmup)
        kinds = "+".join(sorted({type(f).__name__ for f in mix.forms}))
        case = f"{name}: K={mix.K} D={mix.D} {kinds}, B={B}"
        floor = min(t["floor"], t["floor_t"], key=lambda m: m["time_s"])
        cost = t["score"]["time_s"] / floor["time_s"]
        rows.append(make_row("analytic score", case, t["score"], f"floor: its two products, N={N}", floor,
                             note=f"{cost:.2f}x the floor"))
        if "dense" in t:
            rows.append(make_row("analytic score", case, t["score"], "dense D x D einsum (before)", t["dense"],
                                 note=f"{t['dense']['time_s'] / t['score']['time_s']:.1f}x faster"))
    return rows


def machine_info(device) -> dict:
    """Where the numbers come from: the machine, the software, the load."""
    from kernels.bench import device_description, load_average

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")), cpu)
    except OSError:
        pass
    device = torch.device(device)
    return {
        "device": device_description(device),
        "cpu": cpu,
        "cpu_cores": os.cpu_count(),
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "cpu_capability": getattr(torch.backends.cpu, "get_cpu_capability", lambda: None)(),
        "python": platform.python_version(),
        "date_utc": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M"),
        "load_avg_start": load_average(),
    }


def run_bench(device="auto", quick: bool = False, echo=print, threads: int = 1, repeats: int = 5) -> dict:
    """Run every benchmark, print one table, and return the report ``{"machine", "rows"}``.

    ``threads`` CPU threads (0: torch's default); ``repeats`` per compared function (at least 5
    for numbers of record).
    """
    from kernels import bench as kbench

    from tinyscore.devices import pick_device
    dev = pick_device(device)
    if threads > 0:
        torch.set_num_threads(threads)
    info = machine_info(dev)
    echo(f"device: {info['device']}; {info['cpu']}, {info['cpu_cores']} cores; load {info['load_avg_start']}")
    rows = []
    for part in (kbench.bench_empirical, kbench.bench_divergence, bench_training, bench_precision, bench_analytic):
        rows += part(dev, quick=quick, repeats=repeats)
    info["load_avg_end"] = kbench.load_average()
    echo(kbench.format_table(rows))
    echo(f"load average {info['load_avg_start']} at the start, {info['load_avg_end']} at the end")
    return {"machine": info, "rows": rows}


def _ms(v) -> str:
    if v is None:
        return "-"
    return f"{v * 1e3:.3g} ms" if v < 10 else f"{v:.3g} s"


def markdown(report: dict) -> str:
    """The README's performance table from a ``run_bench`` report (or its JSON)."""
    m, rows = report["machine"], report["rows"]
    clocks = sorted({r.get("clock") or "wall" for r in rows})
    repeats = min((r.get("repeats") or 0 for r in rows), default=0)
    device = m["device"] if not m["device"].startswith("cpu") else "no GPU"
    out = [f"**{m['cpu']}, {m['cpu_cores']} cores, {device}, torch {m['torch']}, {m['threads']} thread(s), "
           f"{m['date_utc']} UTC; load average {m['load_avg_start']} at the start, {m.get('load_avg_end')} at the end; "
           f"medians of {repeats} interleaved repeats, {' and '.join(clocks)} clock:**", ""]
    emp = [r for r in rows if r["name"] == "empirical denoiser"]
    if emp:
        out += ["| empirical denoiser | time | two-GEMM floor | fraction of floor | one-GEMM floor | "
                "cdist + softmax + matmul | plain reference (broadcast) | peak memory |",
                "|---|---|---|---|---|---|---|---|"]
        for case in dict.fromkeys(r["case"] for r in emp):
            by = {r["baseline"].split(" (")[0]: r for r in emp if r["case"] == case}
            two, one = by.get("floor: two GEMMs"), by.get("floor: one GEMM")
            cd, nv = by.get("cdist + softmax + matmul"), by.get("plain reference")

            def vs(r):
                if r is None or r["baseline_s"] is None:
                    return "-" if r is None else r["note"].replace("skipped: ", "")
                return f"{_ms(r['baseline_s'])} ({r['ratio']:.1f}x)"
            out.append(f"| {case} | {_ms(two['time_s'])} | {_ms(two['baseline_s'])} | {two['ratio']:.2f} | "
                       f"{_ms(one['baseline_s'])} ({one['ratio']:.2f}) | {vs(cd)} | {vs(nv)} | "
                       f"{two['peak_mem']} |")
        out.append("")
    steps = [r for r in rows if r["name"].startswith(("SSM step", "seeded Philox"))]
    if steps:
        out += ["| training step | case | time | compared with | its time | note |", "|---|---|---|---|---|---|"]
        for r in steps:
            out.append(f"| {r['name']} | {r['case']} | {_ms(r['time_s'])} | {r['baseline']} | "
                       f"{_ms(r['baseline_s'])} | {r['note']} |")
        out.append("")
    rates = [r for r in rows if r["name"].startswith("training steps/s")]
    if rates:
        out += ["| steps per second | " + " | ".join(dict.fromkeys(r["case"] for r in rates)) + " |",
                "|---|" + "---|" * len(dict.fromkeys(r["case"] for r in rates))]
        for variant in dict.fromkeys(r["name"].split(", ")[-1] for r in rates):
            cells = [f"{1 / r['time_s']:.1f}" for r in rates if r["name"].endswith(", " + variant)]
            out.append(f"| {variant} | " + " | ".join(cells) + " |")
        out.append("")
    exact = [r for r in rows if r["name"] == "analytic score"]
    if exact:
        out += ["| analytic score | time | floor (its two products) | x the floor | dense einsum (before) |",
                "|---|---|---|---|---|"]
        for case in dict.fromkeys(r["case"] for r in exact):
            floor = next(r for r in exact if r["case"] == case and r["baseline"].startswith("floor"))
            dense = next((r for r in exact if r["case"] == case and r["baseline"].startswith("dense")), None)
            out.append(f"| {case} | {_ms(floor['time_s'])} | {_ms(floor['baseline_s'])} ({floor['baseline'].split(', ')[-1]}) | "
                       f"{floor['time_s'] / floor['baseline_s']:.2f} | "
                       + (f"{_ms(dense['baseline_s'])} ({dense['ratio']:.0f}x) |" if dense else "- |"))
        out.append("")
    conv = [r for r in rows if r["name"].startswith("conv DSM step")]
    if conv:
        out += ["| conv UNet training step | case | time | fp32 step | speed-up |", "|---|---|---|---|---|"]
        out += [f"| {r['name'].split(', ', 1)[1]} | {r['case']} | {_ms(r['time_s'])} | {_ms(r['baseline_s'])} | "
                f"{r['ratio']:.2f}x |" for r in conv]
        out.append("")
    div = [r for r in rows if r["name"].startswith("divergence")]
    if div:
        out += ["| divergence | case | time | plain PyTorch | ratio |", "|---|---|---|---|---|"]
        out += [f"| {r['name']} | {r['case']} | {_ms(r['time_s'])} | {_ms(r['baseline_s'])} | {r['ratio']:.2f} |"
                for r in div]
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":  # python -m tinyscore.bench REPORT.json: the README table from a --json report
    if len(sys.argv) != 2:
        sys.exit("usage: python -m tinyscore.bench REPORT.json")
    with open(sys.argv[1]) as fh:
        print(markdown(json.load(fh)))
