r"""Convergence that measures the model: its distance from exact floors, and its decision metric at the
models a run kept on the way (the rule that names a cell's state from these is tinyscore.study.gate).

A held-out loss is mostly the noise no model removes, so how little it moves says little about the
model. This module measures instead, per model, on fixed problems y = x + sigma z (sigma spread over the
model's training range as its held-out set spreads it, tinyscore.training.loop.heldout_sigmas):

    L        = mean w(sigma) ||D(y) - x||^2           the model's loss, w = 1/sigma^2 (dsm) or 1 (reconstruction)
    excess   = mean w(sigma) ||D(y) - D_X(y)||^2      its excess over a floor's exact denoiser D_X

* the **memoriser floor**: x drawn (seeded, with replacement) from the model's own N training points,
  D_X = D_emp, the empirical optimal denoiser of those points, which minimises the training objective;
* the **truth floor** (mixtures): x the held-out points, D_X = D*, the analytic denoiser; training logs
  it at its last step (stats.jsonl: ``heldout``, ``heldout_excess``) and this module reads it there.

Since D_X is the conditional mean of x given y under its distribution, L = L_X + excess in expectation,
so excess / (L - excess) is the model's excess relative to the floor's own loss (study.gate).

And the **decision metric** at each model the runs kept (``train --keep-every``; 50%, 75% and 100% of
training by default): on the probes of the cell's trajectory file, at its smallest sigma,

    cos_ab     = mean over probes of cos(D_A(y) - y, D_B(y) - y)
    floor_cos  = mean of cos(D_A - y, D_A'(y) - y) - cos(D_A - y, D_B - y)     (with the seed floor A')

each with a percentile bootstrap interval over the probes (tinyscore.core.bootstrap).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from tinyscore.core import bootstrap
from tinyscore.core.models import EmpiricalModel, to_tensor
from tinyscore.errors import TinyscoreError
from tinyscore.storage.runs import CHECKPOINT, kept_checkpoint, load_run, read_run
from tinyscore.storage.store import open_trajectories
from tinyscore.training.loop import heldout_loss, heldout_objective, heldout_sigmas, read_stats

#: the fractions of training at which the decision metric is read
FRACTIONS = (0.5, 0.75, 1.0)
#: the fixed problems of the memoriser floor, and the seed of their draw
PROBLEMS, PROBLEM_SEED = 2048, 22
#: probes per batch through a network
BATCH = 4096


def kept_at(opts: dict, fraction: float) -> str | None:
    """The checkpoint a run kept at ``fraction`` of its steps: model.pt at 1, model_stepK.pt where K is a
    multiple of its ``keep_every``; None where it kept none there."""
    steps, keep = int(opts["steps"]), int(opts.get("keep_every") or 0)
    step = round(steps * float(fraction))
    if step == steps:
        return CHECKPOINT
    if keep and 0 < step < steps and step % keep == 0:
        return kept_checkpoint(step)
    return None


def training_problems(dataset, opts: dict, device="cpu", k: int = PROBLEMS, seed: int = PROBLEM_SEED) -> dict:
    """``k`` problems on the run's own training points, with the memoriser's answer D_emp(y) as the optimum
    (the held-out set's form, for tinyscore.training.loop.heldout_loss)."""
    train = to_tensor(dataset.subset(int(opts["n"]), opts["half"]), device)
    g = torch.Generator(device="cpu").manual_seed(int(seed))
    pick = torch.randint(train.shape[0], (int(k),), generator=g)
    sigma = heldout_sigmas(int(k), float(opts["sigma_min"]), float(opts["sigma_max"]),
                           int(opts.get("sigma_levels") or 0))[torch.randperm(int(k), generator=g)]
    x = train[pick.to(train.device)]
    z = torch.randn(x.shape, generator=g).to(device)
    s = sigma.to(device)
    y = (x + s.view((-1,) + (1,) * (x.dim() - 1)) * z).double()
    best = EmpiricalModel(train).denoise(y, s.double())
    return {"x": x, "sigma": s, "z": z, "objective": heldout_objective(opts["variant"]), "optimum": best}


def memoriser_gap(model, problems: dict) -> dict:
    """{"train_loss": L, "train_excess": its excess over the memoriser} on :func:`training_problems`."""
    out = heldout_loss(model, problems)
    return {"train_loss": out["heldout"], "train_excess": out["heldout_excess"]}


def truth_gap(run) -> dict | None:
    """{"heldout", "heldout_excess"} of the run's last stats.jsonl row holding both (mixtures), else None."""
    path = Path(run) / "stats.jsonl"
    rows = read_stats(path) if path.is_file() else []
    for r in reversed(rows):
        if isinstance(r.get("heldout"), (int, float)) and isinstance(r.get("heldout_excess"), (int, float)):
            return {"heldout": float(r["heldout"]), "heldout_excess": float(r["heldout_excess"])}
    return None


def _directions(model, x0: np.ndarray, z: np.ndarray, sigma: float, shape, device) -> np.ndarray:
    """d = D(y) - y at y = x0 + sigma z, float64 rows."""
    out = []
    for a in range(0, x0.shape[0], BATCH):
        y = torch.from_numpy(x0[a:a + BATCH] + sigma * z[a:a + BATCH]).to(device=device, dtype=torch.float32)
        with torch.no_grad():
            den = model.denoise(y.reshape(-1, *shape), sigma).reshape(y.shape[0], -1)
        out.append((den.double() - y.double()).cpu().numpy())
    return np.concatenate(out)


def _cos(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    nu, nv = np.linalg.norm(u, axis=1), np.linalg.norm(v, axis=1)
    return np.einsum("ij,ij->i", u, v) / np.maximum(nu * nv, 1e-300)


def run_convergence(runs: dict, trajectories, dataset, device="cpu", fractions=FRACTIONS, problems: int = PROBLEMS,
                    reps: int = bootstrap.REPS, seed: int = bootstrap.SEED, level: float = bootstrap.LEVEL) -> dict:
    """The floors and the decision metric of a cell's models: ``runs`` {"a": RUN_A, "b": RUN_B[, "a2": RUN_A']},
    the probes and sigmas those of the trajectory file ``trajectories`` (of model A)."""
    if set(runs) not in ({"a", "b"}, {"a", "b", "a2"}):
        raise TinyscoreError("convergence needs the runs of A and B (and optionally the seed floor A')")
    opts = {h: read_run(r).options for h, r in runs.items()}
    for h, o in opts.items():                  # one dataset for every model, and the probes drawn from it
        if (o.get("dataset"), o.get("data_seed")) != (dataset.name, getattr(dataset, "data_seed", o.get("data_seed"))):
            raise TinyscoreError(f"run {runs[h]} was trained on {o.get('dataset')!r} (data seed {o.get('data_seed')}), "
                                 f"not on {dataset.name!r} as model A: the floors compare models of one dataset")
    with open_trajectories(trajectories) as f:
        if tuple(f.shape) != tuple(dataset.shape) or f.attrs.get("dataset", dataset.name) != dataset.name:
            raise TinyscoreError(f"{trajectories} holds probes of {f.attrs.get('dataset', '?')!r} shaped "
                                 f"{tuple(f.shape)}, not of {dataset.name!r} shaped {tuple(dataset.shape)}")
        x0 = f["probes/x0"].read((), finite=True).astype(np.float64)
        z = f["probes/z"].read((), finite=True).astype(np.float64)
        sigma = float(min(f.sigmas))
    x0, z = x0.reshape(x0.shape[0], -1), z.reshape(z.shape[0], -1)
    tasks = {}                                     # the training points' problems, once per training set
    for h, o in opts.items():
        key = (int(o["n"]), o["half"], float(o["sigma_min"]), float(o["sigma_max"]), o["variant"])
        if key not in tasks:
            tasks[key] = training_problems(dataset, o, device, problems)
    idx = bootstrap.resamples(x0.shape[0], reps, seed)
    rows = []
    for frac in fractions:
        names = {h: kept_at(o, frac) for h, o in opts.items()}
        if any(n is None for n in names.values()):
            continue
        d, gaps = {}, {}
        for h, r in runs.items():
            model, o, _ = load_run(r, device=device, checkpoint=names[h])
            d[h] = _directions(model, x0, z, sigma, dataset.shape, device)
            key = (int(o["n"]), o["half"], float(o["sigma_min"]), float(o["sigma_max"]), o["variant"])
            gaps[h] = memoriser_gap(model, tasks[key])
        cos_ab = _cos(d["a"], d["b"])
        row = {"fraction": float(frac), "step": round(int(opts["a"]["steps"]) * float(frac)),
               "cos_ab": bootstrap.mean_interval(cos_ab, idx, level), "floor_cos": None, "models": gaps}
        if "a2" in d:
            row["floor_cos"] = bootstrap.mean_interval(_cos(d["a"], d["a2"]) - cos_ab, idx, level)
        rows.append(row)
    return {"settings": {"fractions": [float(f) for f in fractions], "problems": int(problems),
                         "problem_seed": PROBLEM_SEED, "probes": int(x0.shape[0]), "sigma": sigma,
                         "reps": int(reps), "seed": int(seed), "level": float(level)},
            "checkpoints": rows, "truth": {h: truth_gap(r) for h, r in runs.items()}}


def format_table(result: dict) -> str:
    """What ``convergence`` prints: the metric and the memoriser gaps per checkpoint, the truth gaps."""
    def iv(x):
        return "n/a" if x is None else f"{x[0]:.4f} [{x[1]:.4f}, {x[2]:.4f}]"
    lines = [f"decision metric at sigma = {result['settings']['sigma']:g} on "
             f"{result['settings']['probes']} probes; memoriser gap on {result['settings']['problems']} problems"]
    for r in result["checkpoints"]:
        gaps = "; ".join(f"{h}: excess {g['train_excess']:.4g} of {g['train_loss']:.4g}" for h, g in r["models"].items())
        lines.append(f"{r['fraction']:.0%} (step {r['step']}): cos_ab {iv(r['cos_ab'])}  floor_cos {iv(r['floor_cos'])}"
                     f"  | {gaps}")
    for h, t in result["truth"].items():
        if t is not None:
            lines.append(f"{h}: held-out loss {t['heldout']:.4g}, excess over the analytic optimum {t['heldout_excess']:.4g}")
    return "\n".join(lines)
