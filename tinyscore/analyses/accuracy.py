r"""Accuracy: how close a model is to the truth (docs/design.md, section 5), and where.

**Score error by density** (mixtures, whose true score is exact). For each sigma, held-out test
points x are noised, y = x + sigma z, so y follows p_sigma; at every y

    relative error     ||s_model(y) - s_true(y)|| / ||s_true(y)||
    weighted error     sigma^2 ||s_model(y) - s_true(y)||^2  =  ||D_model(y) - D*(y)||^2 / sigma^2

reported over all points ("relative" is the aggregate ratio ||E||_F / ||S_true||_F, as in
tinyscore.core.metrics.score_error; "relative_median" the median of the per-point ratios) and per
*density bin*: the points are split into ``bins`` equal-count groups by quantiles of the true
log p_sigma(y), lowest density first, so errors in the tails show separately from the bulk.
Every point falls in exactly one bin.

**Denoising quality** of a trajectory file: per sigma, the mean squared error of the one-step
outputs against the clean probes, MSE = mean ||D(x0 + sigma z) - x0||^2 / dim, and
PSNR = 10 log10(1 / MSE) (peak 1: images live in [0, 1]; for mixtures it is only a log scale of
the MSE). Beside it the optimum on the same inputs: the analytic MMSE denoiser for a mixture
(nothing can do better on average), and the empirical denoiser of the model's own training set
(the ideal memoriser; for images it is the only reference there is).
"""
from __future__ import annotations

import numpy as np
import torch

from tinyscore.data.datasets import load_dataset
from tinyscore.config import ANALYSIS_SIGMAS
from tinyscore.core.dynamics import parse_sigmas
from tinyscore.errors import TinyscoreError
from tinyscore.storage.mixture_files import BENCHMARKS
from tinyscore.core.metrics import score_errors
from tinyscore.core.models import AnalyticModel, EmpiricalModel, to_tensor
from tinyscore.storage.store import open_trajectories


def density_bins(logp: np.ndarray, bins: int):
    """Bin index (0 = lowest density) per point, by quantiles of log-density, and the bin edges.

    Equal-count bins; every point gets exactly one index in 0..bins-1."""
    logp = np.asarray(logp, dtype=np.float64)
    if bins < 1:
        raise TinyscoreError(f"bins must be at least 1, got {bins}")
    if len(logp) < bins:
        raise TinyscoreError(f"{len(logp)} points cannot fill {bins} density bins")
    edges = np.quantile(logp, np.linspace(0, 1, bins + 1))
    idx = np.searchsorted(edges[1:-1], logp, side="right")
    return idx.astype(np.int64), edges


@torch.no_grad()
def score_error_by_density(model, dataset, sigmas=ANALYSIS_SIGMAS, points: int = 2000, bins: int = 5,
                           seed: int = 0, device="cpu", keep: bool = False, batch: int = 4096,
                           progress: bool = False) -> dict:
    """Score error of ``model`` against the analytic score of a mixture dataset, per sigma and density bin."""
    mixture = getattr(dataset, "mixture", None)
    if mixture is None:
        raise TinyscoreError(f"score error needs a known density; {dataset.name} is not a mixture")
    sigmas = parse_sigmas(sigmas)
    points = min(int(points), dataset.test_size)
    x = dataset.test(points).astype(np.float64)
    rng = np.random.default_rng([int(seed), 11])
    rows, kept = [], {}
    from tqdm.auto import tqdm
    for sigma in tqdm(sigmas, desc="score error", unit="sigma", leave=False, disable=not progress,
                      dynamic_ncols=True):
        y = x + sigma * rng.standard_normal(x.shape)
        yt = to_tensor(y, device)
        s_model = np.concatenate([model.score(yt[a:a + batch], sigma).double().cpu().numpy()
                                  for a in range(0, points, batch)])
        # the exact score and density in batches too: they hold B x K x D temporaries (row by row, so
        # the numbers are those of one call)
        s_true = np.concatenate([mixture.score(y[a:a + batch], sigma) for a in range(0, points, batch)])
        logp = np.concatenate([mixture.log_prob(y[a:a + batch], sigma) for a in range(0, points, batch)])
        idx, edges = density_bins(logp, bins)
        row = {"sigma": float(sigma), **score_errors(s_model, s_true, sigma), "bins": []}
        for b in range(bins):
            m = idx == b
            row["bins"].append({"bin": b, "logp_lo": float(edges[b]), "logp_hi": float(edges[b + 1]),
                                **score_errors(s_model[m], s_true[m], sigma)})
        rows.append(row)
        if keep:
            kept[float(sigma)] = {"y": y, "s_model": s_model, "s_true": s_true, "logp": logp}
    out = {"settings": {"dataset": dataset.name, "points": points, "bins": int(bins), "seed": int(seed),
                        "bin_order": "bin 0 = lowest true log-density"}, "rows": rows}
    if keep:
        out["points"] = kept
    return out


def format_score_table(result: dict) -> str:
    bins = result["settings"]["bins"]
    lines = [f"{'sigma':>7}{'rel. err':>10}{'median':>9}{'s^2-w. sq':>11}  relative error per density bin (low -> high)"]
    for r in result["rows"]:
        per_bin = " ".join(f"{b['relative']:>7.3f}" for b in r["bins"])
        lines.append(f"{r['sigma']:>7.3g}{r['relative']:>10.4f}{r['relative_median']:>9.4f}"
                     f"{r['weighted_sq']:>11.4g}  {per_bin}")
    lines.append(f"({bins} equal-count bins by quantiles of the true log p_sigma(y))")
    return "\n".join(lines)


def psnr(mse: float, peak: float = 1.0) -> float:
    return float(10 * np.log10(peak ** 2 / mse)) if mse > 0 else float("inf")


#: numbers of one array per block of probes in ``quality`` (1 MiB of float32): its memory is a few
#: blocks' worth whatever the number of probes in the file
QUALITY_BLOCK = 1 << 18


def _probe_blocks(f, rows: int):
    """(slice, x0, z) for consecutive blocks of ``rows`` probes of an open trajectory file, read and
    checked (finite) one block at a time."""
    for a in range(0, f.P, rows):
        sl = slice(a, min(a + rows, f.P))
        yield sl, f["probes/x0"].read(sl, finite=True), f["probes/z"].read(sl, finite=True)


@torch.no_grad()
def quality(path, dataset=None, data=None, data_seed=None, resolution=None, n=None, half=None,
            device="cpu", batch: int = 1024) -> dict:
    """MSE and PSNR of a trajectory file's one-step outputs, beside the analytic and empirical optima.

    The dataset is the one named in the file (a benchmark mixture) unless ``dataset`` or ``data``
    says otherwise (image files, whose attributes hold only a name). The empirical optimum uses
    the file's training set (n_train, half) unless ``n``/``half`` are given.

    The file is read a block of probes at a time, so memory does not grow with the probes. Every
    MSE is a sum of squares over probes and coordinates divided by their count, and sums add up
    block by block (in float64):

        MSE(sigma) = sum_blocks sum ||D(x0 + sigma z) - x0||^2 / (P dim)

    Two passes: the first reads and checks every value of the file (finite probes and outputs) and
    sums the outputs' errors, before a dataset is loaded or a reference computed; the second reads
    the probes again, ``batch`` at a time (the references' batches), for the optima.
    """
    if isinstance(batch, bool) or not isinstance(batch, (int, np.integer)) or batch < 1:
        raise TinyscoreError(f"the reference batch must be a positive integer, got {batch!r}")
    batch = int(batch)
    with open_trajectories(path) as f:                  # checked: see tinyscore.storage.store
        attrs = dict(f.attrs)                           # typed: text is str, integers int
        sigmas = f.sigmas
        P, shape, dim = f.P, f.shape, f.dim
        out_sq, noisy_sq = np.zeros(len(sigmas)), np.zeros(len(sigmas))
        overflows = np.zeros(len(sigmas), dtype=bool)
        for sl, x0, z in _probe_blocks(f, max(1, QUALITY_BLOCK // dim)):
            for i, s in enumerate(sigmas):
                den = f["onestep/denoised"].read((i, sl), finite=True)
                with np.errstate(over="ignore", invalid="ignore"):   # a file's extreme values: checked, not warned
                    y = x0 + s * z
                    overflows[i] |= not np.isfinite(y).all()
                    out_sq[i] += np.sum((den.astype(np.float64) - x0) ** 2)
                    noisy_sq[i] += np.sum((y - x0) ** 2)
        followed, given = None, dataset is not None
        if dataset is None:
            spec = data or str(attrs.get("data") or attrs.get("dataset", ""))
            if data is None and spec not in BENCHMARKS:
                # A trajectory file may come from anyone: a file or folder it names is not opened on its
                # word (it could name anything this user can read). Benchmark names are safe to follow.
                followed, spec = spec, ""
            seed = int(attrs.get("data_seed", 0)) if data_seed is None else int(data_seed)
            if resolution is None and data is None:
                resolution = int(attrs.get("resolution", 0)) or None
            try:
                if not spec:
                    raise TinyscoreError("no dataset to load")
                dataset = load_dataset(spec, data_seed=seed, resolution=resolution)
            except (TinyscoreError, OSError) as e:         # OSError: a name from the file no path can have
                dataset = None
                if data is not None:
                    raise e if isinstance(e, TinyscoreError) else TinyscoreError(f"cannot load {data!r}: {e}") from None
        if dataset is not None and tuple(dataset.shape) != tuple(shape):
            if data is not None or given:
                raise TinyscoreError(f"the data given ({data or dataset.name}) has points of shape "
                                     f"{tuple(dataset.shape)}, the probes of {path} {tuple(shape)}; give the "
                                     "data the file was made from")
            dataset = None                               # the file's own name for it, at another shape: no optimum
        if overflows.any():
            raise TinyscoreError(f"{path}: x0 + sigma z overflows at sigma = {sigmas[np.argmax(overflows)]:g}")
        n_train = int(n if n is not None else attrs.get("n_train", 0) or 0)
        half = half or str(attrs.get("half", "")) or "a"
        refs = {}
        if dataset is not None and dataset.mixture is not None:
            refs["analytic"] = AnalyticModel(dataset.mixture)
        if dataset is not None and n_train > 0 and tuple(dataset.shape) == tuple(shape):
            refs["empirical"] = EmpiricalModel(to_tensor(dataset.subset(n_train, half), device))
        ref_sq = {name: np.zeros(len(sigmas)) for name in refs}
        if refs:                                        # the second pass: the probes in the references' batches
            for _, x0, z in _probe_blocks(f, batch):
                for i, s in enumerate(sigmas):
                    y = to_tensor(x0 + s * z, device)
                    for name, ref in refs.items():
                        d = ref.denoise(y, float(s)).double().cpu().numpy()
                        ref_sq[name][i] += np.sum((d - x0) ** 2)
    rows = []
    for i, s in enumerate(sigmas):
        mse = float(out_sq[i] / (P * dim))
        row = {"sigma": float(s), "mse": mse, "psnr": psnr(mse), "noisy_mse": float(noisy_sq[i] / (P * dim))}
        for name in refs:
            m = float(ref_sq[name][i] / (P * dim))
            row[f"{name}_mse"], row[f"{name}_psnr"] = m, psnr(m)
        optimum = "analytic" if "analytic" in refs else ("empirical" if "empirical" in refs else None)
        row["optimum"] = optimum
        if optimum:
            row["mse_over_optimum"] = mse / max(row[f"{optimum}_mse"], 1e-300)
        rows.append(row)
    return {"settings": {"file_variant": str(attrs.get("variant", "")), "dataset": str(attrs.get("dataset", "")),
                         "n_train": n_train, "half": half, "probes": int(P), "dim": dim,
                         "references": list(refs), "psnr_peak": 1.0, "data_not_followed": followed},
            "rows": rows}


def format_quality_table(result: dict) -> str:
    refs = result["settings"]["references"]
    head = f"{'sigma':>7}{'MSE':>12}{'PSNR dB':>9}{'noisy MSE':>12}"
    for r in refs:
        head += f"{r + ' MSE':>15}{r + ' PSNR':>16}"
    lines = [head]
    for row in result["rows"]:
        line = f"{row['sigma']:>7.3g}{row['mse']:>12.4g}{row['psnr']:>9.2f}{row['noisy_mse']:>12.4g}"
        for r in refs:
            line += f"{row[r + '_mse']:>15.4g}{row[r + '_psnr']:>16.2f}"
        lines.append(line)
    return "\n".join(lines)
