r"""Dynamics: what a model does to noisy probes, in one step and along a reverse path (docs/design.md, section 4).

**One step.** For each analysis sigma and each probe x0 with its fixed unit noise z,

    y = x0 + sigma z,        output D(y, sigma).

**Path.** The probability-flow ODE of the variance-exploding diffusion, written in sigma,

    dx / dsigma = -sigma s(x, sigma) = -d(x, sigma) / sigma,        d = D - x = sigma^2 s,

integrated from y_0 = x0 + sigma_max z down to sigma_min by Heun's method (second order, as in
EDM) on a geometric ladder that passes through every analysis sigma. At every rung the state x_t
and D(x_t, sigma_t) are recorded. The ODE is deterministic, so two models started from the same
y_0 can be compared step by step.

Models are any object with ``denoise(y, sigma)`` (tinyscore.core.models); the points are torch tensors,
or float32 NumPy arrays for a model that takes them (the exact mixture, which then runs without
importing torch; the two give the same bits, as every step below is one rounded float32 operation).
Probes are processed in batches so memory stays bounded for images. :func:`pf_ode_steps` yields the path of one batch
rung by rung, so a writer can store each rung as it comes (tinyscore.analyses.trajectories does: memory
then does not grow with the number of probes or rungs); :func:`pf_ode_path` collects them.
"""
from __future__ import annotations

import math
import sys

import numpy as np

from tinyscore.config import ANALYSIS_SIGMAS
from tinyscore.errors import TinyscoreError


def parse_sigmas(text) -> tuple:
    """'1,0.5,0.1' -> (1.0, 0.5, 0.1), sorted high to low; every sigma finite and > 0."""
    if isinstance(text, str):
        try:
            values = [float(t) for t in text.split(",") if t.strip()]
        except ValueError:
            raise TinyscoreError(f"sigmas must be comma-separated numbers, got {text!r}") from None
    else:
        values = [float(t) for t in text]
    if not values:
        raise TinyscoreError("no sigma given")
    bad = [v for v in values if not (math.isfinite(v) and v > 0)]
    if bad:
        raise TinyscoreError(f"every sigma must be a positive number, got {bad[0]:g}")
    if len(set(values)) != len(values):
        raise TinyscoreError("sigmas must be distinct")
    return tuple(sorted(values, reverse=True))


#: the analysis sigmas of tinyscore.config, as numbers
DEFAULT_SIGMAS = parse_sigmas(ANALYSIS_SIGMAS)


def path_ladder(sigmas, substeps: int = 8) -> np.ndarray:
    """A geometric sigma ladder from max(sigmas) to min(sigmas) through every analysis sigma,
    with ``substeps`` geometric steps between consecutive analysis sigmas."""
    sigmas = sorted(sigmas, reverse=True)
    if len(sigmas) == 1:
        return np.asarray(sigmas, dtype=np.float64)
    rungs = [sigmas[0]]
    for hi, lo in zip(sigmas[:-1], sigmas[1:]):
        rungs += list(np.geomspace(hi, lo, substeps + 1)[1:])
    return np.asarray(rungs, dtype=np.float64)


def _denoise(model, y, sigma: float):
    torch = sys.modules.get("torch")          # a tensor means torch is loaded; an array needs no torch
    if torch is None or not isinstance(y, torch.Tensor):
        return model.denoise(y, sigma)
    with torch.no_grad():
        return model.denoise(y, sigma)


def _numpy(a) -> np.ndarray:
    return a if isinstance(a, np.ndarray) else a.cpu().numpy()


def one_step(model, x0, z, sigmas, batch: int = 512) -> np.ndarray:
    """D(x0 + sigma z, sigma) for every sigma: (S, P, *shape) float32."""
    out = np.empty((len(sigmas), *x0.shape), dtype=np.float32)
    for i, s in enumerate(map(float, sigmas)):
        for a in range(0, x0.shape[0], batch):
            y = x0[a:a + batch] + s * z[a:a + batch]
            out[i, a:a + batch] = _numpy(_denoise(model, y, s))
    return out


def pf_ode_steps(model, y0, ladder):
    """Heun integration of dx/dsigma = -d(x, sigma)/sigma along ``ladder`` (descending), one batch.

    Yields ``(t, state, denoised)`` at every rung t = 0 .. T-1: float32 arrays of y0's shape, the
    iterate and D(iterate, sigma_t), possibly views of the arrays in use (a model may reuse its
    output buffer): store or copy them before asking for the next rung.
    """
    T = len(ladder)
    x = y0.copy() if isinstance(y0, np.ndarray) else y0.detach().clone()
    for t, s in enumerate(map(float, ladder)):     # Python numbers: float32 arithmetic on either kind
        den = _denoise(model, x, s)
        yield t, _numpy(x), _numpy(den)
        if t == T - 1:
            break
        s_next = float(ladder[t + 1])
        f = -(den - x) / s                              # dx/dsigma at (x, s)
        x_pred = x + (s_next - s) * f                   # Euler predictor
        f_next = -(_denoise(model, x_pred, s_next) - x_pred) / s_next
        x = x + (s_next - s) * 0.5 * (f + f_next)       # Heun corrector


def pf_ode_path(model, y0, ladder, batch: int = 512, progress=None):
    """Heun integration of dx/dsigma = -d(x, sigma)/sigma along ``ladder`` (descending).

    Returns (states, denoised), each (T, P, *shape) float32, recorded at every rung.
    """
    T = len(ladder)
    states = np.empty((T, *y0.shape), dtype=np.float32)
    denoised = np.empty_like(states)
    for a in range(0, y0.shape[0], batch):
        for t, state, den in pf_ode_steps(model, y0[a:a + batch], ladder):
            states[t, a:a + batch] = state
            denoised[t, a:a + batch] = den
            if progress is not None and t < T - 1:
                progress.update(1)
    return states, denoised


def check_finite(arr: np.ndarray, what: str) -> None:
    if not np.all(np.isfinite(arr)):
        raise TinyscoreError(f"{what} contains NaN or infinite values")
