"""The dataset interface: a pool split into disjoint halves A and B, first-N subsets, and a test set.

The study trains two models on disjoint data and compares them, so every dataset -- the mixtures
of :mod:`tinyscore.data.datasets`, the images of :mod:`tinyscore.data.images` -- answers

    subset(n, half)   the first n points of half A or half B (n capped at the half's size)
    test(n)           the first n points of a held-out test set, disjoint from both halves

and the answer depends only on the dataset and its ``data_seed``: the same seed gives the same
points, and the first n of a half are the same whatever larger n another run asked for. A dataset
fills in ``_take(stream, n)``, the first n points of stream 0 (half A), 1 (half B) or 2 (test).

This module sits below every kind of data: the data modules import it, it imports none of them
(the mixture type is named for the annotation only).
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import numpy as np

from tinyscore.errors import TinyscoreError

if TYPE_CHECKING:  # for the annotation only: a dataset need not be a mixture
    from tinyscore.core.mixtures import GaussianMixture

log = logging.getLogger("tinyscore")

HALVES = ("a", "b")


class Dataset:
    """The interface every dataset offers; subclasses fill ``_take``."""

    name: str = "dataset"
    shape: tuple = ()          # shape of one point, e.g. (2,) or (1, 40, 40)
    half_size: int = 0         # points in each of halves A and B
    test_size: int = 0
    mixture: GaussianMixture | None = None   # the analytic density, when there is one
    sigma_data: float = 1.0    # typical per-coordinate spread, used to precondition networks
    sigma_max: float = 1.0     # default top of the training noise range

    @property
    def dim(self) -> int:
        return int(np.prod(self.shape))

    def cap(self, n: int, half: str = "a") -> int:
        """n, capped at the half's size (with a notice in the log when it is)."""
        if n < 1:
            raise TinyscoreError(f"N must be at least 1, got {n}")
        if half not in HALVES:
            raise TinyscoreError(f"half must be 'a' or 'b', got {half!r}")
        if n > self.half_size:
            log.warning("N=%d is larger than half %s of %s (%d points): using N=%d",
                        n, half.upper(), self.name, self.half_size, self.half_size)
            return self.half_size
        return n

    def split_sha256(self) -> str | None:
        """A digest of which points make up halves A, B and the test set, where the data decides it
        (images: the pool's indices, which the pool's size and the identities beside it change);
        None where the dataset and its seed alone decide it (mixtures). Runs record it, so that a run
        is never resumed or analysed on other halves than it was trained on."""
        return None

    def subset(self, n: int, half: str = "a") -> np.ndarray:
        """The first n points of half A or B, float32, shape (n, *shape)."""
        n = self.cap(n, half)
        return self._take(HALVES.index(half), n)

    def test(self, n: int) -> np.ndarray:
        """The first n held-out test points (never in either half)."""
        if n < 1:
            raise TinyscoreError(f"the number of test points must be at least 1, got {n}")
        if n > self.test_size:
            raise TinyscoreError(f"{self.name} has {self.test_size} held-out test points, {n} asked for")
        return self._take(2, n)

    def _take(self, stream: int, n: int) -> np.ndarray:  # pragma: no cover - interface
        raise NotImplementedError
