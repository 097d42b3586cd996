r"""Metrics: how far two models are from each other, and from the truth (docs/design.md, section 5).

**Divergence between models A and B** on the same probes, per noise level:

    L2     = || D_A(y, sigma) - D_B(y, sigma) ||_2             per probe: mean and sd over probes
    RMS    = sqrt( mean_probes L2^2 / dim )                    the same, per coordinate
    cosine = cos( d_A(y, sigma), d_B(y, sigma) ),  d = D - y   per probe: mean and sd

For the one-step kind, y = x0 + sigma z is the same for both models (:func:`onestep_divergence`).
Along the path each model follows its own trajectory x_A(t), x_B(t) from the same start, so the
path kind compares D_A(x_A(t)) with D_B(x_B(t)) and the directions D_A(x_A) - x_A with
D_B(x_B) - x_B (:func:`path_divergence`). The per-probe reductions run through ``kernels.l2_cosine``
(one read of the inputs); :class:`Moments` combines them a chunk of probes at a time, so the probes
never need to be in memory at once (reading them from trajectory files is
:mod:`tinyscore.analyses.metrics`).

**Score error against an analytic mixture** (:func:`score_errors`): the relative error
||s_model - s_true|| / ||s_true|| and the sigma^2-weighted squared error
sigma^2 ||s_model - s_true||^2 = ||D_model - D*||^2 / sigma^2.
"""
from __future__ import annotations

import numpy as np
import torch

import kernels

#: the fields of a divergence row (one per sigma)
FIELDS = ("sigma", "l2_mean", "l2_std", "rms", "cosine_mean", "cosine_std")


class Moments:
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


def onestep_divergence(den_a: torch.Tensor, den_b: torch.Tensor, y: torch.Tensor):
    """Per probe (rows): L2 = ||D_A - D_B|| and the cosine of (D_A - y, D_B - y), y the shared input."""
    return kernels.l2_cosine(den_a, den_b, y)


def path_divergence(den_a: torch.Tensor, x_a: torch.Tensor, den_b: torch.Tensor, x_b: torch.Tensor):
    """Per probe (rows): L2 = ||D_A(x_A) - D_B(x_B)|| (in float64) and the cosine of the directions
    D_A(x_A) - x_A and D_B(x_B) - x_B, each model at its own state."""
    dir_a, dir_b = den_a - x_a, den_b - x_b
    _, cos = kernels.l2_cosine(dir_a, dir_b, torch.zeros_like(dir_a))
    return torch.linalg.vector_norm((den_a - den_b).double(), dim=1), cos


def divergence_row(sigma, l2: Moments, cos: Moments, dim: int) -> dict:
    """One row of :data:`FIELDS` from the moments of L2 and cosine over all probes at ``sigma``."""
    return {"sigma": float(sigma), "l2_mean": l2.mean, "l2_std": l2.std,
            "rms": float(np.sqrt(l2.ss / l2.n / dim)), "cosine_mean": cos.mean, "cosine_std": cos.std}


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
