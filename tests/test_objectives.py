"""Objectives against exact oracles: SSM against exact score matching, DSM against its closed form."""
import math

import numpy as np
import pytest
import torch
from torch import nn

from tinyscore.core.models import ScoreModel
from tinyscore.core.objectives import DSMLoss, ReconstructionLoss, SSMLoss, sample_sigma


class LinearScore(nn.Module):
    """s(y) = A y + b, whose exact score-matching objective is known in closed form."""

    def __init__(self, A, b):
        super().__init__()
        self.A, self.b = nn.Parameter(A.clone()), nn.Parameter(b.clone())

    def score(self, y, sigma):
        return y @ self.A.T + self.b


def gaussian_setup(D=3, seed=0):
    g = torch.Generator().manual_seed(seed)
    A = torch.randn(D, D, generator=g, dtype=torch.float64) * 0.5
    b = torch.randn(D, generator=g, dtype=torch.float64)
    m = torch.randn(D, generator=g, dtype=torch.float64)
    R = torch.randn(D, D, generator=g, dtype=torch.float64)
    C = R @ R.T / D + 0.2 * torch.eye(D, dtype=torch.float64)
    return A, b, m, C


def exact_objective(A, b, m, Cy):
    """E_y [ tr(grad s) + 1/2 ||s||^2 ] for y ~ N(m, Cy), s = A y + b (Hyvarinen)."""
    return torch.trace(A) + 0.5 * (torch.trace(A @ Cy @ A.T) + ((A @ m + b) ** 2).sum())


@pytest.mark.parametrize("vr", [True, False])
@pytest.mark.parametrize("kind", ["rademacher", "gaussian"])
@pytest.mark.parametrize("jvp", ["backward", "forward"])
def test_ssm_matches_exact_score_matching_in_expectation(vr, kind, jvp):
    D, B, sigma = 3, 40_000, 0.7
    A, b, m, C = gaussian_setup(D)
    x = m + torch.randn(B, D, generator=torch.Generator().manual_seed(1), dtype=torch.float64) @ torch.linalg.cholesky(C).T
    model = LinearScore(A, b)
    sig = torch.full((B,), sigma, dtype=torch.float64)
    loss = SSMLoss(vr=vr, kind=kind, jvp=jvp)(model, x, sig, torch.Generator().manual_seed(2)) / sigma ** 2
    target = exact_objective(A, b, m, C + sigma ** 2 * torch.eye(D, dtype=torch.float64))
    se = loss.std() / math.sqrt(B)
    assert abs(loss.mean() - target) < 4 * se, (float(loss.mean()), float(target), float(se))


def test_ssm_gradient_matches_exact_objective_gradient():
    """The parameter gradient of the SSM-VR loss estimates that of the exact objective."""
    D, B, sigma = 3, 40_000, 0.5
    A, b, m, C = gaussian_setup(D, seed=3)
    x = m + torch.randn(B, D, generator=torch.Generator().manual_seed(4), dtype=torch.float64) @ torch.linalg.cholesky(C).T
    model = LinearScore(A, b)
    loss = SSMLoss()(model, x, torch.full((B,), sigma, dtype=torch.float64), torch.Generator().manual_seed(5))
    (loss.mean() / sigma ** 2).backward()
    A2, b2 = A.clone().requires_grad_(True), b.clone().requires_grad_(True)
    exact_objective(A2, b2, m, C + sigma ** 2 * torch.eye(D, dtype=torch.float64)).backward()
    np.testing.assert_allclose(model.A.grad.numpy(), A2.grad.numpy(), atol=0.05)
    np.testing.assert_allclose(model.b.grad.numpy(), b2.grad.numpy(), atol=0.05)


def test_forward_and_backward_jvp_agree_on_a_network():
    model = ScoreModel(dict(variant="ssm", arch="mlp", shape=[5], sigma_data=1.0, net={"width": 16})).double()
    for p in model.parameters():                      # make the output layer non-zero
        nn.init.normal_(p, std=0.3)
    x = torch.randn(64, 5, dtype=torch.float64)
    sig = sample_sigma(64, 0.05, 1.0, torch.Generator().manual_seed(0)).double()
    losses = [SSMLoss(jvp=j)(model, x, sig, torch.Generator().manual_seed(9)) for j in ("backward", "forward")]
    torch.testing.assert_close(losses[0], losses[1], rtol=1e-10, atol=1e-10)


def test_dsm_and_reconstruction_are_the_same_objective_up_to_weight():
    """With d = sigma F, ||x - D||^2 = sigma^2 ||sigma s + z||^2: the two losses differ by sigma^2 only."""
    model = ScoreModel(dict(variant="ncsn", arch="mlp", shape=[4], sigma_data=1.0, net={"width": 16})).double()
    for p in model.parameters():
        nn.init.normal_(p, std=0.3)
    x = torch.randn(32, 4, dtype=torch.float64)
    sig = torch.linspace(0.05, 1.0, 32, dtype=torch.float64)
    dsm = DSMLoss()(model, x, sig, torch.Generator().manual_seed(1))
    rec = ReconstructionLoss()(model, x, sig, torch.Generator().manual_seed(1))
    torch.testing.assert_close(rec, sig ** 2 * dsm)


def test_dsm_is_minimised_by_the_true_score():
    """For Gaussian data N(0, c I) the true score of p_sigma is -y / (c + sigma^2): scaling it up or
    down must raise the DSM loss (the minimiser is the true score; checked on many samples)."""
    D, B, sigma = 2, 200_000, 0.6
    c = 0.5
    x = torch.randn(B, D, generator=torch.Generator().manual_seed(0), dtype=torch.float64) * math.sqrt(c)
    sig = torch.full((B,), sigma, dtype=torch.float64)

    class Lin:
        def __init__(self, a):
            self.a = a

        def score(self, y, s):
            return -self.a * y

    losses = [float(DSMLoss()(Lin(a), x, sig, torch.Generator().manual_seed(3)).mean())
              for a in (1 / (c + sigma ** 2) * f for f in (0.8, 1.0, 1.2))]
    assert losses[1] < losses[0] and losses[1] < losses[2]


def test_sigma_sampler():
    g = torch.Generator().manual_seed(0)
    s = sample_sigma(100_000, 0.01, 1.0, g)
    assert s.min() >= 0.01 and s.max() <= 1.0
    assert abs(float(s.log().mean()) - math.log(0.1)) < 0.02      # log-uniform: mean of log is the midpoint
    ladder = sample_sigma(10_000, 0.01, 1.0, g, levels=3)
    assert sorted({round(float(v), 6) for v in ladder}) == [0.01, 0.1, 1.0]


class TanhScore(nn.Module):
    """A small self-contained score network (float64), so the pinned values below depend on
    nothing but the objective and the projection directions."""

    def __init__(self, D, H, seed):
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        self.w1 = nn.Parameter(torch.randn(H, D, generator=g, dtype=torch.float64) / D ** 0.5)
        self.w2 = nn.Parameter(torch.randn(D, H, generator=g, dtype=torch.float64) / H ** 0.5)

    def score(self, y, sigma):
        return torch.tanh(y @ self.w1.T) @ self.w2.T / sigma[:, None]


# (vr, kind, n_proj) -> (sum of the per-sample losses, sum of d loss / d w1, loss of sample 0),
# computed with the implementation of record before the projections were vectorised: the same
# seed must keep giving the same loss and the same gradient, in both jvp modes.
PINNED_SSM = [
    (True, "rademacher", 1, 35.52422785644412, -47.53762848320044, 1.04070282804599),
    (False, "rademacher", 2, 47.61525473336087, -104.68389655132466, 1.3585964125344603),
    (True, "gaussian", 1, 40.311624653552656, -45.85530893502007, 1.319413616799977),
]


@pytest.mark.parametrize("jvp", ["backward", "forward", "auto"])
@pytest.mark.parametrize("vr,kind,n_proj,loss_sum,grad_sum,loss0", PINNED_SSM)
def test_ssm_loss_is_pinned_for_a_seed(vr, kind, n_proj, loss_sum, grad_sum, loss0, jvp):
    model = TanhScore(7, 16, 0)
    x = torch.randn(32, 7, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    sig = torch.linspace(0.1, 1.0, 32, dtype=torch.float64)
    loss = SSMLoss(vr=vr, kind=kind, n_proj=n_proj, jvp=jvp)(model, x, sig, torch.Generator().manual_seed(3))
    loss.sum().backward()
    # Rademacher directions are exact integers; Gaussian ones come from torch's vectorised normal
    # sampler, whose last bits differ between CPUs (1e-8 apart, relative, on two machines of this project)
    rel = 1e-10 if kind == "rademacher" else 1e-6
    assert loss.sum().item() == pytest.approx(loss_sum, rel=rel)
    assert model.w1.grad.sum().item() == pytest.approx(grad_sum, rel=rel)
    assert loss[0].item() == pytest.approx(loss0, rel=rel)


def test_ssm_loss_matches_explicit_double_backward():
    """Against Song et al.'s formulation written out with the directions as a tensor."""
    import kernels

    model = TanhScore(5, 8, 4)
    x = torch.randn(16, 5, generator=torch.Generator().manual_seed(5), dtype=torch.float64)
    sig = torch.full((16,), 0.4, dtype=torch.float64)
    loss = SSMLoss()(model, x, sig, torch.Generator().manual_seed(6))
    gen = torch.Generator().manual_seed(6)
    y = (x + 0.4 * torch.randn(x.shape, generator=gen, dtype=torch.float64)).requires_grad_(True)
    seed = int(torch.randint(0, 2**31 - 1, (1,), generator=gen))
    v = kernels.projection_vectors((16, 5), seed, 0, dtype=torch.float64)
    s = model.score(y, sig)
    (g,) = torch.autograd.grad((v * s).sum(), y, create_graph=True)
    expect = 0.4 ** 2 * ((v * g).sum(1) + 0.5 * s.pow(2).sum(1))
    torch.testing.assert_close(loss, expect, rtol=1e-13, atol=1e-13)


def test_jvp_choice():
    from tinyscore.core.objectives import make_loss
    from tinyscore.core.ssm_paths import default_jvp

    assert default_jvp("cpu") == "backward"
    assert make_loss("ssm").jvp == "auto"
    with pytest.raises(ValueError):
        SSMLoss(jvp="sideways")
