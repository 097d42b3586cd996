r"""The three training objectives of the study, as small callables (docs/design.md, section 2).

Every loss takes (model, x, sigma, generator) with clean data x (B, ...), per-sample noise levels
sigma (B,), and returns the per-sample loss (B,). With y = x + sigma z, z ~ N(0, I):

    reconstruction (denoiser):   || x - D(y, sigma) ||^2                                     (R)
    denoising score matching:    || sigma s(y, sigma) + z ||^2          (lambda(sigma) = sigma^2)  (DSM)
    sliced score matching:       sigma^2 [ v^T grad_y(v^T s) + 1/2 (v^T s)^2 ]              (SSM)
    ... with variance reduction: sigma^2 [ v^T grad_y(v^T s) + 1/2 ||s||^2 ]                (SSM-VR)

(DSM) is minimised by the score of p_sigma because E[-z / sigma | y] = s(y, sigma) (Vincent 2011).
(SSM) never uses z, only the noisy point y: it is Hyvarinen's score matching,
E[tr(grad_y s) + 1/2 ||s||^2], with the Jacobian trace estimated by random projections v
(E[v v^T] = I, so E[v^T J v] = tr J; Song et al. 2019). Its minimiser is therefore the score of
the distribution y comes from, p_sigma, exactly as for DSM, but reached without knowing z.

The projection term needs one Jacobian-vector product per projection:

* ``jvp="backward"`` the reference way (Song et al. 2019): p = v^T s, then
  g = grad_y p (a second backward pass that builds a graph), then v^T g = v^T J^T v = v^T J v;
* ``jvp="forward"`` forward mode: (s, J v) in one forward pass with a tangent, then v^T (J v).
  The MLP backbone writes its tangent out (:mod:`tinyscore.core.tangent`: the tangent rows ride in the
  network's own matmuls, one backward follows); other backbones use ``torch.autograd.forward_ad``;
* ``jvp="auto"`` (default): the faster of the two for the device and backbone, ``JVP_DEFAULT``.

The v are generated from a seed by Philox (kernel 2 of docs/design.md, section 7): the same seed gives the
same v everywhere (CPU, GPU, kernels).  On a GPU ``kernels.project`` regenerates them inside its
kernels, so no M x B x D tensor of projections is ever stored.  On the reference (CPU) path one
(B, D) block of directions is generated per projection (``kernels.projection_vectors``, ~1 ms for
512 x 100) and g = grad_y sum(v * s) is asked of autograd: the incoming gradient of s is then
1 * v = v exactly, so g equals grad(s, y, grad_outputs=v) bit for bit, without the import of
sympy (0.4 s) that PyTorch's check of an explicit ``grad_outputs`` costs the first step.
Per-sample losses are bit-identical to the previous formulation.
"""
from __future__ import annotations

import math

import torch

import kernels

from tinyscore.core.models import bcast_sigma, forward_ad_jvp


def _sq(t: torch.Tensor) -> torch.Tensor:
    """Per-sample squared norm of a batch of any shape."""
    return t.flatten(1).pow(2).sum(1)


def _noisy(x, sigma, gen):
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


# Forward mode or double backward, per device type and backbone, from `cli.py bench` (rows "SSM step
# (forward-mode jvp)" against "SSM step (double backward)", both against a DSM step):
# * CPU, MLP: the hand-written tangent (tinyscore.core.tangent) costs 0.89-0.96x the double backward's step in
#   `bench` (1.87-1.90x a DSM step at 100-D and batch 512, 1.72-1.79x at 2-D and batch 256);
# * CPU, conv UNet: torch.autograd.forward_ad costs 1.3-1.5x the double backward (every op dispatched twice);
# * CUDA: the double backward, measured on an H200 against forward_ad (2.3-2.5x a DSM step against
#   more); the hand-written tangent is not measured on a GPU yet.
JVP_DEFAULT = {("cpu", "mlp"): "forward", "cpu": "backward", "cuda": "backward"}


def default_jvp(device, arch: str | None = None) -> str:
    """The faster Jacobian-vector product on ``device``'s type for backbone ``arch`` ("backward" where
    unmeasured)."""
    kind = torch.device(device).type
    return JVP_DEFAULT.get((kind, arch)) or JVP_DEFAULT.get(kind, "backward")


def score_and_jvp(model, y, sigma, v):
    """(s(y, sigma), J v) by forward mode: the model's own ``score_and_jvp`` where it has one (a hand-written
    tangent), else ``torch.autograd.forward_ad`` through ``model.score``."""
    if hasattr(model, "score_and_jvp"):
        return model.score_and_jvp(y, sigma, v)
    return forward_ad_jvp(lambda t: model.score(t, sigma), y, v)


class SSMLoss:
    """(SSM) / (SSM-VR): sliced score matching on noisy samples, M projections per sample."""

    def __init__(self, vr: bool = True, kind: str = "rademacher", n_proj: int = 1, jvp: str = "auto",
                 backend: str | None = None):
        if kind not in ("rademacher", "gaussian"):
            raise ValueError(f"projection kind must be rademacher or gaussian, got {kind!r}")
        if jvp not in ("auto", "forward", "backward"):
            raise ValueError(f"jvp must be auto, forward or backward, got {jvp!r}")
        if n_proj < 1:
            raise ValueError("at least one projection is needed")
        self.vr, self.kind, self.n_proj, self.jvp, self.backend = vr, kind, n_proj, jvp, backend

    def __call__(self, model, x, sigma, gen):
        y, _ = _noisy(x, sigma, gen)                     # only y is used: SSM never sees z
        seed = int(torch.randint(0, 2**31 - 1, (1,), generator=gen, device=gen.device))
        B, D = y.shape[0], y[0].numel()
        jvp = self.jvp
        if jvp == "auto":
            jvp = default_jvp(y.device, getattr(model, "config", {}).get("arch"))
        y = y.detach().requires_grad_(jvp == "backward")   # forward mode never differentiates in y
        # The reference path materialises the (B, D) directions anyway (generated once per
        # projection, then cached), so it hands them to autograd directly; the Triton path
        # regenerates them inside its kernels and never stores them.
        explicit_v = jvp == "forward" or kernels.pick_backend(y, self.backend) == "reference"

        def score(t):
            return model.score(t, sigma).reshape(B, -1)

        jac = proj_sq = s = None                  # sums over m of v^T J v and of (v^T s)^2
        for m in range(self.n_proj):
            v = (kernels.projection_vectors((B, D), seed, m, self.kind, device=y.device, dtype=y.dtype)
                 if explicit_v else None)
            if jvp == "backward":
                s = score(y) if s is None else s
                if explicit_v:                   # grad_y (v^T s) = J^T v, then v^T J^T v
                    (g,) = torch.autograd.grad((v * s).sum(), y, create_graph=True)
                    vjv = (v * g.reshape(B, -1)).sum(1)
                    p = (v * s).sum(1) if not self.vr else None
                else:
                    p = kernels.project(s, seed, m, self.kind, backend=self.backend)
                    (g,) = torch.autograd.grad(p.sum(), y, create_graph=True)      # J^T v per sample
                    vjv = kernels.project(g.reshape(B, -1), seed, m, self.kind, backend=self.backend)
            else:
                s, jv = score_and_jvp(model, y, sigma, v.reshape(y.shape))      # (s, J v) in one pass
                s, jv = s.reshape(B, -1), jv.reshape(B, -1)
                vjv = (v * jv).sum(1)
                p = (v * s).sum(1) if not self.vr else None
            jac = vjv if jac is None else jac + vjv
            if not self.vr:
                proj_sq = p.pow(2) if proj_sq is None else proj_sq + p.pow(2)
        if self.n_proj > 1:
            jac = jac / self.n_proj
            proj_sq = None if proj_sq is None else proj_sq / self.n_proj
        half_sq = 0.5 * (s.pow(2).sum(1) if self.vr else proj_sq)
        return sigma.pow(2) * (jac + half_sq)


def make_loss(variant: str, ssm_vr: bool = True, ssm_kind: str = "rademacher", ssm_proj: int = 1,
              ssm_jvp: str = "auto"):
    """The objective that trains ``variant``."""
    if variant == "denoiser":
        return ReconstructionLoss()
    if variant == "ncsn":
        return DSMLoss()
    if variant == "ssm":
        return SSMLoss(vr=ssm_vr, kind=ssm_kind, n_proj=ssm_proj, jvp=ssm_jvp)
    raise ValueError(f"unknown variant {variant!r}")


def sample_sigma(n: int, sigma_min: float, sigma_max: float, gen: torch.Generator, levels: int = 0,
                 device="cpu") -> torch.Tensor:
    """Training noise levels: log-uniform in [sigma_min, sigma_max], or a geometric ladder of L levels."""
    u = torch.rand(n, generator=gen, device=device)
    if levels > 1:
        u = torch.floor(u * levels) / (levels - 1)
    return torch.exp(math.log(sigma_min) + u * math.log(sigma_max / sigma_min))
