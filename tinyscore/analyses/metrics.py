r"""Metrics: how far two models are from each other, and from the truth (docs/design.md, section 5).

**Divergence between models A and B** on the same probes, per noise level:

    L2     = || D_A(y, sigma) - D_B(y, sigma) ||_2             per probe: mean and sd over probes
    RMS    = sqrt( mean_probes L2^2 / dim )                    the same, per coordinate
    cosine = cos( d_A(y, sigma), d_B(y, sigma) ),  d = D - y   per probe: mean and sd

For the one-step kind, y = x0 + sigma z is the same for both models. Along the path each model
follows its own trajectory x_A(t), x_B(t) from the same start, so the path kind compares
D_A(x_A(t)) with D_B(x_B(t)) and the directions D_A(x_A) - x_A with D_B(x_B) - x_B.

The per-probe reductions run through ``kernels.l2_cosine`` (one read of the inputs), and files
are read a chunk of probes at a time, so trajectory files larger than memory are fine.

**Score error against an analytic mixture**: relative error ||s_model - s_true|| / ||s_true||
and the sigma^2-weighted squared error sigma^2 ||s_model - s_true||^2 = ||D_model - D*||^2 / sigma^2.
"""
from __future__ import annotations

import numpy as np
import torch

import kernels

from tinyscore.errors import TinyscoreError
from tinyscore.storage.store import check_comparable, open_trajectories

FIELDS = ("sigma", "l2_mean", "l2_std", "rms", "cosine_mean", "cosine_std")


class _Moments:
    """Running mean and sd of per-probe values (combined chunk by chunk)."""

    def __init__(self):
        self.n, self.s, self.ss = 0, 0.0, 0.0

    def add(self, v: torch.Tensor):
        v = v.double()
        self.n += v.numel()
        self.s += float(v.sum())
        self.ss += float((v * v).sum())

    @property
    def mean(self):
        return self.s / self.n

    @property
    def std(self):
        return float(np.sqrt(max(self.ss / self.n - self.mean ** 2, 0.0)))


def _row(sigma, l2: _Moments, cos: _Moments, dim: int) -> dict:
    return {"sigma": float(sigma), "l2_mean": l2.mean, "l2_std": l2.std,
            "rms": float(np.sqrt(l2.ss / l2.n / dim)), "cosine_mean": cos.mean, "cosine_std": cos.std}


def _flat(a, source=None) -> torch.Tensor:
    """A chunk of a trajectory file as (rows, dim); NaN or inf in it is the file's fault, said so."""
    a = torch.from_numpy(np.ascontiguousarray(a))
    if source is not None and not torch.isfinite(a).all():
        raise TinyscoreError(f"{source} contains NaN or infinite values")
    return a.reshape(a.shape[0], -1)


def _rows(dim: int, chunk: int, budget: int = 1 << 26) -> int:
    """Probes per chunk: at most ``chunk``, and few enough that one chunk stays near ``budget`` bytes."""
    return max(1, min(int(chunk), budget // (4 * max(1, dim))))


def diverge(path_a, path_b, chunk: int = 1024) -> dict:
    """Compare two trajectory files: {"onestep": [row per sigma], "path": [row per path step]}.

    Both files are checked as they are opened (tinyscore.storage.store.open_trajectories) and every chunk
    as it is read (finite values), so a crafted or damaged file ends in one TinyscoreError."""
    with open_trajectories(path_a) as fa, open_trajectories(path_b) as fb:
        return diverge_open(fa, fb, str(path_a), str(path_b), chunk)


def diverge_open(fa, fb, name_a: str, name_b: str, chunk: int = 1024) -> dict:
    """:func:`diverge` on two files already opened by ``open_trajectories`` (whose typed
    attributes a caller may want too, without opening and checking the files a second time)."""
    check_comparable(fa, fb, name_a, name_b)
    P, dim = fa.P, fa.dim
    rows = _rows(dim, chunk)
    result = {"onestep": [], "path": []}

    def read(f, name, sel):
        return _flat(f[name].read(sel, finite=True))

    with np.errstate(all="ignore"):                 # overflow is checked below, not warned about
        for i, sigma in enumerate(fa.sigmas):
            l2, cos = _Moments(), _Moments()
            for a in range(0, P, rows):
                sl = slice(a, a + rows)
                y = _flat(fa["probes/x0"].read(sl, finite=True) + sigma * fa["probes/z"].read(sl, finite=True))
                if not torch.isfinite(y).all():
                    raise fa.error(f"x0 + sigma z overflows at sigma = {sigma:g}")
                d, c = kernels.l2_cosine(read(fa, "onestep/denoised", (i, sl)),
                                         read(fb, "onestep/denoised", (i, sl)), y)
                l2.add(d)
                cos.add(c)
            result["onestep"].append(_row(sigma, l2, cos, dim))
        for t, sigma in enumerate(fa.path_sigmas):
            l2, cos = _Moments(), _Moments()
            for a in range(0, P, rows):
                sl = slice(a, a + rows)
                den_a, den_b = read(fa, "path/denoised", (t, sl)), read(fb, "path/denoised", (t, sl))
                dir_a = den_a - read(fa, "path/states", (t, sl))
                dir_b = den_b - read(fb, "path/states", (t, sl))
                _, c = kernels.l2_cosine(dir_a, dir_b, torch.zeros_like(dir_a))
                l2.add(torch.linalg.vector_norm((den_a - den_b).double(), dim=1))
                cos.add(c)
            result["path"].append(_row(sigma, l2, cos, dim))
    return result


def format_table(result: dict, analysis_sigmas=None) -> str:
    """The table ``diverge`` prints: one line per (kind, sigma). Path rows are shown at the
    analysis sigmas (the ladder passes through them); --json holds every path step."""
    keep = None if analysis_sigmas is None else {round(float(s), 12) for s in analysis_sigmas}
    lines = [f"{'kind':<8}{'sigma':>9}{'L2 mean':>12}{'L2 sd':>12}{'RMS':>12}{'cos mean':>10}{'cos sd':>9}"]
    for kind in ("onestep", "path"):
        for r in result[kind]:
            if kind == "path" and keep is not None and round(r["sigma"], 12) not in keep:
                continue
            lines.append(f"{kind:<8}{r['sigma']:>9.4g}{r['l2_mean']:>12.5g}{r['l2_std']:>12.5g}{r['rms']:>12.5g}"
                         f"{r['cosine_mean']:>10.4f}{r['cosine_std']:>9.4f}")
    return "\n".join(lines)


def score_errors(s_model: np.ndarray, s_true: np.ndarray, sigma: float) -> dict:
    """Relative error (over all points, and its per-point median) and sigma^2-weighted squared error."""
    err = np.linalg.norm(s_model - s_true, axis=1)
    true = np.linalg.norm(s_true, axis=1)
    return {"count": int(len(err)),
            "relative": float(np.linalg.norm(err) / max(np.linalg.norm(true), 1e-300)),
            "relative_median": float(np.median(err / np.maximum(true, 1e-300))),
            "weighted_sq": float(np.mean(sigma ** 2 * err ** 2))}


def score_error(model, mixture, y: torch.Tensor, sigma: float) -> dict:
    """Score errors of ``model`` against the analytic mixture at the points y."""
    with torch.no_grad():
        s_model = model.score(y, sigma).double().cpu().numpy()
    return {"sigma": float(sigma), **score_errors(s_model, mixture.score(y.double().cpu().numpy(), sigma), sigma)}
