r"""Attractors: iterate the denoiser from a perturbed training sample and see where it lands (docs/design.md, section 4).

A model memorises when its denoiser, applied over and over near a training sample x_i, returns to
x_i exactly: the training samples are then *attractors* (fixed points with a basin) of the map
x -> D(x, sigma). For one perturbation size eps:

1. start from y_0 = x_i + eps z_i (z_i a fixed unit Gaussian, one per start);
2. iterate y_{k+1} = D(y_k, sigma_k), k = 0..K-1, with the noise level either **annealed** down a
   geometric ladder sigma_k from eps to ``sigma_end`` (default), or **fixed** at sigma_k = eps
   (:func:`sigma_schedule`, :func:`iterate`);
3. find the end point's nearest and second-nearest training samples, at distances d1 <= d2
   (:func:`nearest_two`), and call the end point *memorised* (it landed on a training sample) when

       d1 / d2 < 1/3          (the memorisation criterion of Yoon et al. 2023 and Bonnaire et al. 2025,
                               which the low-noise study applies)

   and *returned* when it is memorised and the nearest sample is its own x_i (:func:`classify`).

With one training sample there is no second one; the caller then gives d2 itself (the analysis uses
the median distance from the sample to held-out points: "landed on the sample" still means "much
closer to it than data points are to each other").

The distances are computed in float64 whatever the precision of the points; a float32 training set
is widened a chunk at a time (exact: every float32 is a float64), never copied whole. Running the
experiment over a data set, with the empirical optimal denoiser beside the model and held-out points
as a control, is :mod:`tinyscore.analyses.attractors`.
"""
from __future__ import annotations

import math

import numpy as np
import torch

from tinyscore.errors import TinyscoreError

#: memorised when d1 / d2 is below this
MEMORISED_RATIO = 1.0 / 3.0
#: the noise levels of the iteration: annealed from eps down to sigma_end, or fixed at eps
SCHEDULES = ("anneal", "fixed")


def sigma_schedule(eps: float, iters: int, schedule: str = "anneal", sigma_end: float = 0.01) -> np.ndarray:
    """The noise levels sigma_0..sigma_{K-1} of the iteration started at perturbation eps: geometric from eps
    to min(eps, sigma_end) ("anneal"), or eps throughout ("fixed")."""
    if iters < 1:
        raise TinyscoreError(f"iters must be at least 1, got {iters}")
    if schedule == "fixed":
        return np.full(iters, float(eps))
    if schedule != "anneal":
        raise TinyscoreError(f"schedule must be one of {', '.join(SCHEDULES)}, got {schedule!r}")
    return np.geomspace(eps, min(eps, sigma_end), iters)


@torch.no_grad()
def iterate(model, y: torch.Tensor, sigmas, batch: int = 512) -> torch.Tensor:
    """y_{k+1} = D(y_k, sigma_k) for each sigma_k in turn, in batches; returns the end points."""
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
    """For each point: index of the nearest training sample, d1 and d2 (second-nearest; inf if N = 1),
    in float64, over the training set a chunk at a time."""
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
    """Memorised (d1/d2 < 1/3) and, when ``own`` indices are given, returned-to-own per end point.
    With one training sample, ``d2_fallback`` stands for d2."""
    idx, d1, d2 = nearest_two(ends, train)
    if train.shape[0] == 1:
        if d2_fallback is None:
            raise TinyscoreError("with one training sample, a reference distance (d2_fallback) is needed")
        d2 = np.full_like(d1, float(d2_fallback))
    memorised = d1 / np.maximum(d2, 1e-300) < MEMORISED_RATIO
    out = {"nearest": idx, "d1": d1, "d2": d2, "memorised": memorised}
    if own is not None:
        out["returned"] = returned_to_own(out, own)
    return out


def returned_to_own(c: dict, own) -> np.ndarray:
    """Per end point of a :func:`classify` result ``c``: memorised (d1/d2 < 1/3) by its own sample ``own``."""
    return (c["d1"] / np.maximum(c["d2"], 1e-300) < MEMORISED_RATIO) & (np.asarray(c["nearest"]) == np.asarray(own))
