"""Figures (matplotlib, headless): every command that writes numbers can also draw them.

Conventions: sigma on a log axis running from high noise (left) to low noise (right), as the
reverse process runs; labelled axes; a legend whenever there is more than one line. Figures are
saved atomically (temporary name, then rename).
"""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from .store import atomic_path  # noqa: E402


def save(fig, path) -> None:
    path = Path(path)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format=path.suffix.lstrip(".") or "png", dpi=120, bbox_inches="tight")
    plt.close(fig)


def sigma_axis(ax) -> None:
    ax.set_xscale("log")
    ax.set_xlabel("noise level sigma (high -> low)")
    if not ax.xaxis_inverted():
        ax.invert_xaxis()


def plot_divergence(results: dict, path, title: str = "Divergence between two models") -> None:
    """L2 (mean, RMS per coordinate) and cosine against sigma, one-step and path.

    ``results`` maps a label (e.g. "N=100") to the dict returned by ``metrics.diverge``.
    """
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for label, res in results.items():
        for kind, style in (("onestep", "-o"), ("path", "--")):
            rows = res[kind]
            s = [r["sigma"] for r in rows]
            axes[0].plot(s, [r["rms"] for r in rows], style, ms=4, label=f"{label} ({kind})")
            axes[1].plot(s, [r["cosine_mean"] for r in rows], style, ms=4, label=f"{label} ({kind})")
    axes[0].set_yscale("log")
    axes[0].set_ylabel("RMS distance per coordinate  ||D_A - D_B|| / sqrt(dim)")
    axes[1].set_ylabel("cosine of denoising directions  cos(d_A, d_B)")
    axes[1].set_ylim(-1.05, 1.05)
    for ax in axes:
        sigma_axis(ax)
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=7)
    fig.suptitle(title)
    save(fig, path)
