r"""A small convolutional UNet: the image backbone F(x, log_sigma) -> same shape as x (docs/design.md, section 2).

Like every backbone (:mod:`tinyscore.core.nets`) it only maps an image to an image; :mod:`tinyscore.core.models`
reads its output as a denoiser, a score, or a residual.

Shape of the network, for base 32 (the default is 16), mults (1, 2, 2) and a 1x40x40 input::

    x (1, 40, 40) -> conv3x3 -> 32 ch
      level 0, 40x40:  ResBlock 32 -> 32 ........................ skip0 ...............
      down (stride-2 conv)                                                               |
      level 1, 20x20:  ResBlock 32 -> 64 ............ skip1 .........                    |
      down                                                           |                   |
      level 2, 10x10:  ResBlock 64 -> 64    (bottom: no skip needed) |                   |
      middle, 10x10:   ResBlock 64 -> 64                             |                   |
      level 2 up:      ResBlock 64 -> 64;  upsample (nearest x2 + conv3x3)               |
      level 1 up:      ResBlock [64 + 64] -> 64 (concatenate skip1);  upsample           |
      level 0 up:      ResBlock [64 + 32] -> 32 (concatenate skip0) ----------------------
    -> GroupNorm -> SiLU -> conv3x3 -> 1 ch   (zero-initialised: the network starts as F = 0)

Cost: the work is almost all convolutions at the top resolution and grows as base^2. A training
step (forward and backward, batch 32, 40x40) is 13 GFLOP at base 16 (160k parameters; about 4-5
steps a second on two CPU cores) and 51 GFLOP at base 32 (610k; about 1.5 a second). At 80x80
multiply by 4; on a GPU use base 32 or 64.

Each level but the last halves the resolution, so an 80x80 image goes 80 -> 40 -> 20 and the input
side must be divisible by 2**(len(mults) - 1).

A residual block, with h the features and e = embed(log sigma) (absent when sigma-blind)::

    r = conv3x3(SiLU(GroupNorm(h)))
    r = r + Linear(e)[:, :, None, None]          # the noise level shifts every channel
    r = conv3x3(SiLU(GroupNorm(r)))
    out = skip(h) + r                            # skip = 1x1 conv when the width changes

GroupNorm normalises groups of channels over the image, so it does not depend on the batch (a
sampler may denoise one image at a time). ``groups`` is the number of groups, reduced to a divisor
of the width when it does not divide it. ``blocks`` residual blocks per level.

``conditional=False`` gives the sigma-blind network of Kadkhodaie et al.: no embedding at all, and
forward() ignores log_sigma.

:func:`conv_unet_parameters` counts the parameters of a configuration without building it, and
:func:`check_conv_options` refuses options it cannot be built with (an image side not divisible by
2**(len(mults) - 1), a non-positive width): :func:`tinyscore.core.nets.build_backbone` calls both first.
"""
from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F

from tinyscore.errors import TinyscoreError
from tinyscore.core.embedding import SigmaEmbedding


def norm(channels: int, groups: int) -> nn.GroupNorm:
    """GroupNorm with ``groups`` groups, or the largest common divisor with the width."""
    return nn.GroupNorm(math.gcd(groups, channels), channels)


class ResBlock(nn.Module):
    """GroupNorm -> SiLU -> conv, + sigma embedding, GroupNorm -> SiLU -> conv, plus a skip."""

    def __init__(self, c_in: int, c_out: int, emb_dim: int | None, groups: int):
        super().__init__()
        self.norm1, self.conv1 = norm(c_in, groups), nn.Conv2d(c_in, c_out, 3, padding=1)
        self.emb = nn.Linear(emb_dim, c_out) if emb_dim else None
        self.norm2, self.conv2 = norm(c_out, groups), nn.Conv2d(c_out, c_out, 3, padding=1)
        self.skip = nn.Conv2d(c_in, c_out, 1) if c_in != c_out else nn.Identity()

    def forward(self, h: torch.Tensor, emb: torch.Tensor | None) -> torch.Tensor:
        r = self.conv1(F.silu(self.norm1(h)))
        if self.emb is not None:
            r = r + self.emb(emb)[:, :, None, None]
        r = self.conv2(F.silu(self.norm2(r)))
        return self.skip(h) + r


class Down(nn.Module):
    """Halve the resolution with a stride-2 3x3 convolution."""

    def __init__(self, channels: int):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, stride=2, padding=1)

    def forward(self, h):
        return self.conv(h)


class Up(nn.Module):
    """Double the resolution: nearest-neighbour copy, then a 3x3 convolution to smooth it."""

    def __init__(self, channels: int):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, h):
        return self.conv(F.interpolate(h, scale_factor=2, mode="nearest"))


class ConvUNet(nn.Module):
    """The image backbone F(x, log_sigma): (B, C, H, W) -> (B, C, H, W)."""

    def __init__(self, shape, conditional: bool = True, base: int = 16, mults=(1, 2, 2), groups: int = 8,
                 emb_dim: int = 64, blocks: int = 1):
        super().__init__()
        if len(shape) != 3:
            raise ValueError(f"the conv backbone takes images (C, H, W), not points of shape {tuple(shape)}")
        c, h, w = (int(s) for s in shape)
        factor = 2 ** (len(mults) - 1)
        if h % factor or w % factor:
            raise ValueError(f"image size {h}x{w} is not divisible by {factor}, as {len(mults) - 1} "
                             f"downsamplings need: use another resolution or fewer mults")
        if base < 1 or blocks < 1 or not mults:
            raise ValueError("base, blocks and mults must be positive")
        self.shape, self.conditional = (c, h, w), conditional
        e = emb_dim if conditional else None
        self.embed = SigmaEmbedding(emb_dim) if conditional else None
        widths = [base * m for m in mults]

        self.inp = nn.Conv2d(c, base, 3, padding=1)
        self.down_blocks, self.downs = nn.ModuleList(), nn.ModuleList()
        ch = base
        for i, wd in enumerate(widths):
            self.down_blocks.append(nn.ModuleList(ResBlock(ch if k == 0 else wd, wd, e, groups) for k in range(blocks)))
            ch = wd
            self.downs.append(Down(ch) if i < len(widths) - 1 else nn.Identity())
        self.mid = ResBlock(ch, ch, e, groups)
        self.up_blocks, self.ups = nn.ModuleList(), nn.ModuleList()
        for i, wd in reversed(list(enumerate(widths))):
            skip = widths[i] if i < len(widths) - 1 else 0     # the bottom level's output is h itself
            self.up_blocks.append(nn.ModuleList(ResBlock((ch + skip) if k == 0 else wd, wd, e, groups)
                                                for k in range(blocks)))
            ch = wd
            self.ups.append(Up(ch) if i > 0 else nn.Identity())
        self.out_norm, self.out = norm(ch, groups), nn.Conv2d(ch, c, 3, padding=1)
        nn.init.zeros_(self.out.weight)      # start as F = 0: the identity (or zero-score) model
        nn.init.zeros_(self.out.bias)

    def forward(self, x: torch.Tensor, log_sigma: torch.Tensor | None = None) -> torch.Tensor:
        emb = None
        if self.conditional:
            if log_sigma is None:
                raise ValueError("this backbone is sigma-conditional: pass log_sigma")
            log_sigma = torch.as_tensor(log_sigma, dtype=x.dtype, device=x.device).reshape(-1).expand(len(x))
            emb = self.embed(log_sigma)
        h = self.inp(x)
        skips = []
        for blocks, down in zip(self.down_blocks, self.downs):
            for block in blocks:
                h = block(h, emb)
            skips.append(h)
            h = down(h)
        h = self.mid(h, emb)
        skips.pop()                                               # the bottom level feeds h directly
        for i, (blocks, up) in enumerate(zip(self.up_blocks, self.ups)):
            if i > 0:                                             # concatenate the skip of this level
                h = torch.cat([h, skips.pop()], dim=1)
            for block in blocks:
                h = block(h, emb)
            h = up(h)
        return self.out(F.silu(self.out_norm(h)))


def check_conv_options(shape, base: int = 16, mults=(1, 2, 2), groups: int = 8, emb_dim: int = 64,
                       blocks: int = 1) -> None:
    """Refuse (one line) options the conv UNet cannot be built with, before anything is allocated."""
    if len(shape) != 3:
        raise ValueError(f"the conv backbone takes images (C, H, W), not points of shape {tuple(shape)}")
    for k, v in dict(base=base, groups=groups, emb_dim=emb_dim, blocks=blocks).items():
        if not (isinstance(v, int) and not isinstance(v, bool) and v >= 1):
            raise TinyscoreError(f"backbone option {k} must be a positive whole number, got {v!r}")
    if not mults or not all(isinstance(m, int) and m >= 1 for m in mults):
        raise TinyscoreError(f"backbone option mults must be positive whole numbers, got {mults!r}")
    c, h, w = (int(s) for s in shape)
    factor = 2 ** (len(mults) - 1)
    if h % factor or w % factor:
        ok = (min(h, w) // factor) * factor
        hint = f" (--resolution {ok}, say)" if ok >= 4 else ""
        raise TinyscoreError(f"images of {h}x{w} pixels do not fit the conv UNet's {len(mults) - 1} "
                             f"halvings: both sides must be divisible by {factor}{hint}")


def conv_unet_parameters(shape, conditional: bool = True, base: int = 16, mults=(1, 2, 2), groups: int = 8,
                         emb_dim: int = 64, blocks: int = 1) -> int:
    """The number of parameters of ``ConvUNet(shape, ...)``, counted without building it."""
    c = int(shape[0])
    e = int(emb_dim) if conditional else 0

    def conv(i, o, k=3):
        return i * o * k * k + o

    def res(i, o):
        return (2 * i + conv(i, o) + (e * o + o if e else 0) + 2 * o + conv(o, o)
                + (conv(i, o, 1) if i != o else 0))

    widths = [base * m for m in mults]
    n = (2 * 16 * e + e + e * e + e if e else 0) + conv(c, base)
    ch = base
    for i, wd in enumerate(widths):
        n += sum(res(ch if k == 0 else wd, wd) for k in range(blocks))
        ch = wd
        n += conv(ch, ch) if i < len(widths) - 1 else 0
    n += res(ch, ch)
    for i, wd in reversed(list(enumerate(widths))):
        skip = widths[i] if i < len(widths) - 1 else 0
        n += sum(res((ch + skip) if k == 0 else wd, wd) for k in range(blocks))
        ch = wd
        n += conv(ch, ch) if i > 0 else 0
    return n + 2 * ch + conv(ch, c)
