r"""Geometry of the score error: along and across the directions a mixture defines.

Each component k of a mixture has a covariance Sigma_k; its **dominant span** U_k holds the eigenvectors
whose eigenvalue is at least SPAN_RATIO times Sigma_k's smallest: the curve's tangent T of a `spiral`
component (0.5 c against 0.05 c), the 2-D frame F of a `thinmanifold` component (against 1e-4 across it),
nothing for c I. A point y = x + sigma z (x held out) is given the component most responsible for it,
k(y) = argmax_k r_k(y) (equation (2) of tinyscore.core.mixtures), and P = U_k U_k^T projects onto that
span: the *tangent* part, near the data manifold; I - P is the *normal* part. Per sigma, over the points,

    rel            = sqrt(sum ||e||^2 / sum ||s*||^2)                  e = s_A - s*: model A's relative error
    rel_tan        = sqrt(sum ||P e||^2 / sum ||P s*||^2)              ... along the span
    rel_norm       = sqrt(sum ||(I - P) e||^2 / sum ||(I - P) s*||^2)  ... across it
    norm_over_tan  = rel_norm / rel_tan
    share_err      = sum ||P e||^2 / sum ||e||^2                       the part of A's error along the span
    share_ab       = sum ||P d||^2 / sum ||d||^2                       d = s_A - s_B: the part of A-B's difference
    share_dim      = mean over the points of rank(P) / D               what an error without a preferred
                                                                       direction would put along the span

and ``rel_bins``: ``rel`` within each of ``bins`` equal-count bins of the true log-density log p_sigma(y)
(bin 0 the lowest, as tinyscore.analyses.accuracy bins them), which the study's objectives claim reads;
each with a percentile bootstrap interval over the points (tinyscore.core.bootstrap; every ratio of sums
is a ratio of means, recomputed on the same resamples). A mixture whose components have no span
(isotropic ones) gets ``rel`` alone: its error has no direction to prefer.
"""
from __future__ import annotations

import numpy as np
import torch

from tinyscore.core.dynamics import parse_sigmas
from tinyscore.config import ANALYSIS_SIGMAS
from tinyscore.core import bootstrap
from tinyscore.core.models import to_tensor
from tinyscore.errors import TinyscoreError

#: an eigenvector of Sigma_k is in the dominant span when its eigenvalue is at least this times the smallest
SPAN_RATIO = 4.0
#: equal-count log-density bins of ``rel_bins``
BINS = 5
#: points per batch through a network and through the mixture
BATCH = 4096


def dominant_spans(mixture) -> list:
    """[U_k (D, r_k)] per component: the eigenvectors of Sigma_k with eigenvalue >= SPAN_RATIO x its smallest."""
    spans = []
    for f in mixture.forms:
        vals, vecs = np.linalg.eigh(f.dense(mixture.D))
        keep = vals >= SPAN_RATIO * max(vals[0], 1e-300)
        spans.append(vecs[:, keep])
    return spans


@torch.no_grad()
def _scores(model, y: np.ndarray, sigma: float, device) -> np.ndarray:
    yt = to_tensor(y, device)
    return np.concatenate([model.score(yt[a:a + BATCH], sigma).double().cpu().numpy()
                           for a in range(0, y.shape[0], BATCH)])


def _per_point(e, d, s, spans, k):
    """Per point: ||e||^2, ||s*||^2 and their span parts, ||d||^2 and its span part, rank(P)."""
    out = {name: np.zeros(e.shape[0]) for name in ("ee", "ss", "pe", "ps", "dd", "pd", "rank")}
    out["ee"], out["ss"], out["dd"] = (e * e).sum(1), (s * s).sum(1), (d * d).sum(1)
    for j, U in enumerate(spans):
        m = k == j
        if not m.any() or U.shape[1] == 0:
            continue
        for name, v in (("pe", e), ("ps", s), ("pd", d)):
            c = v[m] @ U                      # coordinates along the span: ||P v||^2 = ||U^T v||^2
            out[name][m] = (c * c).sum(1)
        out["rank"][m] = U.shape[1]
    return out


#: each number of a row from the means of the per-point values (g: name -> mean)
STATS = {
    "rel": lambda g: np.sqrt(g("ee") / g("ss")),
    "rel_tan": lambda g: np.sqrt(g("pe") / g("ps")),
    "rel_norm": lambda g: np.sqrt((g("ee") - g("pe")) / (g("ss") - g("ps"))),
    "norm_over_tan": lambda g: np.sqrt(((g("ee") - g("pe")) / (g("ss") - g("ps"))) / (g("pe") / g("ps"))),
    "share_err": lambda g: g("pe") / g("ee"),
    "share_ab": lambda g: g("pd") / g("dd"),
}


def score_geometry(model_a, model_b, dataset, sigmas=ANALYSIS_SIGMAS, points: int = 2000, seed: int = 0, device="cpu",
                   reps: int = bootstrap.REPS, boot_seed: int = bootstrap.SEED, level: float = bootstrap.LEVEL,
                   bins: int = BINS) -> dict:
    """The module's numbers per sigma for models A and B of a mixture dataset, on ``points`` held-out points."""
    from tinyscore.analyses.accuracy import density_bins
    mixture = getattr(dataset, "mixture", None)
    if mixture is None:
        raise TinyscoreError(f"the score's geometry needs a known density; {dataset.name} is not a mixture")
    spans = dominant_spans(mixture)
    has_span = any(U.shape[1] for U in spans)
    points = min(int(points), dataset.test_size)
    x = dataset.test(points).astype(np.float64)
    rng = np.random.default_rng([int(seed), 12])
    idx = bootstrap.resamples(points, reps, boot_seed)
    rows = []
    for sigma in parse_sigmas(sigmas):
        y = x + sigma * rng.standard_normal(x.shape)
        s_true = np.concatenate([mixture.score(y[a:a + BATCH], sigma) for a in range(0, points, BATCH)])
        k = np.concatenate([mixture.responsibilities(y[a:a + BATCH], sigma).argmax(1) for a in range(0, points, BATCH)])
        s_a, s_b = _scores(model_a, y, sigma, device), _scores(model_b, y, sigma, device)
        v = _per_point(s_a - s_true, s_a - s_b, s_true, spans, k)
        logp = np.concatenate([mixture.log_prob(y[a:a + BATCH], sigma) for a in range(0, points, BATCH)])
        where, _ = density_bins(logp, int(bins))
        for b in range(int(bins)):
            v[f"ee{b}"], v[f"ss{b}"] = v["ee"] * (where == b), v["ss"] * (where == b)
        row = {"sigma": float(sigma), "share_dim": float(v["rank"].mean() / mixture.D)}
        cache = {}

        def reps_of(name):
            if name not in cache:
                cache[name] = bootstrap.means(v[name], idx)
            return cache[name]
        for name, f in STATS.items():
            if name != "rel" and not has_span:
                continue
            with np.errstate(divide="ignore", invalid="ignore"):
                est = float(f(lambda n: np.float64(np.mean(v[n]))))
                row[name] = bootstrap.interval(est, f(reps_of), level) if np.isfinite(est) else None
        row["rel_bins"] = []
        for b in range(int(bins)):                # a resample that misses a bin gives 0 / 0, which is dropped
            with np.errstate(divide="ignore", invalid="ignore"):
                est = float(np.sqrt(np.mean(v[f"ee{b}"]) / np.mean(v[f"ss{b}"])))
                boot = np.sqrt(reps_of(f"ee{b}") / reps_of(f"ss{b}"))
            row["rel_bins"].append(bootstrap.interval(est, boot, level))
        rows.append(row)
    return {"settings": {"dataset": dataset.name, "points": points, "seed": int(seed), "span_ratio": SPAN_RATIO,
                         "ranks": [int(U.shape[1]) for U in spans], "dim": int(mixture.D), "bins": int(bins), "reps": int(reps),
                         "boot_seed": int(boot_seed), "level": float(level)}, "rows": rows}


def format_table(result: dict) -> str:
    """What ``geometry`` prints: per sigma the relative errors along and across the span and the shares."""
    def iv(x):
        return "n/a" if x is None else f"{x[0]:.3f} [{x[1]:.3f}, {x[2]:.3f}]"
    cols = [c for c in STATS if any(c in r for r in result["rows"])]
    lines = [f"spans of rank {result['settings']['ranks']} in D = {result['settings']['dim']}",
             "sigma  " + "  ".join(f"{c:>22}" for c in cols) + "  share_dim"]
    for r in result["rows"]:
        lines.append(f"{r['sigma']:<6g} " + "  ".join(f"{iv(r.get(c)):>22}" for c in cols) + f"  {r['share_dim']:.3f}")
    return "\n".join(lines)
