r"""Pictures of what a model does to images: one-step denoising and the reverse path, side by side.

A trajectory file (docs/design.md, section 6, :mod:`tinyscore.storage.store`) holds, for P clean probes x0 and one
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

The file is opened through :func:`tinyscore.storage.store.open_trajectories`, which refuses crafted or
damaged files in one line; text taken from it (the labels) is drawn as plain text, never parsed as
TeX, and at most ``max_sigmas`` sigmas are drawn, so a file cannot ask for a million drawings.

Drawing uses matplotlib's object interface with the Agg renderer (no window, no pyplot state), so
it works headless; PNGs are written to a temporary name and renamed when complete.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from tinyscore.errors import TinyscoreError, one_line
from tinyscore.storage.files import atomic_file
from tinyscore.storage.store import open_trajectories

CELL = 0.85   # inches per image
MAX_SIGMAS = 16   # one-step columns drawn at most (each sigma is two columns of drawings per probe)


def _figure(width: float, height: float):
    from matplotlib.figure import Figure
    return Figure(figsize=(width, height), dpi=100)


def _show(ax, img, title=None, ylabel=None):
    """One grayscale image on the [0, 1] scale, framed, without ticks."""
    with np.errstate(over="ignore", invalid="ignore"):   # huge values are drawn white, as the display clips
        img = np.clip(np.asarray(img, dtype=np.float64), -1.0, 2.0)
    ax.imshow(img, cmap="gray", vmin=0.0, vmax=1.0, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=7)
    if ylabel:
        ax.set_ylabel(ylabel, fontsize=7)


def _save(fig, out_png, force: bool | None = None) -> Path:
    out = Path(out_png)
    with atomic_file(out, force=force) as f:
        fig.savefig(f, format=out.suffix.lstrip(".").lower() or "png")   # the format its name says
    return out


def _as_images(images, where: str) -> np.ndarray:
    """(N, H, W) or (N, 1, H, W) -> (N, H, W) float; anything else is not a grayscale image stack."""
    a = np.asarray(images, dtype=np.float32)
    if a.ndim == 4 and a.shape[1] == 1:
        a = a[:, 0]
    if a.ndim != 3:
        raise TinyscoreError(f"{where} holds points of shape {a.shape[1:]}, not grayscale images (1, H, W)")
    return a


def image_grid(images, out_png, titles=None, ncols: int | None = None, suptitle: str | None = None,
               force: bool | None = None) -> Path:
    """Draw N grayscale images in [0, 1] ((N, H, W) or (N, 1, H, W)) as a grid; write a PNG (an existing
    one is replaced only with ``force``, by default as ``tinyscore.storage.files.allow_replace`` says)."""
    imgs = _as_images(images, "image_grid's input")
    n = len(imgs)
    if n == 0:
        raise TinyscoreError("image_grid: no images to draw")
    if titles is not None and len(titles) != n:
        raise TinyscoreError(f"image_grid: {len(titles)} titles for {n} images")
    ncols = max(1, min(n, ncols or 8))
    nrows = math.ceil(n / ncols)
    if titles is not None:          # wrap to the cell's width, so neighbouring titles never run together
        import textwrap
        titles = ["\n".join(textwrap.wrap(str(t), width=max(6, int(CELL * 13)))) for t in titles]
    lines = max((t.count("\n") + 1 for t in titles if t), default=1) if titles is not None else 0
    per_title = 0.05 + 0.13 * lines
    # above the first row: its titles, then the suptitle (a wrapped title would run into a fixed margin)
    head = (per_title if titles is not None else 0.0) + (0.27 if suptitle else 0.1)
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
    return _save(fig, out_png, force)


def _spread(n: int, k: int) -> np.ndarray:
    """At most k increasing indices spread evenly over range(n), the first and last included."""
    return np.unique(np.linspace(0, n - 1, min(k, n)).round().astype(int))


def _label(text, limit: int = 60) -> str:
    """Text from a file, safe to draw: one short line, and no $ (matplotlib would parse it as TeX)."""
    return one_line(text, limit).replace("$", "\\$")


def show_trajectories(h5_path, out_png, max_probes: int = 8, path_steps: int = 6, max_sigmas: int = MAX_SIGMAS) -> Path:
    """Draw a trajectory file of images: per probe, one-step denoising at every sigma and the path.

    A file with more than ``max_sigmas`` analysis sigmas shows that many, evenly spread from the
    first to the last (every column is a drawing, and a crafted file may hold thousands)."""
    if max_probes < 1 or path_steps < 1 or max_sigmas < 1:
        raise TinyscoreError("max_probes, path_steps and max_sigmas must be at least 1")
    with open_trajectories(h5_path) as f:              # checked: see tinyscore.storage.store
        shape = f.shape
        if len(shape) != 3 or shape[0] != 1:
            raise TinyscoreError(f"{h5_path} holds points of shape {tuple(shape)}, not grayscale images "
                                 "(1, H, W): there is nothing to draw")
        P = min(f.P, max_probes)
        S_all = len(f.sigmas)
        chosen = _spread(S_all, max_sigmas)
        sigmas = f.sigmas[chosen]
        x0 = f["probes/x0"].read((slice(0, P), 0), finite=True)
        z = f["probes/z"].read((slice(0, P), 0), finite=True)
        onestep = f["onestep/denoised"].read((chosen, slice(0, P), 0), finite=True)
        path_sigmas = f.path_sigmas
        steps = _spread(len(path_sigmas), path_steps)
        states = f["path/states"].read((steps, slice(0, P), 0), finite=True)
        landing = f["path/denoised"].read((len(path_sigmas) - 1, slice(0, P), 0), finite=True)
        a = f.attrs
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
            with np.errstate(over="ignore", invalid="ignore"):
                y = x0[p] + sigma * z[p]
            _show(fig.add_subplot(grid[p, 1 + 2 * s]), y, f"y, σ={sigma:.3g}" if top else None)
            _show(fig.add_subplot(grid[p, 2 + 2 * s]), onestep[s, p], f"D(y), σ={sigma:.3g}" if top else None)
        for k, t in enumerate(steps):
            _show(fig.add_subplot(grid[p, 2 + 2 * S + k]), states[k, p],
                  f"path t={t}\nσ={path_sigmas[t]:.3g}" if top else None)
        if K:
            _show(fig.add_subplot(grid[p, 2 + 2 * S + K]), landing[p], "D at the\nlast step" if top else None)
    label = ", ".join(f"{k}={_label(a[k])}" for k in ("variant", "dataset", "n_train", "half") if str(a.get(k, "")) != "")
    more = f" ({S} of {S_all} sigmas)" if S < S_all else ""
    fig.suptitle(f"{label}\none-step denoising D(x0 + σz) (left){more}" + (", reverse path states (right)" if K else ""),
                 fontsize=9)
    return _save(fig, out_png)
