r"""Models: one interface, ``denoise(y, sigma)`` and ``score(y, sigma)``, for every variant.

All analyses (trajectories, divergence, attractors, score error) talk to a model only through
these two methods, tied together by Tweedie's formula (docs/design.md, section 2):

    D(y, sigma) = y + sigma^2 s(y, sigma),        d(y, sigma) = D(y, sigma) - y = sigma^2 s(y, sigma)

**Preconditioning** (one small class, as in EDM). A backbone F sees its input scaled to unit
variance, c_in(sigma) = 1 / sqrt(sigma_data^2 + sigma^2), and its output is read as a direction:

    sigma-conditional (ncsn, ssm, --conditional denoiser):  d(y, sigma) = sigma F(c_in y, log sigma)
        so s(y, sigma) = F / sigma: the NCSN parameterisation s(y, sigma) = s_theta(y) / sigma
        (Song and Ermon 2020), whose output has the same scale at every noise level;
    sigma-blind denoiser (Kadkhodaie et al. 2024):        d(y) = sigma_data F(y / sigma_data)
        the residual form D(y) = y - (noise estimate), which must infer the noise level from y.

Besides trained networks, two pseudo-models answer the same interface exactly:

* :class:`AnalyticModel` the optimal denoiser of a Gaussian mixture (defined beside the mixture, in
  tinyscore.core.mixtures, so that it runs on NumPy arrays without importing torch; float64);
* :class:`EmpiricalModel` the optimal denoiser of a finite training set {x_i}, the ideal memoriser:
      D_emp(y, sigma) = sum_i softmax_i(-||y - x_i||^2 / 2 sigma^2) x_i,
  evaluated by the fused kernel ``kernels.empirical_denoise``.

Saving and loading checkpoints and run directories (every field checked, nothing unpickled) is
:mod:`tinyscore.storage.runs`; this module holds only the models.
"""
from __future__ import annotations

import numpy as np
import torch
import torch.autograd.forward_ad as fwAD
from torch import nn

from tinyscore.config import check_variant, is_conditional
from tinyscore.core.mixtures import AnalyticModel  # noqa: F401  (the exact pseudo-model, torch-free: there)
from tinyscore.core.nets import build_backbone


def as_sigma(sigma, y: torch.Tensor) -> torch.Tensor:
    """sigma as a (B,) tensor on y's device and dtype, from a number or a (B,) tensor."""
    s = torch.as_tensor(sigma, dtype=y.dtype, device=y.device)
    return s.expand(y.shape[0]) if s.ndim == 0 else s


def bcast_sigma(s: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """(B,) -> (B, 1, ..., 1) to multiply points of any shape."""
    return s.reshape(-1, *([1] * (y.ndim - 1)))


def forward_ad_jvp(fn, y: torch.Tensor, v: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(fn(y), J_fn(y) v) by ``torch.autograd.forward_ad``: every op carries its tangent along."""
    with fwAD.dual_level():
        return fwAD.unpack_dual(fn(fwAD.make_dual(y, v)))


class ScoreModel(nn.Module):
    """A backbone with its preconditioning: the model of the ``denoiser``, ``ncsn`` and ``ssm`` variants."""

    def __init__(self, config: dict):
        super().__init__()
        self.config = dict(config)
        self.variant = check_variant(config.get("variant"), "config field 'variant'")
        self.conditional = is_conditional(self.variant, config.get("conditional"))
        self.sigma_data = float(config["sigma_data"])
        self.shape = tuple(config["shape"])
        self.net = build_backbone(config["arch"], self.shape, self.conditional, **config.get("net", {}))

    def direction(self, y: torch.Tensor, sigma) -> torch.Tensor:
        """d(y, sigma) = D(y, sigma) - y, the denoising direction (see the module docstring)."""
        # under bf16 autocast the backbone answers in bfloat16: back to y's dtype before the skip
        # connection (a no-op in fp32, which returns the same tensor)
        if not self.conditional:
            return self.sigma_data * self.net(y / self.sigma_data, None).to(y.dtype)
        s = as_sigma(sigma, y)
        c_in = bcast_sigma(torch.rsqrt(self.sigma_data ** 2 + s ** 2), y)
        return bcast_sigma(s, y) * self.net(y * c_in, s.log()).to(y.dtype)

    def denoise(self, y: torch.Tensor, sigma) -> torch.Tensor:
        """D(y, sigma): the clean estimate of noisy points ``y`` (B, *shape) at noise level ``sigma``
        (a number or a (B,) tensor), same shape and dtype as ``y``. Keeps autograd (the objectives
        differentiate through it); ``tinyscore.denoise`` is the gradient-free helper."""
        return y + self.direction(y, sigma)

    def score(self, y: torch.Tensor, sigma) -> torch.Tensor:
        """s(y, sigma) = grad_y log p_sigma(y) = (D(y, sigma) - y) / sigma^2 (Tweedie), same shape as ``y``."""
        return self.direction(y, sigma) / bcast_sigma(as_sigma(sigma, y), y) ** 2

    def score_and_jvp(self, y: torch.Tensor, sigma, v: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(s(y, sigma), J v): the score and its derivative along ``v`` (y's shape), by forward mode.

        The MLP backbone writes its tangent out (:mod:`tinyscore.core.tangent`: the tangent rows share the
        network's matmuls); other backbones go through ``torch.autograd.forward_ad``. With
        s = sigma F(c_in y) / sigma^2, J v = J_F (c_in v) / sigma."""
        hand = getattr(self.net, "forward_and_tangent", None)
        if hand is None or not self.conditional or torch.is_autocast_enabled(y.device.type):
            return forward_ad_jvp(lambda t: self.score(t, sigma), y, v)
        s = as_sigma(sigma, y)
        c_in = bcast_sigma(torch.rsqrt(self.sigma_data ** 2 + s ** 2), y)
        F, F_dot = hand(y * c_in, v * c_in, s.log())
        s = bcast_sigma(s, y)
        return F / s, F_dot / s           # s = d / sigma^2 = sigma F / sigma^2

    forward = denoise


class EmpiricalModel:
    """The optimal denoiser of a finite training set: the model that memorises perfectly."""

    variant = "empirical"

    def __init__(self, train: torch.Tensor):
        self.train = train
        self.shape = tuple(train.shape[1:])

    def denoise(self, y, sigma):
        """D_emp(y, sigma) = sum_i softmax_i(-||y - x_i||^2 / 2 sigma^2) x_i over the training set."""
        import kernels
        flat = y.reshape(y.shape[0], -1)
        x = self.train.reshape(self.train.shape[0], -1).to(device=y.device)
        if not (x.dtype == torch.float32 and y.dtype == torch.float64):
            x = x.to(y.dtype)      # float32 keys under float64 queries are widened chunk by chunk, not copied
        den, _ = kernels.empirical_denoise(flat, x, as_sigma(sigma, y))
        return den.reshape(y.shape).to(y.dtype)

    def score(self, y, sigma):
        """The score of the training set's noisy density, (D_emp(y, sigma) - y) / sigma^2."""
        return (self.denoise(y, sigma) - y) / bcast_sigma(as_sigma(sigma, y), y) ** 2


def to_tensor(x: np.ndarray, device="cpu") -> torch.Tensor:
    """A NumPy array as a contiguous float32 tensor on ``device``."""
    return torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32)).to(device)
