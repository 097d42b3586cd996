r"""The attractor experiment over a data set: the model beside the ideal memoriser, tables and files.

The science -- iterate the denoiser from x_i + eps z_i, then classify the end point by d1/d2 < 1/3
-- is :mod:`tinyscore.core.attractors` (docs/design.md, section 4). This module runs it for a trained
model on the first N points of one half of a data set, per perturbation size eps:

* starts: ``starts`` training samples x_i (drawn without replacement, seeded), each with its unit
  Gaussian z_i; and ``test_starts`` held-out **test points** perturbed the same way;
* the same iteration for the **empirical optimal denoiser** of the same training set (the ideal
  memoriser, tinyscore.core.models.EmpiricalModel);
* reported per eps: the fraction of starts that return to their own sample, the fraction that land
  on any training sample, the fraction of test points captured (their end point lands on some
  training sample: a model that generalises leaves them alone; the empirical denoiser captures all
  of them), and the same numbers for the empirical denoiser.

With N = 1 there is no second training sample; d2 is then the median distance from the training
sample to the held-out test points (the distance to a typical *other* data point).

Precision: for vector data (the mixtures) the iteration, the empirical denoiser and the distances run
in float64 -- a float32 iteration flipped about 1 flag in 256 at N = 1000, where end points sit near
the 1/3 threshold; a float32 network is evaluated in its own precision and its output carried on in
float64. Images stay in float32 (the UNets are float32, and 6400-D float64 would double the cost).

Memory: the training set is held once, as the dataset hands it out (float32), or as the caller
already holds it (``train``: the empirical pseudo-model's keys are the very training set, so the
command line hands them over instead of drawing the set a second time). Where the work is in
float64 it is widened a chunk at a time (the distances of :func:`~tinyscore.core.attractors.nearest_two`,
the keys of the empirical denoiser), which is exact -- every float32 is a float64 -- so the numbers
are those of a float64 copy without holding one (N = 10^5 points in 100 dimensions: no 80 MB float64
copy beside the 40 MB of float32; what the run adds is a few chunks, whatever N).
"""
from __future__ import annotations

import math

import numpy as np
import torch

from tinyscore.config import ATTRACTOR_EPS
from tinyscore.core.attractors import classify, iterate, sigma_schedule
from tinyscore.core.models import EmpiricalModel
from tinyscore.errors import TinyscoreError
from tinyscore.storage.files import atomic_h5

DEFAULT_EPS = ATTRACTOR_EPS


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


def run_attractors(model, dataset, train_n: int, half: str = "a", eps=DEFAULT_EPS, iters: int = 10,
                   schedule: str = "anneal", sigma_end: float = 0.01, starts: int = 256, test_starts: int = 256,
                   seed: int = 0, device="cpu", with_empirical: bool = True, keep_points: bool = False,
                   progress: bool = False, train: torch.Tensor | None = None) -> dict:
    """The attractor experiment for ``model`` trained on the first ``train_n`` points of ``half``.

    ``train``: that training set, (train_n, *shape) on ``device``, when the caller holds it already (the
    empirical pseudo-model's keys), so that it is not drawn and held a second time.
    Returns {"settings": {...}, "rows": [one dict per eps]}; with ``keep_points`` also "points"
    (start and end points, for the HDF5 file and image grids).
    """
    eps = parse_eps(eps)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed <= 2 ** 64 - 1:
        raise TinyscoreError(f"the attractor seed (--seed) must be an integer from 0 to {2 ** 64 - 1}, got {seed!r}")
    train_n = dataset.cap(int(train_n), half)
    dtype = torch.float64 if len(dataset.shape) == 1 else torch.float32
    if train is None:
        train = training_set(dataset, train_n, half, device)
    elif tuple(train.shape) != (train_n, *dataset.shape):
        raise TinyscoreError(f"the training set handed over has shape {tuple(train.shape)}, not "
                             f"{(train_n, *dataset.shape)}")
    st = _starts(dataset, train, train_n, starts, test_starts, seed, dtype, device)
    models = {"model": model}
    if with_empirical:
        models["empirical"] = EmpiricalModel(train)   # float32 keys, widened chunk by chunk
    rows, points = [], {}
    from tqdm.auto import tqdm
    bar = tqdm(total=len(eps) * len(models), desc="attractors", unit="run", disable=not progress, leave=False,
               dynamic_ncols=True)
    for e in eps:
        sig = sigma_schedule(e, iters, schedule, sigma_end)
        row = {"eps": float(e), "starts": st["n_starts"], "test_starts": st["n_test"]}
        for name, m in models.items():
            row.update(_one_run(m, name, e, sig, train, st, points if keep_points else None))
            bar.update(1)
        rows.append(row)
    bar.close()
    result = {"settings": {"n_train": train_n, "half": half, "eps": list(eps), "iters": int(iters),
                           "schedule": schedule, "sigma_end": float(sigma_end), "seed": int(seed),
                           "criterion": "d1/d2 < 1/3", "precision": str(dtype).replace("torch.", ""),
                           "d2_fallback": st["d2_fallback"], "dataset": dataset.name},
              "rows": rows}
    if keep_points:
        result["points"] = points
        result["starts"] = {"own": st["own"], "train_start": st["x_own"].cpu().numpy(),
                            "z_train": st["z_train"].cpu().numpy(), "test": st["test"].cpu().numpy(),
                            "z_test": st["z_test"].cpu().numpy()}
    return result


def held_training_set(model) -> torch.Tensor | None:
    """The training set a model holds already: the keys of the empirical pseudo-model (as
    tinyscore.analyses.trajectories.resolve_model builds it, the very first N points of the half), to hand
    to :func:`run_attractors` as ``train``; None for any other model."""
    return model.train if isinstance(model, EmpiricalModel) else None


def training_set(dataset, train_n: int, half: str = "a", device="cpu") -> torch.Tensor:
    """The training set once, as the dataset hands it out (float32: no copy), widened only a chunk at a
    time where the work is float64 (see "Memory" above); another dtype takes the working one."""
    work = np.float64 if len(dataset.shape) == 1 else np.float32
    train = np.asarray(dataset.subset(train_n, half))
    keep = np.float32 if train.dtype == np.float32 else work
    return torch.from_numpy(np.ascontiguousarray(train, dtype=keep)).to(device)


def _starts(dataset, train, train_n: int, starts: int, test_starts: int, seed: int, dtype, device) -> dict:
    """The starts' own samples (seeded, without replacement), the held-out test points, the unit noise of
    each, in the working precision; and d2 for N = 1 (the median distance to the test points)."""
    work = np.float64 if dtype == torch.float64 else np.float32

    def as_tensor(a):                  # straight to the working precision
        return torch.from_numpy(np.ascontiguousarray(a, dtype=work)).to(device=device, dtype=dtype)

    n_starts, n_test = min(int(starts), train_n), min(int(test_starts), dataset.test_size)
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
    return {"n_starts": n_starts, "n_test": n_test, "own": own, "x_own": x_own, "test": test,
            "z_train": z_train, "z_test": z_test, "d2_fallback": d2_fallback}


def _one_run(m, name: str, e: float, sig, train, st: dict, points: dict | None) -> dict:
    """One denoiser at one eps: its columns of the row (and its end points into ``points``)."""
    end = iterate(m, st["x_own"] + e * st["z_train"], sig)
    end_test = iterate(m, st["test"] + e * st["z_test"], sig)
    if not (torch.isfinite(end).all() and torch.isfinite(end_test).all()):
        raise TinyscoreError(f"the {name} denoiser produced NaN or infinite values at eps={e:g}")
    c = classify(end, train, st["own"], st["d2_fallback"])
    ct = classify(end_test, train, None, st["d2_fallback"])
    if points is not None:
        points[(e, name)] = {"end": end.cpu().numpy(), "end_test": end_test.cpu().numpy(), "nearest": c["nearest"],
                             "d1": c["d1"], "d2": c["d2"], "nearest_test": ct["nearest"]}
    return {f"{name}_return_own": float(c["returned"].mean()), f"{name}_any": float(c["memorised"].mean()),
            f"{name}_test_captured": float(ct["memorised"].mean()),
            f"{name}_ratio_median": float(np.median(c["d1"] / np.maximum(c["d2"], 1e-300))),
            f"{name}_move_median": float(np.median(torch.linalg.vector_norm(
                (end - st["x_own"]).reshape(st["n_starts"], -1), dim=1).cpu().numpy()))}


def write_attractors_h5(path, result: dict, attrs: dict | None = None) -> None:
    """Start and end points of an attractor run (needs ``keep_points``), written atomically."""
    if "points" not in result:
        raise ValueError("run_attractors(..., keep_points=True) is needed to write the points")
    size = sum(np.asarray(v).nbytes for p in result["points"].values() for v in p.values())
    with atomic_h5(path, size) as f:
        f.attrs["format"] = "tinyscore.attractors"
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
