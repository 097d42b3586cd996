r"""Controls: the trained pair A, B beside references that say what its numbers would be by construction.

One cell trains model A on the first N points of half A and model B on those of half B. Alone, a
divergence between them cannot say whether the *data* made it. Beside the pair, on the same probes
y = x0 + sigma z and the same noise levels, this module measures

* the **seed floor** A vs A': a third model on the same points as A with another seed (other
  initialisation, noise and batch order). What differs between A and A' is optimisation alone, so
  a divergence is attributed to the data only where AB exceeds AA';
* the **memoriser pair**: the empirical (optimal) denoisers of the N points of A and of B, exact,
  no training -- what AB would be if both models memorised their halves;
* the **analytic pair** (mixtures): the exact denoiser D* of the mixture, one model for both
  halves (its pair agrees exactly); it gives each model's distance from the truth and the scale of
  the truth, eps* = (y - D*(y)) / sigma;
* the **identity map** for attractors: the perturbed starts themselves, which may already satisfy
  the memorisation rule before any denoising.

Per probe and sigma, with d = D(y) - y and eps = (y - D(y)) / sigma:

    cos_XY    = cos(d_X, d_Y)
    l2_XY     = ||eps_X - eps_Y|| = ||D_X - D_Y|| / sigma
    star      = ||eps*||                               (mixtures)
    path_XY   = ||D_X(x_X) - D_Y(x_Y)||                on each model's own reverse path, at the rung sigma

and the cell's numbers are means over the probes, each with a percentile bootstrap interval over
the probes (tinyscore.core.bootstrap), every one computed on the same resamples so that
differences and ratios across sigma and across pairs keep their pairing:

    div_XY       = mean l2_XY / mean star               scale-free divergence (the truth's scale)
    mem_index    = (1 - cos_AB) / (1 - cos_memoriser)   0: the pair agrees; 1: it differs as memorisers do
    cos_drop     = cos_AB(sigma_max) - cos_AB(sigma_min)
    div_growth   = div_AB(sigma_min) / div_AB(sigma_max)
    floor_cos    = cos_AA'(sigma_min) - cos_AB(sigma_min)        > 0: AB differs beyond the seed floor
    floor_ratio  = mean l2_AB / mean l2_AA'  at sigma_min         > 1: the same, scale-free
    path_growth  = path_AB(sigma_min) / path_AB(sigma_max);  path_floor = path_AB / path_AA' at sigma_min

Attractors (tinyscore.analyses.attractors, the same starts as the study's attractor step): per start
whether the model, the memoriser and the identity return it to its own training sample, and
*attracted* = the model returns it and the start did not already satisfy the rule (identity), each
fraction with an interval over the starts.

**Eps from the data** (a scale's ``eps="spacing"``). A fixed eps says nothing where the perturbed starts
already satisfy the rule: with d1 = eps ||z|| ~ eps sqrt(D) and d2 about the spacing s of the training
points, the identity returns a start once eps sqrt(D) < s / 3. :func:`spacing_eps` takes eps_0, the smallest
eps on the ladder (s / (3 sqrt D)) 2^(k/4), k = 0, 1, ..., at which the identity returns at most
IDENTITY_CEILING of the training points (each with its own seeded unit z_i) to their own sample, s the
median distance from a training point to its nearest other one; the reported eps are eps_0 times
SPACING_FACTORS. It is computed on a dataset's sparsest training set of the grid (the smallest N > 1): the
spacing shrinks as N grows, so at every larger N the identity fails by a wider margin. The controls still
report the identity's return rate at each eps beside the model's and the memoriser's.
"""
from __future__ import annotations

import contextlib

import numpy as np
import torch

from tinyscore.core import bootstrap
from tinyscore.core.models import AnalyticModel, EmpiricalModel
from tinyscore.storage.store import check_comparable, open_trajectories

#: probes per batch through the memorisers (their distance blocks stay small)
BATCH = 256

#: eps from the data (the module's "Eps from the data"): multiples of eps_0, at which the identity returns
#: at most IDENTITY_CEILING of the training points to their own sample
SPACING_FACTORS = (1.0, 2.0, 4.0)
IDENTITY_CEILING = 0.05


class Identity:
    """The map y -> y as a denoiser: what a model that does nothing would score."""
    variant = "identity"

    def denoise(self, y, sigma):
        return y


def _flat(a) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64)
    return a.reshape(a.shape[0], -1)


def _cos(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    nu, nv = np.linalg.norm(u, axis=1), np.linalg.norm(v, axis=1)
    return np.einsum("ij,ij->i", u, v) / np.maximum(nu * nv, 1e-300)


def _denoise(model, y: np.ndarray, sigma: float, shape, dtype, device) -> np.ndarray:
    """D(y, sigma) of a reference model in batches of probes, as float64 rows."""
    out = []
    for a in range(0, y.shape[0], BATCH):
        t = torch.from_numpy(y[a:a + BATCH].reshape(-1, *shape)).to(device=device, dtype=dtype)
        with torch.no_grad():
            out.append(model.denoise(t, sigma).double().cpu().numpy().reshape(t.shape[0], -1))
    return np.concatenate(out)


def _references(dataset, n: int, device):
    """{name: model} of the memoriser pair (and the analytic denoiser on a mixture), and the working dtype."""
    dtype = torch.float64 if len(dataset.shape) == 1 else torch.float32
    refs = {h: EmpiricalModel(torch.from_numpy(np.ascontiguousarray(dataset.subset(n, h), dtype=np.float32))
                              .to(device)) for h in ("a", "b")}
    if dataset.mixture is not None:
        refs["star"] = AnalyticModel(dataset.mixture)
    return refs, dtype


def probe_values(path_a, path_b, path_a2, dataset, n: int, device="cpu") -> tuple[list, dict]:
    """(sigmas, {(name, sigma index): per-probe values}) of the quantities in the module docstring."""
    with contextlib.ExitStack() as stack:
        fa, fb = (stack.enter_context(open_trajectories(p)) for p in (path_a, path_b))
        fc = stack.enter_context(open_trajectories(path_a2)) if path_a2 else None
        check_comparable(fa, fb, str(path_a), str(path_b))
        if fc is not None:
            check_comparable(fa, fc, str(path_a), str(path_a2))
        x0, z = _flat(fa["probes/x0"].read((), finite=True)), _flat(fa["probes/z"].read((), finite=True))
        refs, dtype = _references(dataset, n, device)
        rung = {round(float(s), 12): t for t, s in enumerate(fa.path_sigmas)}
        sigmas, vals = [float(s) for s in fa.sigmas], {}
        for i, s in enumerate(sigmas):
            y = x0 + s * z
            den = {"a": fa, "b": fb, "a2": fc}
            out = {k: _flat(f["onestep/denoised"].read((i,), finite=True)) for k, f in den.items() if f is not None}
            out.update({("m" + k if k in "ab" else k): _denoise(m, y, s, fa.shape, dtype, device)
                        for k, m in refs.items()})
            pairs = [("ab", "a", "b"), ("mem", "ma", "mb")] + ([("aa2", "a", "a2")] if fc is not None else []) \
                + ([("a_star", "a", "star")] if "star" in out else [])
            for name, u, v in pairs:
                vals[("cos_" + name, i)] = _cos(out[u] - y, out[v] - y)
                vals[("l2_" + name, i)] = np.linalg.norm(out[u] - out[v], axis=1) / s
            if "star" in out:
                vals[("star", i)] = np.linalg.norm(y - out["star"], axis=1) / s
            t = rung.get(round(s, 12))
            if t is not None:
                p = {k: _flat(f["path/denoised"].read((t,), finite=True)) for k, f in den.items() if f is not None}
                vals[("path_ab", i)] = np.linalg.norm(p["a"] - p["b"], axis=1)
                if fc is not None:
                    vals[("path_aa2", i)] = np.linalg.norm(p["a"] - p["a2"], axis=1)
    return sigmas, vals


# ------------------------------------------------------------------------------ the cell's numbers
def _stat(fn, vals: dict, idx: np.ndarray, level: float):
    """[estimate, lower, upper] of ``fn(get)``, where get(name, i) is the mean of a per-probe quantity
    (the estimate) or its replicate means (the interval); None when a quantity is missing."""
    cache = {}

    def reps(name, i):
        if (name, i) not in cache:
            cache[(name, i)] = bootstrap.means(vals[(name, i)], idx)
        return cache[(name, i)]
    try:
        with np.errstate(divide="ignore", invalid="ignore"):
            est = float(fn(lambda name, i: np.float64(np.mean(vals[(name, i)]))))
            return bootstrap.interval(est, fn(reps), level)
    except KeyError:
        return None


#: the per-sigma numbers: name -> fn(get, i)
ROW_STATS = {
    "cos_ab": lambda g, i: g("cos_ab", i), "cos_aa2": lambda g, i: g("cos_aa2", i),
    "cos_mem": lambda g, i: g("cos_mem", i), "cos_a_star": lambda g, i: g("cos_a_star", i),
    "eps_ab": lambda g, i: g("l2_ab", i), "eps_star": lambda g, i: g("star", i),
    "div_ab": lambda g, i: g("l2_ab", i) / g("star", i), "div_aa2": lambda g, i: g("l2_aa2", i) / g("star", i),
    "div_mem": lambda g, i: g("l2_mem", i) / g("star", i), "div_a_star": lambda g, i: g("l2_a_star", i) / g("star", i),
    "mem_index": lambda g, i: (1 - g("cos_ab", i)) / (1 - g("cos_mem", i)),
    "path_ab": lambda g, i: g("path_ab", i), "path_aa2": lambda g, i: g("path_aa2", i),
}
#: the contrasts the verdicts read: name -> fn(get, hi, lo) (hi, lo: the indices of the largest and smallest sigma)
CONTRASTS = {
    "cos_drop": lambda g, hi, lo: g("cos_ab", hi) - g("cos_ab", lo),
    "div_growth": lambda g, hi, lo: (g("l2_ab", lo) / g("star", lo)) / (g("l2_ab", hi) / g("star", hi)),
    "floor_cos": lambda g, hi, lo: g("cos_aa2", lo) - g("cos_ab", lo),
    "floor_ratio": lambda g, hi, lo: g("l2_ab", lo) / g("l2_aa2", lo),
    "path_growth": lambda g, hi, lo: g("path_ab", lo) / g("path_ab", hi),
    "path_floor": lambda g, hi, lo: g("path_ab", lo) / g("path_aa2", lo),
    "mem_index": lambda g, hi, lo: (1 - g("cos_ab", lo)) / (1 - g("cos_mem", lo)),
}


def divergence_controls(path_a, path_b, path_a2, dataset, n: int, device="cpu", reps: int = bootstrap.REPS,
                        seed: int = bootstrap.SEED, level: float = bootstrap.LEVEL) -> dict:
    """The pair's numbers beside its controls, per sigma and as the verdicts' contrasts (see the module)."""
    sigmas, vals = probe_values(path_a, path_b, path_a2, dataset, n, device)
    P = len(next(iter(vals.values())))
    idx = bootstrap.resamples(P, reps, seed)
    rows = [{"sigma": s, **{k: _stat(lambda g, f=f, i=i: f(g, i), vals, idx, level) for k, f in ROW_STATS.items()}}
            for i, s in enumerate(sigmas)]
    hi, lo = int(np.argmax(sigmas)), int(np.argmin(sigmas))
    contrasts = {k: _stat(lambda g, f=f: f(g, hi, lo), vals, idx, level) for k, f in CONTRASTS.items()}
    return {"probes": P, "sigma_max": sigmas[hi], "sigma_min": sigmas[lo], "rows": rows, "contrasts": contrasts}


def attractor_controls(model, dataset, n: int, eps, iters: int, starts: int, test_starts: int, device="cpu",
                       reps: int = bootstrap.REPS, seed: int = bootstrap.SEED, level: float = bootstrap.LEVEL) -> list:
    """Per eps: the fractions of starts returned to their own sample by the model, the memoriser and the
    identity, and the fractions *attracted* (returned, and not already by the identity), with intervals
    (the attractor experiment run here; :func:`attractor_rows` reads one run already)."""
    from tinyscore.analyses.attractors import run_attractors, training_set
    train = training_set(dataset, dataset.cap(int(n), "a"), "a", device)
    res = run_attractors(model, dataset, n, "a", eps=eps, iters=iters, starts=starts, test_starts=test_starts,
                         device=device, keep_points=True, train=train)
    return attractor_rows(res, train, reps, seed, level)


def attractor_rows(res: dict, train, reps: int = bootstrap.REPS, seed: int = bootstrap.SEED,
                   level: float = bootstrap.LEVEL) -> list:
    """:func:`attractor_controls` from an attractor run (tinyscore.analyses.attractors.run_attractors with
    ``keep_points`` and the memoriser) on ``train``: the identity's end point is its start, classified alike."""
    from tinyscore.core.attractors import classify, returned_to_own
    st = res["starts"]
    own = np.asarray(st["own"])
    x_own, z = torch.as_tensor(st["train_start"]), torch.as_tensor(st["z_train"])
    idx = bootstrap.resamples(len(own), reps, seed)
    rows = []
    for e in res["settings"]["eps"]:
        start = (x_own + e * z).to(train.device)
        flags = {"model": returned_to_own(res["points"][(e, "model")], own),
                 "memoriser": returned_to_own(res["points"][(e, "empirical")], own),
                 "identity": classify(start, train, own, res["settings"]["d2_fallback"])["returned"]}
        flags["attracted"] = flags["model"] & ~flags["identity"]
        flags["memoriser_attracted"] = flags["memoriser"] & ~flags["identity"]
        rows.append({"eps": float(e), "starts": int(len(own)),
                     **{f"{k}_own" if k in ("model", "memoriser", "identity") else k:
                        bootstrap.mean_interval(v.astype(np.float64), idx, level) for k, v in flags.items()}})
    return rows


# ------------------------------------------------------------------------------ eps from the data
def nn_spacing(train) -> float:
    """s = median_i min_{j != i} ||x_i - x_j||: the training points' nearest-neighbour spacing (N >= 2)."""
    from tinyscore.core.attractors import nearest_two
    x = torch.as_tensor(np.asarray(train, dtype=np.float64))
    if x.shape[0] < 2:
        raise ValueError("a spacing needs at least two training points")
    _, _, d2 = nearest_two(x, x)                # the nearest is the point itself; d2 the nearest other
    return float(np.median(d2))


def identity_return(train, eps: float, z) -> float:
    """The fraction of training points x_i whose start x_i + eps z_i is already returned to its own sample:
    nearest training point x_i and d1/d2 < 1/3 (tinyscore.core.attractors.classify)."""
    from tinyscore.core.attractors import classify
    x = torch.as_tensor(np.asarray(train, dtype=np.float64))
    c = classify(x + float(eps) * torch.as_tensor(z, dtype=torch.float64), x, np.arange(x.shape[0]))
    return float(c["returned"].mean())


def spacing_eps(train, seed: int = 0, factors=SPACING_FACTORS, ceiling: float = IDENTITY_CEILING) -> dict:
    """{"eps": eps_0 * factors, "eps0", "spacing", "identity": the identity's return rate at each eps}:
    eps_0 the first eps of the ladder (s / (3 sqrt D)) 2^(k/4) at which identity_return <= ``ceiling``,
    rounded to 3 significant digits (the module's "Eps from the data")."""
    x = np.asarray(train, dtype=np.float64).reshape(len(train), -1)
    z = np.random.default_rng([int(seed), 22, 5]).standard_normal(x.shape)
    s = nn_spacing(x)
    rates = {}                                  # identity_return per eps tried, each computed once
    eps0 = None
    for k in range(64):
        e = float(f"{s / (3 * np.sqrt(x.shape[1])) * 2 ** (k / 4):.3g}")
        rates[e] = identity_return(x, e, z)
        if rates[e] <= ceiling:
            eps0 = e
            break
    if eps0 is None:
        raise ValueError("no eps on the ladder makes the identity fail")
    eps = [float(f"{eps0 * f:.3g}") for f in factors]
    return {"eps": eps, "eps0": eps0, "spacing": s,
            "identity": [rates[e] if e in rates else identity_return(x, e, z) for e in eps]}


def cell_controls(model, dataset, n: int, path_a, path_b, path_a2=None, eps=None, iters: int = 10, starts: int = 256,
                  test_starts: int = 256, device="cpu", reps: int = bootstrap.REPS, seed: int = bootstrap.SEED,
                  level: float = bootstrap.LEVEL, attractors: list | None = None) -> dict:
    """A cell's controls: model A (trained on the first ``n`` points of half A) and its trajectory file,
    B's, and A''s (``path_a2``, or None without a seed floor): {"settings", "divergence", "attractors"}.
    ``attractors``: the attractor rows computed already (:func:`attractor_rows` of the study's attractor step,
    with the same settings), instead of running the experiment again; ``model`` is then not used (None will do)."""
    from tinyscore.config import ATTRACTOR_EPS
    eps = ATTRACTOR_EPS if eps is None else eps
    boot = {"reps": int(reps), "seed": int(seed), "level": float(level)}
    div = divergence_controls(path_a, path_b, path_a2, dataset, n, device=device, **boot)
    att = attractors if attractors is not None else \
        attractor_controls(model, dataset, n, eps, iters, starts, test_starts, device=device, **boot)
    return {"settings": {"n_train": int(n), "seed_floor": path_a2 is not None, "iters": int(iters),
                         "starts": int(starts), "test_starts": int(test_starts), "bootstrap": "percentile", **boot},
            "divergence": div, "attractors": att}


def format_table(result: dict) -> str:
    """What ``controls`` prints: per sigma the pair beside its controls, then the attractors per eps."""
    def iv(x):
        return "n/a" if x is None else f"{x[0]:.3f} [{x[1]:.3f}, {x[2]:.3f}]" if x[1] is not None else f"{x[0]:.3f}"
    cols = ("cos_ab", "cos_aa2", "cos_mem", "div_ab", "div_aa2", "mem_index", "path_ab", "path_aa2")
    lines = ["sigma  " + "  ".join(f"{c:>24}" for c in cols)]
    for r in result["divergence"]["rows"]:
        lines.append(f"{r['sigma']:<6g} " + "  ".join(f"{iv(r.get(c)):>24}" for c in cols))
    lines.append("contrasts (largest sigma to smallest): "
                 + "; ".join(f"{k} {iv(v)}" for k, v in result["divergence"]["contrasts"].items()))
    for r in result["attractors"]:
        lines.append(f"eps {r['eps']:g}: " + "; ".join(f"{k} {iv(r[k])}" for k in
                                                      ("model_own", "memoriser_own", "identity_own", "attracted")))
    return "\n".join(lines)
