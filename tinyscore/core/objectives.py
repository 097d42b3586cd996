r"""The three training objectives, each a short callable that reads as its equation (docs/design.md, section 2).

Every loss takes (model, x, sigma, generator) with clean data x (B, ...), per-sample noise levels
sigma (B,), and returns the per-sample loss (B,). With y = x + sigma z, z ~ N(0, I):

    reconstruction (denoiser):   || x - D(y, sigma) ||^2                                     (R)
    denoising score matching:    || sigma s(y, sigma) + z ||^2          (lambda(sigma) = sigma^2)  (DSM)
    sliced score matching:       sigma^2 [ v^T grad_y(v^T s) + 1/2 (v^T s)^2 ]              (SSM)
    ... with variance reduction: sigma^2 [ v^T grad_y(v^T s) + 1/2 ||s||^2 ]                (SSM-VR)

(DSM) is minimised by the score of p_sigma because E[-z / sigma | y] = s(y, sigma) (Vincent 2011).
(SSM) never uses z, only the noisy point y: it is Hyvarinen's score matching,
E[tr(grad_y s) + 1/2 ||s||^2], with the Jacobian trace estimated by random projections v
(E[v v^T] = I, so E[v^T J v] = tr J; Song et al. 2019), averaged over M projections per sample.
Its minimiser is therefore the score of the distribution y comes from, p_sigma, exactly as for DSM,
but reached without knowing z.

The term v^T grad_y(v^T s) = v^T J v needs one Jacobian-vector product per projection. The ways to
compute it fast (the double backward, forward mode with a hand-written tangent, the Triton projection
kernels) live beside this module, in :mod:`tinyscore.core.ssm_paths`, so that the loss below stays the
equation; they give the same numbers (tested), and the per-sample losses are bit-identical to the
earlier formulation that computed them inline.
"""
from __future__ import annotations

import math

import torch

from tinyscore.config import SSM_JVP, SSM_KINDS, TRAIN_DEFAULTS, check_variant
from tinyscore.core import ssm_paths
from tinyscore.core.models import bcast_sigma


def _sq(t: torch.Tensor) -> torch.Tensor:
    """Per-sample squared norm of a batch of any shape."""
    return t.flatten(1).pow(2).sum(1)


def _noisy(x, sigma, gen):
    """(y, z): y = x + sigma z with z ~ N(0, I) drawn from ``gen``."""
    z = torch.randn(x.shape, generator=gen, device=x.device, dtype=x.dtype)
    return x + bcast_sigma(sigma, x) * z, z


class ReconstructionLoss:
    """(R): the plain denoising loss of the UNet denoiser (Kadkhodaie et al. 2024)."""

    def __call__(self, model, x, sigma, gen):
        y, _ = _noisy(x, sigma, gen)
        return _sq(model.denoise(y, sigma) - x)


class DSMLoss:
    """(DSM): denoising score matching with the weight lambda(sigma) = sigma^2."""

    def __call__(self, model, x, sigma, gen):
        y, z = _noisy(x, sigma, gen)
        return _sq(bcast_sigma(sigma, x) * model.score(y, sigma) + z)


class SSMLoss:
    """(SSM) / (SSM-VR): sliced score matching on noisy samples, M projections per sample.

    The M directions v_m come from one seed drawn from the generator (Philox, so the same seed gives
    the same v on every device); the terms v_m^T J v_m come from :mod:`tinyscore.core.ssm_paths`, which
    picks the fastest way to compute them (``jvp``: "auto", "forward" or "backward"; ``backend``: that of
    the projection kernels)."""

    def __init__(self, vr: bool = True, kind: str = "rademacher", n_proj: int = 1, jvp: str = "auto",
                 backend: str | None = None):
        if kind not in SSM_KINDS:
            raise ValueError(f"projection kind must be one of {', '.join(SSM_KINDS)}, got {kind!r}")
        if jvp not in SSM_JVP:
            raise ValueError(f"jvp must be one of {', '.join(SSM_JVP)}, got {jvp!r}")
        if n_proj < 1:
            raise ValueError("at least one projection is needed")
        self.vr, self.kind, self.n_proj, self.jvp, self.backend = vr, kind, n_proj, jvp, backend

    def __call__(self, model, x, sigma, gen):
        y, _ = _noisy(x, sigma, gen)                     # only y is used: SSM never sees z
        seed = int(torch.randint(0, 2**31 - 1, (1,), generator=gen, device=gen.device))   # the v_m
        s, vJv, vs = ssm_paths.directional_terms(model, y, sigma, seed, self.n_proj, self.kind, self.jvp,
                                                 self.backend, with_vs=not self.vr)
        trace = _mean(vJv)                               # (1/M) sum_m v_m^T J v_m, whose mean is tr J
        half_sq = 0.5 * (_sq(s) if self.vr else _mean([p.pow(2) for p in vs]))    # ||s||^2, or (v^T s)^2
        return sigma.pow(2) * (trace + half_sq)


def _mean(terms: list) -> torch.Tensor:
    """(1/M) sum_m terms[m], summed in order (one term is returned as it is)."""
    total = terms[0]
    for t in terms[1:]:
        total = total + t
    return total / len(terms) if len(terms) > 1 else total


def make_loss(variant: str, ssm_vr: bool = TRAIN_DEFAULTS["ssm_vr"], ssm_kind: str = TRAIN_DEFAULTS["ssm_kind"],
              ssm_proj: int = TRAIN_DEFAULTS["ssm_proj"], ssm_jvp: str = TRAIN_DEFAULTS["ssm_jvp"]):
    """The objective that trains ``variant``; the SSM options default as a training run's do."""
    if check_variant(variant) == "denoiser":
        return ReconstructionLoss()
    if variant == "ncsn":
        return DSMLoss()
    return SSMLoss(vr=ssm_vr, kind=ssm_kind, n_proj=ssm_proj, jvp=ssm_jvp)


def sample_sigma(n: int, sigma_min: float, sigma_max: float, gen: torch.Generator, levels: int = 0,
                 device="cpu") -> torch.Tensor:
    """Training noise levels: log-uniform in [sigma_min, sigma_max], or a geometric ladder of L levels."""
    u = torch.rand(n, generator=gen, device=device)
    if levels > 1:
        u = torch.floor(u * levels) / (levels - 1)
    return torch.exp(math.log(sigma_min) + u * math.log(sigma_max / sigma_min))
