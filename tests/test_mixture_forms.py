"""Each covariance form of the exact mixture (c I, diagonal, F F^T + c I, full) against oracles that
share nothing with it: scipy's multivariate normal and logsumexp on the dense covariance, and torch
autograd of a Cholesky log-density for the score; on random mixtures (fixed seeds), ill-conditioned,
singular-plus-isotropic and tiny-isotropic ones included."""
import json

import numpy as np
import pytest
import torch
from scipy.special import logsumexp
from scipy.stats import multivariate_normal

from tinyscore.core import mixtures as M
from tinyscore.core.mixtures import Diagonal, Full, GaussianMixture, Isotropic, LowRank
from tinyscore.errors import TinyscoreError
from tinyscore.storage.mixture_files import load_mixture, mixture_from_dict, mixture_to_dict

from test_mixtures import check_sample_moments

SIGMAS = [0.0, 1e-3, 0.05, 0.7]


def random_forms(kind: str, K: int, D: int, rng, tiny: float = 1e-8):
    """K covariances of one kind; 'mixed' cycles through all four."""
    def one(kind):
        if kind == "iso":
            return Isotropic(rng.uniform(0.05, 1.0))
        if kind == "diag":
            return Diagonal(rng.uniform(0.01, 1.0, D))
        if kind == "lowrank":
            return LowRank(rng.standard_normal((D, int(rng.integers(1, 4)))), rng.uniform(0.01, 0.3))
        if kind == "singular":                       # F F^T alone: c = 0, floored at EIG_FLOOR
            return LowRank(rng.standard_normal((D, 2)), 0.0)
        if kind == "tinyiso":
            return LowRank(rng.standard_normal((D, 2)), tiny)
        if kind == "illcond":                        # eigenvalues from 1 down to 1e-8
            Q = np.linalg.qr(rng.standard_normal((D, D)))[0]
            return Full((Q * np.logspace(0, -8, D)) @ Q.T)
        return Full(np.cov(rng.standard_normal((D, 3 * D))))
    kinds = ["iso", "diag", "lowrank", "full"] if kind == "mixed" else [kind]
    return [one(kinds[k % len(kinds)]) for k in range(K)]


def random_mixture(kind: str, seed: int, K: int = 4, D: int = 7, spread: float = 3.0, **kw) -> GaussianMixture:
    rng = np.random.default_rng(seed)
    return GaussianMixture(rng.uniform(0.2, 1.0, K), rng.uniform(-spread, spread, (K, D)),
                           random_forms(kind, K, D, rng, **kw))


def near_points(mix: GaussianMixture, sigma: float, seed: int, B: int = 40) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return mix.sample(B, rng) + max(sigma, 0.02) * rng.standard_normal((B, mix.D))


def scipy_log_terms(mix: GaussianMixture, y: np.ndarray, sigma: float) -> np.ndarray:
    """log w_k + log N(y; mu_k, Sigma_k + sigma^2 I) by scipy, on the dense covariance."""
    eye = np.eye(mix.D)
    return np.stack([np.log(w) + multivariate_normal(mu, cov + sigma ** 2 * eye).logpdf(y)
                     for w, mu, cov in zip(mix.weights, mix.means, mix.covs)], 1)


def torch_log_prob(mix: GaussianMixture, y: torch.Tensor, sigma: float, floor: float = 0.0) -> torch.Tensor:
    """log p_sigma by Cholesky of the dense noised covariance (floor: added to its diagonal)."""
    covs = torch.from_numpy(mix.covs) + (sigma ** 2 + floor) * torch.eye(mix.D, dtype=torch.float64)
    L = torch.linalg.cholesky(covs)
    diff = y[:, None, :] - torch.from_numpy(mix.means)[None]
    sol = torch.linalg.solve_triangular(L[None], diff[..., None], upper=False)[..., 0]
    logdet = 2 * torch.log(torch.diagonal(L, dim1=-2, dim2=-1)).sum(-1)
    log_n = -0.5 * (mix.D * np.log(2 * np.pi) + logdet[None] + (sol ** 2).sum(-1))
    return torch.logsumexp(torch.log(torch.from_numpy(mix.weights))[None] + log_n, dim=1)


def torch_score(mix, y, sigma, floor=0.0):
    yt = torch.tensor(y, requires_grad=True)
    lp = torch_log_prob(mix, yt, sigma, floor)
    (grad,) = torch.autograd.grad(lp.sum(), yt)
    return lp.detach().numpy(), grad.numpy()


def rel(a, b):
    return np.linalg.norm(a - b) / np.linalg.norm(b)


@pytest.mark.parametrize("kind", ["iso", "diag", "lowrank", "full", "mixed"])
@pytest.mark.parametrize("seed", [0, 1])
def test_each_form_against_scipy_and_autograd(kind, seed):
    mix = random_mixture(kind, seed)
    for i, sigma in enumerate(SIGMAS):
        y = near_points(mix, sigma, 100 * seed + i)
        terms = scipy_log_terms(mix, y, sigma)
        np.testing.assert_allclose(mix.log_prob(y, sigma), logsumexp(terms, axis=1), rtol=1e-11, atol=1e-10)
        np.testing.assert_allclose(mix.responsibilities(y, sigma), np.exp(terms - logsumexp(terms, 1, keepdims=True)),
                                   rtol=1e-8, atol=1e-12)
        _, grad = torch_score(mix, y, sigma)
        assert rel(mix.score(y, sigma), grad) < 1e-9, (kind, sigma)
        np.testing.assert_allclose(mix.denoise(y, sigma), y + sigma ** 2 * mix.score(y, sigma), rtol=0, atol=1e-12)


@pytest.mark.parametrize("kind", ["illcond", "singular", "tinyiso"])
def test_ill_conditioned_and_singular_forms(kind):
    """Near-singular components against the Cholesky oracle; where c = 0 leaves a null space the
    eigenvalue floor (EIG_FLOOR) is added to the oracle's diagonal too."""
    mix = random_mixture(kind, 5, D=12)
    for i, sigma in enumerate([0.0, 1e-3, 0.05, 0.7]):
        y = near_points(mix, sigma, i)
        # a dense oracle is only as good as the condition number allows: F F^T + 1e-12 I cannot even be
        # formed to that precision, so the singular form is compared from sigma = 1e-3 on (cond 1e6)
        if not (kind == "singular" and sigma == 0):
            lp, grad = torch_score(mix, y, sigma, M.EIG_FLOOR if kind == "singular" else 0.0)
            tol = 1e-7 if sigma == 0 else 1e-9
            np.testing.assert_allclose(mix.log_prob(y, sigma), lp, rtol=tol, atol=tol)
            assert rel(mix.score(y, sigma), grad) < tol, (kind, sigma)
        far = y + 1e4
        assert np.all(np.isfinite(mix.score(far, sigma))) and np.all(np.isfinite(mix.log_prob(far, sigma)))


def test_the_expansion_is_refined_where_it_loses_digits(monkeypatch):
    """A small isotropic part (1e-6) with means ~1000 from the origin: ||y||^2 - 2 y.mu + ||mu||^2 then
    loses about 1e-2 in the log-density; recomputed from y - mu it agrees with the oracle to 1e-7. The
    test fails without the refinement (REFINE_ABOVE set out of reach)."""
    mix = random_mixture("tinyiso", 3, D=6, spread=1000.0, tiny=1e-6)
    y = mix.sample(40, 7)
    lp, grad = torch_score(mix, y, 0.0)
    assert np.abs(mix.log_prob(y, 0.0) - lp).max() < 1e-7
    assert rel(mix.score(y, 0.0), grad) < 1e-9
    monkeypatch.setattr(M, "REFINE_ABOVE", np.inf)
    assert np.abs(mix.log_prob(y, 0.0) - lp).max() > 1e-5


@pytest.mark.parametrize("rank", [0, 3])
def test_one_c_shared_by_every_component(rank):
    """Every component with the same c (as in the benchmarks): the score then uses
    sum_k r_k / v = 1 / v; against autograd at each sigma, and per point against one row at a time."""
    rng = np.random.default_rng(9)
    K, D = 5, 8
    forms = [LowRank(rng.standard_normal((D, rank)), 0.3) if rank else Isotropic(0.3) for _ in range(K)]
    mix = GaussianMixture(rng.uniform(0.2, 1.0, K), rng.uniform(-3, 3, (K, D)), forms)
    assert mix._stacks[0].one_c
    for i, sigma in enumerate(SIGMAS):
        y = near_points(mix, sigma, i)
        _, grad = torch_score(mix, y, sigma)
        assert rel(mix.score(y, sigma), grad) < 1e-9, sigma
    sig = rng.uniform(0.01, 1.0, 30)
    y = near_points(mix, 0.1, 7, B=30)
    rows = np.stack([mix.score(y[i:i + 1], s)[0] for i, s in enumerate(sig)])
    np.testing.assert_allclose(mix.score(y, sig), rows, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("kind", ["iso", "lowrank", "mixed"])
def test_per_point_sigma_is_one_sigma_at_a_time(kind):
    mix = random_mixture(kind, 2)
    y = near_points(mix, 0.1, 0)
    sig = np.linspace(0.0, 1.0, len(y))
    rows = np.stack([mix.score(y[i:i + 1], s)[0] for i, s in enumerate(sig)])
    np.testing.assert_allclose(mix.score(y, sig), rows, rtol=1e-10, atol=1e-10)
    lps = np.array([mix.log_prob(y[i:i + 1], s)[0] for i, s in enumerate(sig)])
    np.testing.assert_allclose(mix.log_prob(y, sig), lps, rtol=1e-12, atol=1e-10)


def test_a_form_and_the_full_matrix_it_makes_agree():
    """The same covariance given as c I, a diagonal or F F^T + c I, and as the D x D matrix: the same
    numbers (different algorithms: SVD of F, elementwise, eigh) and the very same samples."""
    rng = np.random.default_rng(4)
    D, mu = 9, rng.standard_normal((1, 9))
    y = mu + 0.3 * rng.standard_normal((30, D))
    for form in (Isotropic(0.4), Diagonal(rng.uniform(0.1, 1, D)), LowRank(rng.standard_normal((D, 3)), 0.05)):
        a, b = GaussianMixture([1.0], mu, [form]), GaussianMixture([1.0], mu, [form.dense(D)])
        assert isinstance(b.forms[0], Full)
        for sigma in (0.0, 0.2):
            np.testing.assert_allclose(a.log_prob(y, sigma), b.log_prob(y, sigma), rtol=1e-12)
            assert rel(a.score(y, sigma), b.score(y, sigma)) < 1e-12
        np.testing.assert_array_equal(a.sample(50, 3), b.sample(50, 3))   # the eigenbasis draw, as always


def test_samples_of_every_form_have_their_moments():
    check_sample_moments(random_mixture("mixed", 8, K=4, D=5), seed=1, atol_mean=0.03, atol_cov=0.05)


def test_a_point_mass_and_singular_component_stay_finite_at_sigma_zero():
    mix = GaussianMixture([1, 1], [[0.0, 0.0, 0.0], [3.0, 0.0, 0.0]], [0.0, LowRank([[1.0], [0.0], [0.0]], 0.0)])
    y = np.array([[0.1, 0.0, 0.0], [3.0, 0.5, 0.0], [50.0, 50.0, 50.0]])
    for sigma in (0.0, 1e-6):
        assert np.all(np.isfinite(mix.score(y, sigma))) and np.all(np.isfinite(mix.log_prob(y, sigma)))
    # the second point lies on the singular component's line (off it by 0.5 in a 1e-12 direction)
    assert mix.responsibilities(y[1:2], 1e-3)[0, 1] == pytest.approx(1.0)


def test_isotropic_in_high_dimension_costs_o_of_d():
    """300,000 dimensions of c I: no D x D matrix is ever built (it would take 720 GB)."""
    D = 300_000
    mix = GaussianMixture([1.0], np.zeros((1, D)), [0.5])
    y = np.random.default_rng(0).standard_normal((4, D))
    np.testing.assert_allclose(mix.score(y, 0.5), -y / 0.75, rtol=1e-12)
    assert mix.sample(3, 0).shape == (3, D) and mix.spread() == pytest.approx(np.sqrt(0.5))


@pytest.mark.parametrize("bad,msg", [
    (Diagonal([1.0, -1.0]), "covs[0] has the eigenvalue -1"),
    (Isotropic(-0.5), "eigenvalue -0.5"),
    (LowRank([[1.0]], 0.1), "must fit 2 dimensions"),
    (Full([[1.0, 2.0], [0.0, 1.0]]), "symmetric"),
    (Diagonal([1.0, np.nan]), "finite"),
])
def test_bad_forms_are_one_line(bad, msg):
    with pytest.raises(TinyscoreError, match=msg.replace("[", r"\[").replace("]", r"\]")) as e:
        GaussianMixture([1.0], [[0.0, 0.0]], [bad])
    assert "\n" not in str(e.value)


def test_json_keeps_each_form_and_round_trips(tmp_path):
    d = {"weights": [1, 2, 3, 4], "means": [[0, 0], [1, 1], [2, 2], [3, 3]],
         "covs": [0.5, [0.5, 0.25], {"factor": [[1.0], [0.5]], "iso": 0.1}, [[1.0, 0.2], [0.2, 0.5]]]}
    mix = mixture_from_dict(d)
    assert [type(f) for f in mix.forms] == [Isotropic, Diagonal, LowRank, Full]
    again = mixture_from_dict(json.loads(json.dumps(mixture_to_dict(mix))))
    y = np.random.default_rng(0).standard_normal((5, 2))
    np.testing.assert_array_equal(again.score(y, 0.3), mix.score(y, 0.3))
    assert mixture_to_dict(again)["covs"] == mixture_to_dict(mix)["covs"]


def test_benchmarks_keep_their_forms():
    forms = {name: {type(f).__name__ for f in load_mixture(name).forms}
             for name in ("uniform", "sharpcov", "hd-sharpcov", "thinmanifold")}
    assert forms == {"uniform": {"Isotropic"}, "sharpcov": {"Full"}, "hd-sharpcov": {"LowRank"},
                     "thinmanifold": {"LowRank"}}


def test_a_mixture_file_under_home_is_found_by_tilde(tmp_path, monkeypatch):
    import json
    from tinyscore.data.datasets import load_dataset
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "m.json").write_text(json.dumps({"weights": [1.0], "means": [[0.0, 0.0]], "covs": [0.5]}))
    assert load_dataset("~/m.json").dim == 2
