"""Gaussian mixtures: the analytic oracle itself checked against independent computations."""
import json

import numpy as np
import pytest
import torch

from tinyscore.data.datasets import MixtureDataset, load_dataset
from tinyscore.errors import TinyscoreError
from tinyscore.core.mixtures import GaussianMixture
from tinyscore.storage.mixture_files import BENCHMARKS, MIXTURE_DIR, load_mixture, make_benchmark

SIGMAS = [0.0, 0.01, 0.1, 0.5, 2.0]


def torch_log_prob(mix: GaussianMixture, y: torch.Tensor, sigma: float) -> torch.Tensor:
    """log p_sigma by Cholesky of the full noised covariance: no eigendecomposition shared with the code."""
    covs = torch.from_numpy(mix.covs) + sigma ** 2 * torch.eye(mix.D, dtype=torch.float64)
    L = torch.linalg.cholesky(covs)                                            # (K, D, D)
    diff = y[:, None, :] - torch.from_numpy(mix.means)[None]                  # (B, K, D)
    sol = torch.linalg.solve_triangular(L[None], diff[..., None], upper=False)[..., 0]
    logdet = 2 * torch.log(torch.diagonal(L, dim1=-2, dim2=-1)).sum(-1)
    log_n = -0.5 * (mix.D * np.log(2 * np.pi) + logdet[None] + (sol ** 2).sum(-1))
    return torch.logsumexp(torch.log(torch.from_numpy(mix.weights))[None] + log_n, dim=1)


@pytest.mark.parametrize("name", BENCHMARKS)
def test_score_is_the_gradient_of_log_prob(name):
    mix = load_mixture(name)
    rng = np.random.default_rng(1)
    for sigma in SIGMAS:
        # points near the data and a little off it, where the score is well conditioned
        y = mix.sample(64, rng) + max(sigma, 0.05) * rng.standard_normal((64, mix.D))
        yt = torch.tensor(y, requires_grad=True)
        lp = torch_log_prob(mix, yt, sigma)
        (grad,) = torch.autograd.grad(lp.sum(), yt)
        np.testing.assert_allclose(mix.log_prob(y, sigma), lp.detach().numpy(), rtol=1e-10, atol=1e-8)
        err = np.linalg.norm(mix.score(y, sigma) - grad.numpy()) / np.linalg.norm(grad.numpy())
        assert err < 1e-8, (name, sigma, err)


@pytest.mark.parametrize("name", BENCHMARKS)
def test_denoise_is_tweedie_and_responsibilities_sum_to_one(name):
    mix = load_mixture(name)
    y = mix.sample(50, 3)
    for sigma in (0.05, 0.3, 1.0):
        np.testing.assert_allclose(mix.denoise(y, sigma), y + sigma ** 2 * mix.score(y, sigma), rtol=0, atol=1e-12)
        np.testing.assert_allclose(mix.responsibilities(y, sigma).sum(1), 1.0, atol=1e-12)
    # a per-point sigma gives the same answer as one sigma at a time
    sig = np.linspace(0.05, 1.0, 50)
    rows = np.stack([mix.score(y[i:i + 1], s)[0] for i, s in enumerate(sig)])
    np.testing.assert_allclose(mix.score(y, sig), rows, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("name", ["hd-sharpcov", "thinmanifold"])
def test_stable_for_near_singular_components_and_far_points(name):
    mix = load_mixture(name)
    assert np.linalg.eigvalsh(mix.covs).min() < 1e-3            # these really are near-singular
    y = mix.sample(20, 0)
    far = y + 1e4
    for pts in (y, far):
        for sigma in (0.0, 1e-3, 1.0):
            assert np.all(np.isfinite(mix.score(pts, sigma)))
            assert np.all(np.isfinite(mix.log_prob(pts, sigma)))
    # far away, the score points back toward the data
    s = mix.score(far, 1.0)
    assert np.all(np.sum(s * (far - mix.means.mean(0)), axis=1) < 0)


def test_one_gaussian_matches_the_closed_form():
    m, c = np.array([1.0, -2.0]), 0.3
    mix = GaussianMixture([1.0], [m], [c * np.eye(2)])
    y = np.random.default_rng(0).standard_normal((10, 2))
    for sigma in (0.0, 0.5):
        np.testing.assert_allclose(mix.score(y, sigma), -(y - m) / (c + sigma ** 2), rtol=1e-12)
        np.testing.assert_allclose(mix.denoise(y, sigma), m + c / (c + sigma ** 2) * (y - m), rtol=1e-12)


def check_sample_moments(mix, seed: int, atol_mean: float, atol_cov: float, n: int = 200_000) -> None:
    """n draws have the mixture's mean sum_k w_k mu_k and covariance sum_k w_k (C_k + (mu_k - m)(mu_k - m)^T),
    and the same seed draws the same points."""
    x = mix.sample(n, seed)
    mean = mix.weights @ mix.means
    cov = sum(w * (c + np.outer(mu - mean, mu - mean)) for w, mu, c in zip(mix.weights, mix.means, mix.covs))
    np.testing.assert_allclose(x.mean(0), mean, atol=atol_mean)
    np.testing.assert_allclose(np.cov(x.T), cov, atol=atol_cov)
    np.testing.assert_array_equal(mix.sample(10, 5), mix.sample(10, 5))


def test_samples_have_the_mixture_moments():
    check_sample_moments(load_mixture("sharpcov"), seed=7, atol_mean=0.02, atol_cov=0.03)


@pytest.mark.parametrize("name", BENCHMARKS)
def test_checked_in_benchmarks_are_reproduced_by_the_generator(name):
    """Same structure and keys, numbers equal to round-off: the generator's rotations go through BLAS,
    whose last bit differs between machines (1e-17 seen), so exact equality would test the BLAS."""
    on_disk = json.loads((MIXTURE_DIR / f"{name}.json").read_text())
    _assert_close(on_disk, json.loads(json.dumps(make_benchmark(name))), name)


def _assert_close(a, b, where):
    if isinstance(a, dict):
        assert isinstance(b, dict) and sorted(a) == sorted(b), where
        for k in a:
            _assert_close(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), where
        if a and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in a):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14, err_msg=where)
        else:
            for i, (x, y) in enumerate(zip(a, b)):
                _assert_close(x, y, f"{where}[{i}]")
    elif isinstance(a, float) or isinstance(b, float):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14, err_msg=where)
    else:
        assert a == b, where


def test_spiral_definition():
    mix = load_mixture("spiral")
    t = np.linspace(0, 1.9 * np.pi, 10)
    r = 3.5 * (1 - t / (2 * np.pi))
    np.testing.assert_allclose(mix.means, np.stack([r * np.cos(t), r * np.sin(t)], 1), atol=1e-12)
    np.testing.assert_allclose(mix.weights, 0.1)
    thin = load_mixture("thinmanifold")
    assert thin.D == 100 and thin.K == 10
    # the 2-D plane holds the spiral: the means keep their pairwise distances
    d2 = np.linalg.norm(mix.means[:, None] - mix.means[None], axis=-1)
    d100 = np.linalg.norm(thin.means[:, None] - thin.means[None], axis=-1)
    np.testing.assert_allclose(d100, d2, atol=1e-9)


def test_user_mixture_file_formats(tmp_path):
    d = {"weights": [1, 3], "means": [[0, 0], [2, 2]],
         "covs": [0.5, {"factor": [[1.0], [0.0]], "iso": 0.1}]}
    p = tmp_path / "mine.json"
    p.write_text(json.dumps(d))
    mix = load_mixture(str(p))
    np.testing.assert_allclose(mix.weights, [0.25, 0.75])
    np.testing.assert_allclose(mix.covs[1], [[1.1, 0], [0, 0.1]])
    ds = load_dataset(str(p))
    assert ds.shape == (2,) and ds.mixture is not None


@pytest.mark.parametrize("content,msg", [
    ("{not json", "not valid JSON"),
    ('{"weights": [1], "means": [[0, 0]]}', "missing field"),
    ('{"weights": [1, 1], "means": [[0, 0]], "covs": [1]}', "2 weights for 1 means"),
    ('{"weights": [1], "means": [[0, 0]], "covs": [[[1, 2], [0, 1]]]}', "symmetric"),
    ('{"weights": [1], "means": [[0, 0]], "covs": [[[1, 0], [0, -1]]]}', "positive semi-definite"),
    ('{"weights": [1], "means": [[0, "x"]], "covs": [1]}', "mine"),
    ('[1, 2]', "JSON object"),
])
def test_malformed_mixture_files_are_one_line_errors(tmp_path, content, msg):
    p = tmp_path / "mine.json"
    p.write_text(content)
    with pytest.raises(TinyscoreError, match=msg) as e:
        load_mixture(str(p))
    assert "\n" not in str(e.value)


def test_unknown_dataset_names():
    for spec in ("unifrom", "missing.json"):
        with pytest.raises(TinyscoreError):
            load_dataset(spec)


def test_halves_are_disjoint_nested_and_reproducible(caplog):
    ds = MixtureDataset(load_mixture("uniform"), data_seed=3)
    a, b, t = ds.subset(2500, "a"), ds.subset(2500, "b"), ds.test(500)
    assert a.dtype == np.float32 and a.shape == (2500, 2)
    pts = {tuple(p) for p in a} | {tuple(p) for p in b} | {tuple(p) for p in t}
    assert len(pts) == 5500                                   # no point in two places
    np.testing.assert_array_equal(ds.subset(10, "a"), a[:10])  # first N of a half
    np.testing.assert_array_equal(MixtureDataset(load_mixture("uniform"), data_seed=3).subset(2500, "a"), a)
    assert not np.array_equal(MixtureDataset(load_mixture("uniform"), data_seed=4).subset(10, "a"), a[:10])
    small = MixtureDataset(load_mixture("uniform"), half_size=50)
    with caplog.at_level("WARNING", logger="tinyscore"):
        assert small.subset(80, "b").shape == (50, 2)
    assert "using N=50" in caplog.text
    with pytest.raises(TinyscoreError, match="at least 1"):
        ds.subset(0)


def test_sampling_memory_grows_with_n_d_not_n_d_squared():
    """A user's 200-D single Gaussian: 2,000 samples once took n x D x D floats (640 MB)."""
    import tracemalloc
    mix = GaussianMixture([1.0], [[0.0] * 200], [np.eye(200) * 0.5])
    tracemalloc.start()
    x = mix.sample(2000, seed=1)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 40e6, peak                      # about 3 x n x D x 8 bytes = 10 MB
    np.testing.assert_allclose(x.var(0).mean(), 0.5, rtol=0.05)
