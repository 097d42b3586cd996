r"""Backbones: a UNet-shaped MLP for vectors, and the choice of backbone a checkpoint names (docs/design.md, section 2).

A backbone is a plain function F(x, log_sigma) -> same shape as x. It knows nothing of scores or
denoisers: :mod:`tinyscore.core.models` turns its output into D(y, sigma) and s(y, sigma), so the three
variants of the study share one architecture and differ only in their objective.

The noise level enters through an embedding of log(sigma) (:mod:`tinyscore.core.embedding`: random
Fourier features followed by a small MLP), added inside every block (as in NCSN++ / EDM). A
sigma-blind backbone (``conditional=False``, the Kadkhodaie et al. denoiser) has no embedding at
all and cannot see sigma.

UNet-shaped MLP (for vectors in R^D):

    x -> in(D -> w) -> down1(w -> 2w) -> down2(2w -> 4w) -> up2(4w -> 2w) -> up1([2w, 2w] -> w) -> out([w, w] -> D)
                 \________________________ skip ________________________/        /
                                       \__________________ skip ________________/

widening then narrowing, with the skips concatenated on the way back up, like a UNet's.

The parameters are counted from the options alone (:func:`backbone_parameters`, from
:func:`mlp_parameters` and :func:`tinyscore.core.unet.conv_unet_parameters`; tests hold the counts equal
to the built networks'), so that a caller can refuse a network that would not fit in memory
(``--width 100000000``) before anything is allocated; :func:`build_backbone` refuses, in one line,
options that describe no network (a width below 1, an image size the conv UNet cannot halve).

Imports run one way: this module picks the conv UNet (:mod:`tinyscore.core.unet`, imported when an image
backbone is asked for), and both build on :mod:`tinyscore.core.embedding`; neither backbone imports this
module.
"""
from __future__ import annotations

import torch
from torch import nn

from tinyscore.core import tangent
from tinyscore.core.embedding import SigmaEmbedding  # used below, and still importable from here
from tinyscore.errors import TinyscoreError


class Block(nn.Module):
    """Linear -> (+ sigma embedding) -> SiLU -> Linear -> SiLU."""

    def __init__(self, d_in: int, d_out: int, emb_dim: int | None):
        super().__init__()
        self.lin1, self.lin2 = nn.Linear(d_in, d_out), nn.Linear(d_out, d_out)
        self.emb = nn.Linear(emb_dim, d_out) if emb_dim else None

    def forward(self, h, emb):
        h = self.lin1(h)
        if self.emb is not None:
            h = h + self.emb(emb)
        return nn.functional.silu(self.lin2(nn.functional.silu(h)))

    def tangent_params(self, emb):
        """The block's two layers as [(weight, shift), ...] for :mod:`tinyscore.core.tangent`: lin1(h) + emb(e)
        is h W1^T plus a per-row shift, since e does not depend on the input."""
        shift = self.lin1.bias
        if self.emb is not None:
            shift = torch.addmm(self.lin1.bias + self.emb.bias, emb, self.emb.weight.t())
        return [(self.lin1.weight, shift), (self.lin2.weight, self.lin2.bias)]


class MLPUNet(nn.Module):
    """The vector backbone: F(x, log_sigma) in R^D, widening then narrowing with skips."""

    def __init__(self, dim: int, width: int = 64, emb_dim: int = 64, conditional: bool = True):
        super().__init__()
        self.conditional = conditional
        e = emb_dim if conditional else None
        self.embed = SigmaEmbedding(emb_dim) if conditional else None
        self.inp = nn.Linear(dim, width)
        self.down1, self.down2 = Block(width, 2 * width, e), Block(2 * width, 4 * width, e)
        self.up2, self.up1 = Block(4 * width, 2 * width, e), Block(4 * width, width, e)
        self.out = nn.Linear(2 * width, dim)
        nn.init.zeros_(self.out.weight)   # start as F = 0: the identity denoiser
        nn.init.zeros_(self.out.bias)

    def forward(self, x: torch.Tensor, log_sigma: torch.Tensor | None = None) -> torch.Tensor:
        emb = self.embed(log_sigma) if self.conditional else None
        h0 = self.inp(x)
        h1 = self.down1(h0, emb)
        h2 = self.down2(h1, emb)
        u1 = self.up2(h2, emb)
        u0 = self.up1(torch.cat([u1, h1], dim=1), emb)
        return self.out(torch.cat([u0, h0], dim=1))

    #: the network as steps of :func:`tinyscore.core.tangent.network`: (values read, layers, SiLU). Values:
    #: 0 = x, 1 = h0 (in), 2 = h1 (down1), 3 = h2 (down2), 4 = u1 (up2), 5 = u0 (up1 of [u1, h1]),
    #: 6 = the output (out of [u0, h0])
    TANGENT_STEPS = (((0,), 1, False), ((1,), 2, True), ((2,), 2, True), ((3,), 2, True), ((4, 2), 2, True),
                     ((5, 1), 1, False))

    def forward_and_tangent(self, x, x_dot, log_sigma=None):
        """(F(x), J_F(x) x_dot) in one pass, ``forward`` with the tangent rows stacked under the
        input's, the whole network one autograd node (:mod:`tinyscore.core.tangent`); equal to
        ``torch.func.jvp`` up to round-off."""
        emb = self.embed(log_sigma) if self.conditional else None
        params = [(self.inp.weight, self.inp.bias)]
        for block in (self.down1, self.down2, self.up2, self.up1):
            params += block.tangent_params(emb)
        params.append((self.out.weight, self.out.bias))
        return tangent.unstack(tangent.network(tangent.stack(x, x_dot), self.TANGENT_STEPS, params))


def mlp_parameters(dim: int, width: int = 64, emb_dim: int = 64, conditional: bool = True) -> int:
    """The number of parameters of ``MLPUNet(dim, width, emb_dim, conditional)``, without building it."""
    w, e = int(width), int(emb_dim) if conditional else 0

    def linear(i, o):
        return i * o + o

    def block(i, o):
        return linear(i, o) + linear(o, o) + (linear(e, o) if e else 0)

    embed = linear(2 * 16, e) + linear(e, e) if e else 0      # SigmaEmbedding's MLP (16 frequencies)
    return (embed + linear(dim, w) + block(w, 2 * w) + block(2 * w, 4 * w) + block(4 * w, 2 * w)
            + block(4 * w, w) + linear(2 * w, dim))


def backbone_parameters(arch: str, shape, conditional: bool, **opts) -> int:
    """The number of parameters ``build_backbone`` would allocate, computed from the options alone."""
    if arch == "mlp":
        return mlp_parameters(int(shape[0]), conditional=conditional, **opts)
    if arch == "conv":
        from tinyscore.core.unet import conv_unet_parameters
        return conv_unet_parameters(shape, conditional=conditional, **opts)
    raise ValueError(f"unknown backbone {arch!r}")


def build_backbone(arch: str, shape, conditional: bool, **opts) -> nn.Module:
    """The backbone named by a checkpoint's config: ``mlp`` for vectors, ``conv`` for images.

    Options a user sets (``width`` / ``base``) are checked first. Whether the parameters fit in memory is
    asked before this is called, by whoever builds a network from a user's numbers (training counts
    them with :func:`backbone_parameters`; a checkpoint is laid out on the meta device first,
    tinyscore.storage.runs): ``--width 100000000`` is one line, not a MemoryError half-way through
    allocating 10^17 parameters. The core itself never asks the machine how much memory it has.
    """
    if arch == "mlp":
        if len(shape) != 1:
            raise ValueError(f"the mlp backbone takes vectors, not points of shape {tuple(shape)}")
        _positive(opts, ("width", "emb_dim"))
    elif arch == "conv":
        from tinyscore.core.unet import check_conv_options
        check_conv_options(shape, **opts)
    else:
        raise ValueError(f"unknown backbone {arch!r}")
    if arch == "mlp":
        return MLPUNet(shape[0], conditional=conditional, **opts)
    from tinyscore.core.unet import ConvUNet
    return ConvUNet(shape, conditional=conditional, **opts)


def _positive(opts: dict, keys) -> None:
    for k in keys:
        if k in opts and not (isinstance(opts[k], int) and not isinstance(opts[k], bool) and opts[k] >= 1):
            raise TinyscoreError(f"backbone option {k} must be a positive whole number, got {opts[k]!r}")
