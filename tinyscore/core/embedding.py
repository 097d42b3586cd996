r"""How a backbone sees the noise level: an embedding of log(sigma), shared by every backbone.

A conditional backbone (the MLP of :mod:`tinyscore.core.nets`, the conv UNet of :mod:`tinyscore.core.unet`)
is told sigma through a vector e = embed(log sigma) that each of its blocks adds to its features
(as in NCSN++ / EDM). The embedding is random Fourier features of log(sigma),

    [cos(2 pi f_k log sigma), sin(2 pi f_k log sigma)],   k = 1..n_freq,

with fixed frequencies f_k ~ N(0, scale^2) drawn from seed 0 (a buffer, so they travel with the
checkpoint and two models built alike see sigma alike), followed by a small trained MLP. Working
in log(sigma) spreads the noise levels of the study (0.01 to 1) evenly over the features.

A sigma-blind backbone (``conditional=False``, the Kadkhodaie et al. denoiser) has no embedding.

This module sits below both backbones: they import it, it imports neither.
"""
from __future__ import annotations

import math

import torch
from torch import nn


class SigmaEmbedding(nn.Module):
    """log(sigma) -> Fourier features -> MLP -> (B, dim)."""

    def __init__(self, dim: int = 64, n_freq: int = 16, scale: float = 1.0):
        super().__init__()
        # fixed (not trained) frequencies; a buffer so they travel with the checkpoint
        self.register_buffer("freqs", torch.randn(n_freq, generator=torch.Generator().manual_seed(0)) * scale)
        self.mlp = nn.Sequential(nn.Linear(2 * n_freq, dim), nn.SiLU(), nn.Linear(dim, dim))

    def forward(self, log_sigma: torch.Tensor) -> torch.Tensor:
        angle = 2 * math.pi * log_sigma[:, None].to(self.freqs.dtype) * self.freqs[None]
        return self.mlp(torch.cat([angle.cos(), angle.sin()], dim=1))
