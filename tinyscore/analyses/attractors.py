r"""Attractors: do training samples pull nearby points back onto themselves? (docs/design.md, section 4)

A model memorises when its denoiser, applied over and over near a training sample x_i, returns to
x_i exactly: the training samples are then *attractors* (fixed points with a basin) of the map
x -> D(x, sigma). The experiment, per perturbation size eps:

1. start from y_0 = x_i + eps z_i (z_i a fixed unit Gaussian, one per start) for training samples x_i;
2. iterate y_{k+1} = D(y_k, sigma_k), k = 0..K-1, with the noise level either **annealed** down a
   geometric ladder sigma_k from eps to ``sigma_end`` (default), or **fixed** at sigma_k = eps;
3. find the end point's nearest and second-nearest training samples, at distances d1 <= d2, and call
   the end point *memorised* (it landed on a training sample) when

       d1 / d2 < 1/3          (the memorisation criterion of Yoon et al. 2023 and Bonnaire et al. 2025,
                               which the low-noise study applies)

   and *returned* when it is memorised and the nearest sample is its own x_i.

Reported per eps: the fraction of starts that return to their own sample, the fraction that land on
any training sample, and the same two numbers for the **empirical optimal denoiser** of the same
training set (the ideal memoriser, tinyscore.core.models.EmpiricalModel), run through the same
iteration. Held-out **test points** perturbed the same way measure capture: the fraction whose end
point lands on some training sample (a model that generalises leaves test points alone; the
empirical denoiser captures all of them).

With N = 1 there is no second training sample; d2 is then the median distance from the training
sample to the held-out test points (the distance to a typical *other* data point), so "landed on
the sample" still means "much closer to it than data points are to each other".

Precision: for vector data (the mixtures) the iteration, the empirical denoiser and the distances run
in float64 -- a float32 iteration flipped about 1 flag in 256 at N = 1000, where end points sit near
the 1/3 threshold; a float32 network is evaluated in its own precision and its output carried on in
float64. Images stay in float32 (the UNets are float32, and 6400-D float64 would double the cost).

Memory: the training set is held once, as the dataset hands it out (float32). Where the work is in
float64 it is widened a chunk at a time (the distances of :func:`nearest_two`, the keys of the
empirical denoiser), which is exact -- every float32 is a float64 -- so the numbers are those of a
float64 copy without holding one (N = 10^5 points in 100 dimensions: no 80 MB float64 copy beside
the 40 MB of float32; what the run adds is a few chunks, whatever N).
"""
from __future__ import annotations

import math

import numpy as np
import torch

from tinyscore.config import ATTRACTOR_EPS
from tinyscore.errors import TinyscoreError
from tinyscore.core.models import EmpiricalModel
from tinyscore.storage.files import atomic_h5

MEMORISED_RATIO = 1.0 / 3.0
DEFAULT_EPS = ATTRACTOR_EPS
SCHEDULES = ("anneal", "fixed")


def parse_eps(text) -> tuple:
    """'0.05,0.1' -> (0.05, 0.1), sorted ascending; each eps finite and > 0."""
    try:
        values = [float(t) for t in (text.split(",") if isinstance(text, str) else text) if str(t).strip()]
    except ValueError:
        raise TinyscoreError(f"eps must be comma-separated numbers, got {text!r}") from None
    if not values:
        raise TinyscoreError("no eps given")
    if any(not (math.isfinite(v) and v > 0) for v in values):
        raise TinyscoreError("every eps must be a positive number")
    return tuple(sorted(set(values)))


def sigma_schedule(eps: float, iters: int, schedule: str = "anneal", sigma_end: float = 0.01) -> np.ndarray:
    """The noise levels sigma_0..sigma_{K-1} of the iteration started at perturbation eps."""
    if iters < 1:
        raise TinyscoreError(f"iters must be at least 1, got {iters}")
    if schedule == "fixed":
        return np.full(iters, float(eps))
    if schedule != "anneal":
        raise TinyscoreError(f"schedule must be one of {', '.join(SCHEDULES)}, got {schedule!r}")
    return np.geomspace(eps, min(eps, sigma_end), iters)


@torch.no_grad()
def iterate(model, y: torch.Tensor, sigmas, batch: int = 512) -> torch.Tensor:
    """y <- D(y, sigma_k) for each sigma_k in turn, in batches; returns the end points."""
    out = []
    for a in range(0, y.shape[0], batch):
        x = y[a:a + batch].clone()
        for s in sigmas:
            x = _denoise_in(model, x, float(s))
        out.append(x)
    return torch.cat(out)


def _denoise_in(model, x: torch.Tensor, sigma: float) -> torch.Tensor:
    """D(x, sigma) in x's precision: a network of another dtype sees its own and is cast back."""
    params = getattr(model, "parameters", None)
    p = next(params(), None) if callable(params) else None
    if p is not None and p.dtype != x.dtype:
        return model.denoise(x.to(p.dtype), sigma).to(x.dtype)
    return model.denoise(x, sigma)


def nearest_two(points: torch.Tensor, train: torch.Tensor, chunk: int = 8192):
    """For each point: index of the nearest training sample, d1 and d2 (second-nearest; inf if N = 1)."""
    p = points.reshape(points.shape[0], -1).double()
    best_d = torch.full((p.shape[0], 2), math.inf, dtype=torch.float64)
    best_i = torch.zeros((p.shape[0], 2), dtype=torch.long)
    wide = None                      # a float32 training set is widened into one buffer, chunk by chunk
    for a in range(0, train.shape[0], chunk):
        t = train[a:a + chunk].reshape(-1, p.shape[1])
        if t.dtype != torch.float64 or t.device != p.device:
            if wide is None:
                wide = torch.empty((min(chunk, train.shape[0]), p.shape[1]), dtype=torch.float64, device=p.device)
            t = wide[:t.shape[0]].copy_(t)
        d = torch.cdist(p, t)
        cand_d = torch.cat([best_d, d], 1)
        cand_i = torch.cat([best_i, torch.arange(a, a + t.shape[0]).expand(p.shape[0], -1)], 1)
        k = min(2, cand_d.shape[1])
        best_d, order = torch.topk(cand_d, k, dim=1, largest=False)
        best_i = torch.gather(cand_i, 1, order)
    return best_i[:, 0].numpy(), best_d[:, 0].numpy(), best_d[:, 1].numpy()


def classify(ends: torch.Tensor, train: torch.Tensor, own=None, d2_fallback: float | None = None) -> dict:
    """Memorised (d1/d2 < 1/3) and, when ``own`` indices are given, returned-to-own per end point."""
    idx, d1, d2 = nearest_two(ends, train)
    if train.shape[0] == 1:
        if d2_fallback is None:
            raise TinyscoreError("with one training sample, a reference distance (d2_fallback) is needed")
        d2 = np.full_like(d1, float(d2_fallback))
    ratio = d1 / np.maximum(d2, 1e-300)
    memorised = ratio < MEMORISED_RATIO
    out = {"nearest": idx, "d1": d1, "d2": d2, "memorised": memorised}
    if own is not None:
        out["returned"] = memorised & (idx == np.asarray(own))
    return out


def run_attractors(model, dataset, train_n: int, half: str = "a", eps=DEFAULT_EPS, iters: int = 10,
                   schedule: str = "anneal", sigma_end: float = 0.01, starts: int = 256, test_starts: int = 256,
                   seed: int = 0, device="cpu", with_empirical: bool = True, keep_points: bool = False,
                   progress: bool = False) -> dict:
    """The attractor experiment for ``model`` trained on the first ``train_n`` points of ``half``.

    Returns {"settings": {...}, "rows": [one dict per eps]}; with ``keep_points`` also "points"
    (start and end points, for the HDF5 file and image grids).
    """
    eps = parse_eps(eps)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed <= 2 ** 64 - 1:
        raise TinyscoreError(f"the attractor seed (--seed) must be an integer from 0 to {2 ** 64 - 1}, got {seed!r}")
    train_n = dataset.cap(int(train_n), half)
    dtype = torch.float64 if len(dataset.shape) == 1 else torch.float32

    work = np.float64 if dtype == torch.float64 else np.float32

    def as_tensor(a):                  # straight to the working precision
        return torch.from_numpy(np.ascontiguousarray(a, dtype=work)).to(device=device, dtype=dtype)

    # the training set once, as the dataset hands it out (float32: no copy), widened only a chunk
    # at a time where the work is float64 (see "Memory" above); another dtype takes the working one
    train = np.asarray(dataset.subset(train_n, half))
    keep = np.float32 if train.dtype == np.float32 else work
    train = torch.from_numpy(np.ascontiguousarray(train, dtype=keep)).to(device)
    n_starts = min(int(starts), train_n)
    n_test = min(int(test_starts), dataset.test_size)
    if n_starts < 1 or n_test < 1:
        raise TinyscoreError("starts and test starts must be at least 1")
    rng = np.random.default_rng([int(seed), 7])
    own = np.sort(rng.choice(train_n, size=n_starts, replace=False))
    x_own = train[own].to(dtype)                    # the starts' own samples, in the working precision
    test = as_tensor(dataset.test(n_test))
    z_train = as_tensor(rng.standard_normal((n_starts, *dataset.shape)).astype(np.float32))
    z_test = as_tensor(rng.standard_normal((n_test, *dataset.shape)).astype(np.float32))
    d2_fallback = None
    if train_n == 1:
        gaps = (test - train[0:1].to(dtype)).reshape(n_test, -1)
        d2_fallback = float(torch.linalg.vector_norm(gaps, dim=1).median())
    models = {"model": model}
    if with_empirical:
        models["empirical"] = EmpiricalModel(train)   # float32 keys, widened chunk by chunk
    rows, points = [], {}
    from tqdm.auto import tqdm
    bar = tqdm(total=len(eps) * len(models), desc="attractors", unit="run", disable=not progress, leave=False,
               dynamic_ncols=True)
    for e in eps:
        sig = sigma_schedule(e, iters, schedule, sigma_end)
        row = {"eps": float(e), "starts": n_starts, "test_starts": n_test}
        for name, m in models.items():
            end = iterate(m, x_own + e * z_train, sig)
            end_test = iterate(m, test + e * z_test, sig)
            if not (torch.isfinite(end).all() and torch.isfinite(end_test).all()):
                raise TinyscoreError(f"the {name} denoiser produced NaN or infinite values at eps={e:g}")
            c = classify(end, train, own, d2_fallback)
            ct = classify(end_test, train, None, d2_fallback)
            row[f"{name}_return_own"] = float(c["returned"].mean())
            row[f"{name}_any"] = float(c["memorised"].mean())
            row[f"{name}_test_captured"] = float(ct["memorised"].mean())
            row[f"{name}_ratio_median"] = float(np.median(c["d1"] / np.maximum(c["d2"], 1e-300)))
            row[f"{name}_move_median"] = float(np.median(torch.linalg.vector_norm(
                (end - x_own).reshape(n_starts, -1), dim=1).cpu().numpy()))
            if keep_points:
                points[(e, name)] = {"end": end.cpu().numpy(), "end_test": end_test.cpu().numpy(),
                                     "nearest": c["nearest"], "d1": c["d1"], "d2": c["d2"],
                                     "nearest_test": ct["nearest"]}
            bar.update(1)
        rows.append(row)
    bar.close()
    result = {"settings": {"n_train": train_n, "half": half, "eps": list(eps), "iters": int(iters),
                           "schedule": schedule, "sigma_end": float(sigma_end), "seed": int(seed),
                           "criterion": "d1/d2 < 1/3", "precision": str(dtype).replace("torch.", ""),
                           "d2_fallback": d2_fallback, "dataset": dataset.name},
              "rows": rows}
    if keep_points:
        result["points"] = points
        result["starts"] = {"own": own, "train_start": x_own.cpu().numpy(), "z_train": z_train.cpu().numpy(),
                            "test": test.cpu().numpy(), "z_test": z_test.cpu().numpy()}
    return result


def write_attractors_h5(path, result: dict, attrs: dict | None = None) -> None:
    """Start and end points of an attractor run (needs ``keep_points``), written atomically."""
    if "points" not in result:
        raise ValueError("run_attractors(..., keep_points=True) is needed to write the points")
    size = sum(np.asarray(v).nbytes for p in result["points"].values() for v in p.values())
    with atomic_h5(path, size) as f:
        f.attrs["format"] = "tinyscore.analyses.attractors"
        f.attrs["version"] = 1
        for k, v in {**result["settings"], **(attrs or {})}.items():
            f.attrs[k] = "" if v is None else v
        st = result["starts"]
        f["eps"] = np.asarray(result["settings"]["eps"], dtype=np.float64)
        f["starts/own_index"] = st["own"]
        f["starts/train"] = st["train_start"]
        f["starts/z_train"] = st["z_train"]
        f["starts/test"] = st["test"]
        f["starts/z_test"] = st["z_test"]
        for (e, name), p in result["points"].items():
            g = f.require_group(f"eps_{e:g}/{name}")
            for k, v in p.items():
                g[k] = v


def format_table(result: dict) -> str:
    rows = result["rows"]
    emp = "empirical_return_own" in rows[0]
    head = f"{'eps':>7}{'return own':>12}{'any sample':>12}{'test capt.':>12}"
    if emp:
        head += f"{'emp. own':>10}{'emp. any':>10}{'emp. test':>10}"
    lines = [head]
    for r in rows:
        line = f"{r['eps']:>7.3g}{r['model_return_own']:>12.3f}{r['model_any']:>12.3f}{r['model_test_captured']:>12.3f}"
        if emp:
            line += f"{r['empirical_return_own']:>10.3f}{r['empirical_any']:>10.3f}{r['empirical_test_captured']:>10.3f}"
        lines.append(line)
    return "\n".join(lines)


def public(result: dict) -> dict:
    """The JSON-safe part of a result (settings and rows)."""
    return {"settings": result["settings"], "rows": result["rows"]}
