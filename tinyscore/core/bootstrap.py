r"""Bootstrap intervals: how far a mean over probes could move had other probes been drawn.

A statistic T of n per-item values (probes, attractor starts) is recomputed on R resamples of the
items, each n indices drawn with replacement; the **percentile interval** at level 1 - alpha is

    [ q_{alpha/2}(T*_1..T*_R),  q_{1-alpha/2}(T*_1..T*_R) ]

(Efron and Tibshirani 1993, ch. 13). The resamples are fixed by a seed and by n, so the same values
give the same interval, and every statistic of one cell computed on the same resamples is *paired*:
a difference or ratio of two of them (AB against AA', sigma = 0.05 against sigma = 1) is resampled
as one statistic, with the covariance of its parts kept. The statistics here are means and ratios
of means, where the percentile interval is adequate at n >= 32; BCa's correction would move it by
far less than the study's margins.

Two statistics of *different* cells (other models, other starts) are independent; their difference
is given an interval by the normal approximation, each standard error read off its own interval's
width as (upper - lower) / (2 z_{1-alpha/2}) (:func:`difference`).
"""
from __future__ import annotations

import math

import numpy as np

from tinyscore.config import BOOTSTRAP_LEVEL, BOOTSTRAP_REPS, BOOTSTRAP_SEED

#: the interval's coverage, the resamples, and the seed of every bootstrap of the study
LEVEL, REPS, SEED = BOOTSTRAP_LEVEL, BOOTSTRAP_REPS, BOOTSTRAP_SEED


def resamples(n: int, reps: int = REPS, seed: int = SEED) -> np.ndarray:
    """(reps, n) indices, each row n draws with replacement from range(n); fixed by (seed, n)."""
    if n < 1:
        raise ValueError("a bootstrap needs at least one item")
    return np.random.default_rng([int(seed), int(n), 22]).integers(0, n, size=(int(reps), int(n)))


def means(values, idx: np.ndarray) -> np.ndarray:
    """mean_i values[idx[r, i]] for every resample r: the replicates of a mean."""
    return np.asarray(values, dtype=np.float64)[idx].mean(axis=1)


def interval(estimate: float, replicates: np.ndarray, level: float = LEVEL) -> list:
    """[estimate, lower, upper]: the percentile interval of the replicates (non-finite ones dropped);
    [None, None, None] for a non-finite estimate (a ratio over a zero), [estimate, None, None] without replicates."""
    r = np.asarray(replicates, dtype=np.float64)
    r = r[np.isfinite(r)]
    if not math.isfinite(estimate):
        return [None, None, None]
    if r.size == 0:
        return [float(estimate), None, None]
    a = (1 - level) / 2
    lo, hi = np.quantile(r, [a, 1 - a])
    return [float(estimate), float(lo), float(hi)]


def mean_interval(values, idx: np.ndarray, level: float = LEVEL) -> list:
    """[mean, lower, upper] of per-item values."""
    v = np.asarray(values, dtype=np.float64)
    return interval(float(v.mean()), means(v, idx), level)


def ratio_interval(num, den, idx: np.ndarray, level: float = LEVEL) -> list:
    """[mean(num) / mean(den), lower, upper]: a ratio of two means over the same items."""
    with np.errstate(divide="ignore", invalid="ignore"):
        est = float(np.mean(num) / np.mean(den))
        return interval(est, means(num, idx) / means(den, idx), level)


def z_of(level: float = LEVEL) -> float:
    """The standard normal quantile z_{1-alpha/2} of a two-sided level (1.96 at 0.95)."""
    from statistics import NormalDist
    return NormalDist().inv_cdf(1 - (1 - level) / 2)


def difference(a, b, level: float = LEVEL) -> list | None:
    """[a - b, lower, upper] for two independent [estimate, lower, upper] intervals (normal approximation:
    se = (upper - lower) / (2 z), se_{a-b} = sqrt(se_a^2 + se_b^2)); None when either lacks an interval."""
    if a is None or b is None or None in a or None in b:
        return None
    z = z_of(level)
    se = math.hypot((a[2] - a[1]) / (2 * z), (b[2] - b[1]) / (2 * z))
    d = a[0] - b[0]
    return [d, d - z * se, d + z * se]
