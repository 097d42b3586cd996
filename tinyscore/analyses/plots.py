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

from tinyscore.storage.files import atomic_file  # noqa: E402


def save(fig, path) -> None:
    path = Path(path)
    with atomic_file(path) as f:
        fig.savefig(f, format=path.suffix.lstrip(".") or "png", dpi=120, bbox_inches="tight")
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
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    fig.subplots_adjust(wspace=0.3)
    for label, res in results.items():
        for kind, style in (("onestep", "-o"), ("path", "--")):
            rows = res[kind]
            s = [r["sigma"] for r in rows]
            axes[0].plot(s, [max(r["rms"], 1e-12) for r in rows], style, ms=4, label=f"{label} ({kind})")
            axes[1].plot(s, [r["cosine_mean"] for r in rows], style, ms=4, label=f"{label} ({kind})")
    _divergence_axes(axes, fontsize=7)
    fig.suptitle(title)
    save(fig, path)


def _divergence_axes(axes, **legend) -> None:
    """The two panels of every divergence figure: RMS distance (log) and cosine, against sigma.

    The cosine axis is zoomed to the data (a cosine of 0.97 and one of 1.0 must not both lie flat
    on the top of a -1..1 axis), with 1 always shown as the reference of perfect agreement."""
    axes[0].set_yscale("log")
    axes[0].set_ylabel("RMS per coordinate ||D_A - D_B|| / sqrt(dim)")
    axes[1].set_ylabel("mean cosine cos(d_A, d_B)")
    cos = [y for line in axes[1].get_lines() for y in line.get_ydata()]
    lo = min(cos) if cos else -1.0
    span = max(1.0 - lo, 0.01)
    axes[1].set_ylim(max(-1.05, lo - 0.08 * span), 1.0 + 0.05 * span)
    axes[1].axhline(1.0, color="grey", lw=0.6, ls=":")
    for ax in axes:
        sigma_axis(ax)
        ax.grid(alpha=0.3, which="both")
        ax.legend(**legend)


def describe_trajectory_file(attrs) -> str:
    """'ncsn on uniform, N=1000, half A' from a trajectory file's attributes (what it holds)."""
    def get(k):
        v = attrs.get(k, "")
        return v.decode(errors="replace") if isinstance(v, bytes) else v
    variant, dataset, n, half = get("variant"), get("dataset"), get("n_train"), get("half")
    text = f"{variant or 'model'} on {dataset or '?'}"
    try:
        if int(n) > 0:
            text += f", N={int(n)}"
    except (TypeError, ValueError):
        pass
    if half in ("a", "b"):
        text += f", half {str(half).upper()}"
    return text


# ------------------------------------------------------------------ the study's figures
def _n_colors(keys):
    cmap = plt.get_cmap("viridis")
    keys = list(keys)
    return {k: cmap(i / max(1, len(keys) - 1)) for i, k in enumerate(keys)}


def plot_divergence_by_n(results_by_n: dict, path, title: str = "Disjoint-data models A and B",
                         kind: str = "onestep") -> None:
    """RMS distance and cosine between models A and B against sigma, one line per N.

    ``results_by_n`` maps N to the dict returned by ``metrics.diverge``."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    fig.subplots_adjust(wspace=0.3)
    colors = _n_colors(sorted(results_by_n))
    for n in sorted(results_by_n):
        rows = results_by_n[n][kind]
        s = [r["sigma"] for r in rows]
        axes[0].plot(s, [max(r["rms"], 1e-12) for r in rows], "-o", ms=4, color=colors[n], label=f"N={n}")
        axes[1].plot(s, [r["cosine_mean"] for r in rows], "-o", ms=4, color=colors[n], label=f"N={n}")
    _divergence_axes(axes, fontsize=8, title=f"{kind}", title_fontsize=8)
    fig.suptitle(title)
    save(fig, path)


def plot_attractors_vs_n(results: dict, path, title: str = "Attractors") -> None:
    """Fraction of perturbed training samples that return to their own sample against N.

    ``results`` maps a variant to {N: attractor result (tinyscore.analyses.attractors)}; one panel per eps,
    one line per variant, and the empirical optimal denoiser (the ideal memoriser) dashed."""
    eps = sorted({r["eps"] for per_n in results.values() for res in per_n.values() for r in res["rows"]})
    fig, axes = plt.subplots(1, len(eps), figsize=(4.2 * len(eps), 3.8), squeeze=False)
    for j, e in enumerate(eps):
        ax = axes[0, j]
        emp = {}
        for variant, per_n in sorted(results.items()):
            ns = sorted(per_n)
            ys, ts = [], []
            for n in ns:
                row = next(r for r in per_n[n]["rows"] if r["eps"] == e)
                ys.append(row["model_return_own"])
                ts.append(row["model_test_captured"])
                if "empirical_return_own" in row:
                    emp[n] = row["empirical_return_own"]
            line, = ax.plot(ns, ys, "-o", ms=4, label=f"{variant}: returns to own sample")
            ax.plot(ns, ts, ":x", ms=4, color=line.get_color(), label=f"{variant}: test point captured")
        if emp:
            ax.plot(sorted(emp), [emp[n] for n in sorted(emp)], "k--s", ms=4, label="empirical optimum: returns")
        ax.set_xscale("log")
        _plain_ticks(ax.xaxis, sorted({n for per_n in results.values() for n in per_n}))
        ax.set_xlabel("training set size N")
        ax.set_ylabel("fraction (d1/d2 < 1/3)")
        ax.set_ylim(-0.05, 1.05)
        ax.set_title(f"perturbation eps = {e:g}", fontsize=10)
        ax.grid(alpha=0.3, which="both")
    axes[0, -1].legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0)
    fig.suptitle(title)
    save(fig, path)


def plot_score_error_by_density(results: dict, path, title: str = "Score error by density") -> None:
    """Relative score error per density bin (lowest density left), one panel per sigma, one line
    per variant. ``results`` maps a variant to the dict of ``accuracy.score_error_by_density``."""
    sigmas = sorted({r["sigma"] for res in results.values() for r in res["rows"]}, reverse=True)
    fig, axes = plt.subplots(1, len(sigmas), figsize=(3.4 * len(sigmas), 3.6), squeeze=False, sharey=True)
    for j, s in enumerate(sigmas):
        ax = axes[0, j]
        for variant, res in sorted(results.items()):
            row = next(r for r in res["rows"] if r["sigma"] == s)
            b = [x["bin"] for x in row["bins"]]
            ax.plot(b, [max(x["relative"], 1e-12) for x in row["bins"]], "-o", ms=4, label=variant)
        ax.set_yscale("log")
        ax.set_xlabel("density bin (0 = lowest log p)")
        ax.set_title(f"sigma = {s:g}", fontsize=10)
        ax.grid(alpha=0.3, which="both")
    axes[0, 0].set_ylabel("relative score error ||s - s*|| / ||s*||")
    axes[0, -1].legend(fontsize=8)
    fig.suptitle(title)
    save(fig, path)


def plot_score_field(model, mixture, sigmas, path, bounds, grid: int = 15, points=None,
                     title: str = "Learned and true score fields") -> None:
    """2-D only: the denoising direction sigma^2 s of the model (red) and of the truth (black) on a
    grid, one panel per sigma; arrows share one scale per panel (the longest true arrow is ~a cell)."""
    import numpy as np
    import torch
    if mixture.D != 2:
        raise ValueError("score field plots need 2-D data")
    (x0, x1), (y0, y1) = bounds
    gx, gy = np.meshgrid(np.linspace(x0, x1, grid), np.linspace(y0, y1, grid))
    pts = np.stack([gx.ravel(), gy.ravel()], 1)
    cell = max(x1 - x0, y1 - y0) / (grid - 1)
    fig, axes = plt.subplots(1, len(sigmas), figsize=(3.6 * len(sigmas), 3.8), squeeze=False)
    for j, s in enumerate(sigmas):
        ax = axes[0, j]
        true = s ** 2 * mixture.score(pts, s)
        with torch.no_grad():
            learned = s ** 2 * model.score(torch.from_numpy(pts).float(), float(s)).double().numpy()
        scale = max(np.linalg.norm(true, axis=1).max(), 1e-12) / (0.9 * cell)
        if points is not None:
            ax.scatter(points[:, 0], points[:, 1], s=2, color="tab:blue", alpha=0.3, label="training data")
        ax.quiver(pts[:, 0], pts[:, 1], true[:, 0], true[:, 1], angles="xy", scale_units="xy", scale=scale,
                  color="black", width=0.004, label="true sigma^2 s*")
        ax.quiver(pts[:, 0], pts[:, 1], learned[:, 0], learned[:, 1], angles="xy", scale_units="xy", scale=scale,
                  color="tab:red", width=0.004, alpha=0.8, label="learned sigma^2 s")
        ax.set_title(f"sigma = {s:g}", fontsize=10)
        ax.set_xlabel("x1")
        ax.set_aspect("equal")
        ax.set_xlim(x0 - cell, x1 + cell)
        ax.set_ylim(y0 - cell, y1 + cell)
    axes[0, 0].set_ylabel("x2")
    axes[0, -1].legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0)  # covers no arrow
    fig.suptitle(title)
    save(fig, path)


def plot_quality(results: dict, path, title: str = "Denoising quality") -> None:
    """One-step MSE against sigma for each label (e.g. "ncsn N=100"), with the optimum dashed.

    ``results`` maps a label to the dict of ``accuracy.quality``."""
    fig, ax = plt.subplots(figsize=(6, 4))
    drawn = set()
    for label, res in results.items():
        rows = res["rows"]
        s = [r["sigma"] for r in rows]
        ax.plot(s, [r["mse"] for r in rows], "-o", ms=4, label=label)
        for ref, style in (("analytic", "k--"), ("empirical", "k:")):
            if f"{ref}_mse" in rows[0] and ref not in drawn and (ref == "analytic" or len(results) == 1
                                                                 or "analytic" not in rows[0]):
                ax.plot(s, [r[f"{ref}_mse"] for r in rows], style, label=f"{ref} optimum")
                drawn.add(ref)
        if "noisy" not in drawn:
            ax.plot(s, [r["noisy_mse"] for r in rows], color="grey", lw=0.8, label="noisy input (no denoising)")
            drawn.add("noisy")
    ax.set_yscale("log")
    sigma_axis(ax)
    ax.set_ylabel("MSE per coordinate  ||D(y) - x0||^2 / dim")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=7)
    ax.set_title(title)
    save(fig, path)


def plot_attractors_vs_eps(result: dict, path, title: str = "Attractors") -> None:
    """One model's attractor fractions against the perturbation size eps, beside the empirical optimum.

    ``result`` is the dict of ``attractors.run_attractors``."""
    rows = sorted(result["rows"], key=lambda r: r["eps"])
    eps = [r["eps"] for r in rows]
    fig, ax = plt.subplots(figsize=(6, 4))
    for key, label, style in (("return_own", "returns to own sample", "-o"), ("any", "lands on any training sample", "-s"),
                              ("test_captured", "test point captured", "-x")):
        line, = ax.plot(eps, [r[f"model_{key}"] for r in rows], style, ms=5, label=f"model: {label}")
        if f"empirical_{key}" in rows[0]:
            ax.plot(eps, [r[f"empirical_{key}"] for r in rows], style.replace("-", "--"), ms=4, color=line.get_color(),
                    alpha=0.6, label=f"empirical optimum: {label}")
    ax.set_xscale("log")
    _plain_ticks(ax.xaxis, eps)
    ax.set_xlabel("perturbation size eps")
    ax.set_ylabel("fraction (d1/d2 < 1/3)")
    ax.set_ylim(-0.05, 1.05)
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0)   # beside, covering nothing
    ax.set_title(title)
    save(fig, path)


def _plain_ticks(axis, values) -> None:
    """Ticks at the values themselves, written plainly (0.05, not 5x10^-2), on a log axis."""
    from matplotlib.ticker import FixedLocator, NullLocator
    axis.set_major_locator(FixedLocator(sorted(values)))
    axis.set_minor_locator(NullLocator())
    axis.set_major_formatter(lambda v, _: f"{v:g}")
