r"""Pictures of what a model does to images: one-step denoising and the reverse path, side by side.

A trajectory file (DESIGN section 6, :mod:`tinyscore.store`) holds, for P clean probes x0 and one
fixed unit noise z per probe,

    one step:  y = x0 + sigma z   and   D(y, sigma)        for each analysis sigma (high to low)
    the path:  the iterate x_t and D(x_t, sigma_t)      at each step t of the reverse trajectory

:func:`show_trajectories` draws one row per probe::

    | clean x0 | y, sigma_1 | D(y), sigma_1 | ... | y, sigma_S | D(y), sigma_S |   | x_t at a few t | D(x_T) |
    '-------------------- one-step denoising ----------------------------------'   '------ the path ---------'

where D(x_T) is the denoised last state: where the path lands.

Every image is grayscale on the same scale, black = 0 and white = 1 (values outside are clipped
by the display only, the file is untouched), so rows and columns compare by eye: at large sigma
D(y) is a blurry average face; as sigma falls it sharpens towards x0. Two models trained on
disjoint halves drawn from the same file side by side show where they agree.

Drawing uses matplotlib's object interface with the Agg renderer (no window, no pyplot state), so
it works headless; PNGs are written to a temporary name and renamed when complete.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from .errors import TinyscoreError
from .store import atomic_path, open_trajectories

CELL = 0.85   # inches per image


def _figure(width: float, height: float):
    from matplotlib.figure import Figure
    return Figure(figsize=(width, height), dpi=100)


def _show(ax, img, title=None, ylabel=None):
    """One grayscale image on the [0, 1] scale, framed, without ticks."""
    ax.imshow(img, cmap="gray", vmin=0.0, vmax=1.0, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=7)
    if ylabel:
        ax.set_ylabel(ylabel, fontsize=7)


def _save(fig, out_png) -> Path:
    out = Path(out_png)
    with atomic_path(out) as tmp:
        fig.savefig(tmp, format="png")
    return out


def _as_images(images, where: str) -> np.ndarray:
    """(N, H, W) or (N, 1, H, W) -> (N, H, W) float; anything else is not a grayscale image stack."""
    a = np.asarray(images, dtype=np.float32)
    if a.ndim == 4 and a.shape[1] == 1:
        a = a[:, 0]
    if a.ndim != 3:
        raise TinyscoreError(f"{where} holds points of shape {a.shape[1:]}, not grayscale images (1, H, W)")
    return a


def image_grid(images, out_png, titles=None, ncols: int | None = None, suptitle: str | None = None) -> Path:
    """Draw N grayscale images in [0, 1] ((N, H, W) or (N, 1, H, W)) as a grid; write a PNG."""
    imgs = _as_images(images, "image_grid's input")
    n = len(imgs)
    if n == 0:
        raise TinyscoreError("image_grid: no images to draw")
    if titles is not None and len(titles) != n:
        raise TinyscoreError(f"image_grid: {len(titles)} titles for {n} images")
    ncols = max(1, min(n, ncols or 8))
    nrows = math.ceil(n / ncols)
    head, per_title = (0.45 if suptitle else 0.1), (0.2 if titles is not None else 0.0)
    height = nrows * (CELL + per_title) + head + 0.1
    axes = _figure(ncols * CELL + 0.3, height).subplots(
        nrows, ncols, squeeze=False, gridspec_kw=dict(wspace=0.06, hspace=0.06 + per_title / CELL, left=0.02,
                                                      right=0.98, bottom=0.1 / height, top=1 - head / height))
    fig = axes[0, 0].figure
    for k, ax in enumerate(axes.flat):
        if k < n:
            _show(ax, imgs[k], titles[k] if titles is not None else None)
        else:
            ax.set_axis_off()
    if suptitle:
        fig.suptitle(suptitle, fontsize=9)
    return _save(fig, out_png)


def show_trajectories(h5_path, out_png, max_probes: int = 8, path_steps: int = 6) -> Path:
    """Draw a trajectory file of images: per probe, one-step denoising at every sigma and the path."""
    if max_probes < 1 or path_steps < 1:
        raise TinyscoreError("max_probes and path_steps must be at least 1")
    with open_trajectories(h5_path) as f:
        shape = f["probes/x0"].shape[1:]
        if len(shape) != 3 or shape[0] != 1:
            raise TinyscoreError(f"{h5_path} holds points of shape {tuple(shape)}, not grayscale images "
                                 "(1, H, W): there is nothing to draw")
        P = min(f["probes/x0"].shape[0], max_probes)
        sigmas = f["sigmas"][()]
        x0, z = f["probes/x0"][:P, 0], f["probes/z"][:P, 0]
        onestep = f["onestep/denoised"][:, :P, 0]
        path_sigmas = f["path/sigmas"][()]
        steps = np.unique(np.linspace(0, len(path_sigmas) - 1, min(path_steps, len(path_sigmas))).round().astype(int))
        states = f["path/states"][steps, :P, 0] if len(steps) else np.zeros((0, P) + shape[1:], np.float32)
        landing = f["path/denoised"][len(path_sigmas) - 1, :P, 0] if len(steps) else None
        a = dict(f.attrs)
    S, K = len(sigmas), len(steps)
    ncols = 1 + 2 * S + (2 + K if K else 0)            # clean, (y, D) per sigma, a gap, path steps, D(last)
    widths = [1.0] * (1 + 2 * S) + ([0.25] + [1.0] * (K + 1) if K else [])
    fig = _figure(sum(widths) * CELL + 0.4, P * CELL + 0.9)
    grid = fig.add_gridspec(P, ncols, width_ratios=widths, wspace=0.06, hspace=0.08,
                            left=0.03, right=0.99, top=1 - 0.75 / (P * CELL + 0.9), bottom=0.02)
    for p in range(P):
        top = p == 0
        _show(fig.add_subplot(grid[p, 0]), x0[p], "clean $x_0$" if top else None, f"probe {p}")
        for s, sigma in enumerate(sigmas):
            _show(fig.add_subplot(grid[p, 1 + 2 * s]), x0[p] + sigma * z[p], f"y, σ={sigma:.3g}" if top else None)
            _show(fig.add_subplot(grid[p, 2 + 2 * s]), onestep[s, p], f"D(y), σ={sigma:.3g}" if top else None)
        for k, t in enumerate(steps):
            _show(fig.add_subplot(grid[p, 2 + 2 * S + k]), states[k, p],
                  f"path t={t}\nσ={path_sigmas[t]:.3g}" if top else None)
        if K:
            _show(fig.add_subplot(grid[p, 2 + 2 * S + K]), landing[p], "D at the\nlast step" if top else None)
    label = ", ".join(f"{k}={a[k]}" for k in ("variant", "dataset", "n_train", "half") if str(a.get(k, "")) != "")
    fig.suptitle(f"{label}\none-step denoising D(x0 + σz) (left)" + (", reverse path states (right)" if K else ""),
                 fontsize=9)
    return _save(fig, out_png)
