"""The score error's geometry: planted errors along and across the mixture's spans land where they were put.

Oracles: the exact score has no error; an error planted along each point's dominant span (the spiral's
tangent, thinmanifold's frame) has share_err = 1 and no normal part; one planted across it the reverse;
the spans are the eigenvectors of the covariances the mixture table describes."""
import numpy as np
import pytest
import torch

from tinyscore.analyses import geometry
from tinyscore.core.models import AnalyticModel
from tinyscore.data.datasets import load_dataset


class Planted:
    """s* plus ``size`` ||s*|| times a unit vector along (or across) the span of the responsible component."""

    def __init__(self, mixture, size, along=True):
        self.m, self.size, self.along = mixture, size, along
        self.spans = geometry.dominant_spans(mixture)

    def score(self, y, sigma):
        yy = y.double().numpy()
        s = self.m.score(yy, sigma)
        k = self.m.responsibilities(yy, sigma).argmax(1)
        err = np.zeros_like(s)
        for j, U in enumerate(self.spans):
            rows = k == j
            t = U[:, 0]
            direction = t if self.along else np.linalg.svd(np.eye(len(t)) - np.outer(t, t))[0][:, 0]
            err[rows] = direction
        return torch.from_numpy(s + self.size * np.linalg.norm(s, axis=1, keepdims=True) * err)


@pytest.fixture(scope="module")
def spiral():
    return load_dataset("spiral")


def test_the_spans_are_the_covariances_long_axes():
    assert [U.shape[1] for U in geometry.dominant_spans(load_dataset("spiral").mixture)] == [1] * 10
    assert [U.shape[1] for U in geometry.dominant_spans(load_dataset("thinmanifold").mixture)] == [2] * 10
    assert {U.shape[1] for U in geometry.dominant_spans(load_dataset("uniform").mixture)} == {0}


def test_the_exact_score_has_no_error_and_an_isotropic_mixture_reports_only_the_total(spiral):
    exact = AnalyticModel(spiral.mixture)
    res = geometry.score_geometry(exact, exact, spiral, sigmas="0.5,0.05", points=300, reps=50)
    for r in res["rows"]:
        assert r["rel"][0] < 1e-4 and r["share_dim"] == pytest.approx(0.5)
    uni = load_dataset("uniform")
    row = geometry.score_geometry(AnalyticModel(uni.mixture), AnalyticModel(uni.mixture), uni, sigmas="0.5",
                                  points=100, reps=50)["rows"][0]
    assert set(row) == {"sigma", "share_dim", "rel", "rel_bins"} and row["share_dim"] == 0


@pytest.mark.parametrize("along", [True, False])
def test_a_planted_error_lands_along_or_across_the_span(spiral, along):
    model = Planted(spiral.mixture, 0.3, along)
    exact = AnalyticModel(spiral.mixture)
    res = geometry.score_geometry(model, exact, spiral, sigmas="0.25", points=400, reps=100)
    r = res["rows"][0]
    assert r["share_err"][0] == pytest.approx(1.0 if along else 0.0, abs=1e-6)
    assert r["share_ab"][0] == pytest.approx(r["share_err"][0], abs=1e-6)     # B exact: A-B is A's error
    assert r["rel"][0] == pytest.approx(0.3, rel=1e-6)        # every point's error is 0.3 ||s*||
    small, big = ("rel_norm", "rel_tan") if along else ("rel_tan", "rel_norm")
    assert r[small][0] < 1e-6 < r[big][0]
    lo, hi = r["share_err"][1:]
    assert lo <= r["share_err"][0] <= hi


def test_the_density_bins_split_the_error_where_it_was_planted(spiral):
    """An error planted only where the true density is lowest shows in bin 0 alone, and rel is their mix."""
    exact = AnalyticModel(spiral.mixture)

    class LowOnly:
        def score(self, y, sigma):
            yy = y.double().numpy()
            s = spiral.mixture.score(yy, sigma)
            logp = spiral.mixture.log_prob(yy, sigma)
            low = logp <= np.quantile(logp, 0.2)
            return torch.from_numpy(s * (1 + 0.5 * low[:, None]))
    row = geometry.score_geometry(LowOnly(), exact, spiral, sigmas="0.1", points=500, reps=50)["rows"][0]
    assert row["rel_bins"][0][0] == pytest.approx(0.5, rel=1e-6)
    assert all(b[0] < 1e-4 for b in row["rel_bins"][1:])
    assert 0 < row["rel"][0] < 0.5
