"""The hand-written tangent of the MLP (tinyscore.core.tangent) against autograd, and the SSM loss it feeds."""
import json
import subprocess
import sys

import pytest
import torch
from torch import nn

from tinyscore.core import tangent
from tinyscore.core.models import ScoreModel
from tinyscore.core.objectives import SSMLoss, sample_sigma
from tinyscore.core.ssm_paths import JVP_DEFAULT, default_jvp


def random_mlp(D, width, seed, conditional=True):
    """An MLP score model in float64 with every weight random (the output layer too, which starts at 0)."""
    torch.manual_seed(seed)
    model = ScoreModel(dict(variant="ssm", arch="mlp", shape=[D], sigma_data=0.7, conditional=conditional,
                            net={"width": width})).double()
    for p in model.parameters():
        nn.init.normal_(p, std=0.4)
    return model


@pytest.mark.parametrize("D,width,B,seed", [(2, 8, 5, 0), (7, 4, 1, 1), (13, 6, 9, 2)])
def test_forward_and_tangent_is_torch_func_jvp(D, width, B, seed):
    model = random_mlp(D, width, seed)
    g = torch.Generator().manual_seed(seed)
    x, x_dot = torch.randn(B, D, generator=g, dtype=torch.float64), torch.randn(B, D, generator=g, dtype=torch.float64)
    log_sigma = torch.randn(B, generator=g, dtype=torch.float64)
    F, F_dot = model.net.forward_and_tangent(x, x_dot, log_sigma)
    F0, F_dot0 = torch.func.jvp(lambda t: model.net(t, log_sigma), (x,), (x_dot,))
    torch.testing.assert_close(F, F0, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(F_dot, F_dot0, rtol=1e-12, atol=1e-12)


def test_score_and_jvp_of_the_model():
    """s and J_s v through the preconditioning (c_in, 1/sigma), against forward-mode autograd of ``score``."""
    model = random_mlp(5, 8, 3)
    g = torch.Generator().manual_seed(4)
    y, v = torch.randn(6, 5, generator=g, dtype=torch.float64), torch.randn(6, 5, generator=g, dtype=torch.float64)
    sigma = torch.rand(6, generator=g, dtype=torch.float64) + 0.05
    s, jv = model.score_and_jvp(y, sigma, v)
    s0, jv0 = torch.func.jvp(lambda t: model.score(t, sigma), (y,), (v,))
    torch.testing.assert_close(s, s0, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(jv, jv0, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("silu", [True, False])
@pytest.mark.parametrize("per_row_shift", [True, False])
def test_tangent_layers_gradients(silu, per_row_shift):
    """gradcheck of a chain of two layers: every input and parameter, both kinds of shift."""
    g = torch.Generator().manual_seed(5)
    B = 3

    def t(*shape):
        return torch.randn(*shape, generator=g, dtype=torch.float64, requires_grad=True)

    stacked, w1, w2, b2 = t(2 * B, 4), t(5, 4), t(3, 5), t(3)
    s1 = t(B, 5) if per_row_shift else t(5)
    assert torch.autograd.gradcheck(lambda *a: tangent.layers(a[0], [a[1:3], a[3:5]], silu),
                                    (stacked, w1, s1, w2, b2))


#: skips of every kind: the input joins a concatenation (value 0), a value joins two of them (the
#: second is copied by torch.cat), and chains of one and of two layers
SKIPS = (((0,), 2, True), ((1, 0), 1, True), ((2, 1), 1, False), ((3, 1, 0), 2, True))


@pytest.mark.parametrize("per_row_shift", [True, False])
def test_tangent_network_gradients(per_row_shift):
    """gradcheck of a network with skip connections (TangentNet): the input, every weight and shift."""
    g = torch.Generator().manual_seed(12)
    B, D = 3, 2

    def t(*shape):
        return torch.randn(*shape, generator=g, dtype=torch.float64, requires_grad=True)

    widths, params = [D], []
    for inputs, n_layers, _ in SKIPS:
        d_in = sum(widths[j] for j in inputs)
        for layer in range(n_layers):
            d_out = 3 + len(params) % 2
            params.append((t(d_out, d_in), t(B, d_out) if per_row_shift and layer == 0 else t(d_out)))
            d_in = d_out
        widths.append(d_in)
    flat = [x for pair in params for x in pair]

    def net(stacked, *flat):
        return tangent.network(stacked, SKIPS, list(zip(flat[0::2], flat[1::2])))

    assert torch.autograd.gradcheck(net, (t(2 * B, D), *flat))


def test_tangent_network_is_torch_func_jvp():
    """The one-node network on [x; x_dot] gives (f(x), J_f x_dot) of the same layers written plainly
    (addmm, SiLU, torch.cat), by torch.func.jvp; with and without a backward to come."""
    g = torch.Generator().manual_seed(13)
    B, D = 4, 3
    x, x_dot = torch.randn(B, D, generator=g, dtype=torch.float64), torch.randn(B, D, generator=g, dtype=torch.float64)
    widths, params = [D], []
    for inputs, n_layers, _ in SKIPS:
        d_in = sum(widths[j] for j in inputs)
        for layer in range(n_layers):
            shift = (B, 5) if layer == 0 else (5,)
            params.append((torch.randn(5, d_in, generator=g, dtype=torch.float64),
                           torch.randn(*shift, generator=g, dtype=torch.float64)))
            d_in = 5
        widths.append(5)

    def plain(x):
        values, k = [x], 0
        for inputs, n_layers, silu in SKIPS:
            h = torch.cat([values[j] for j in inputs], dim=1)
            for _ in range(n_layers):
                h = h @ params[k][0].t() + params[k][1]
                h = nn.functional.silu(h) if silu else h
                k += 1
            values.append(h)
        return values[-1]

    want = torch.cat(torch.func.jvp(plain, (x,), (x_dot,)))
    torch.testing.assert_close(tangent.network(torch.cat([x, x_dot]), SKIPS, params), want, rtol=1e-12, atol=1e-12)
    with torch.no_grad():
        torch.testing.assert_close(tangent.network(torch.cat([x, x_dot]), SKIPS, params), want,
                                   rtol=1e-12, atol=1e-12)


def test_tangent_layers_refuse_a_second_derivative():
    """A backward that builds a graph (for a derivative of the derivative) fails loudly, never silently wrong."""
    x = torch.randn(4, 3, dtype=torch.float64, requires_grad=True)
    w, b = torch.randn(2, 3, dtype=torch.float64, requires_grad=True), torch.randn(2, dtype=torch.float64)
    out = tangent.layers(x, [(w, b)]).sum()
    with pytest.raises(RuntimeError, match="differentiable once"):
        torch.autograd.grad(out, x, create_graph=True)
    (g,) = torch.autograd.grad(tangent.layers(x, [(w, b)]).sum(), x)     # a plain backward works
    assert g.shape == x.shape


@pytest.mark.parametrize("vr,kind,n_proj", [(True, "rademacher", 1), (False, "gaussian", 2)])
def test_ssm_loss_and_gradient_same_in_both_modes(vr, kind, n_proj):
    """The hand tangent (forward) and the double backward give the same loss and parameter gradient.

    Both run on the reference projections: under ``TRITON_INTERPRET=1`` the backward path would otherwise
    take the Triton projection kernel, whose Gaussian directions agree with the reference's to float32
    round-off only (tests/test_kernels_triton.py checks that), not to the 1e-10 compared here."""
    model = random_mlp(6, 8, 6)
    x = torch.randn(32, 6, generator=torch.Generator().manual_seed(7), dtype=torch.float64)
    sig = sample_sigma(32, 0.05, 1.0, torch.Generator().manual_seed(8)).double()
    out = []
    for jvp in ("backward", "forward"):
        loss = SSMLoss(vr=vr, kind=kind, n_proj=n_proj, jvp=jvp, backend="reference")(
            model, x, sig, torch.Generator().manual_seed(9))
        out.append((loss, torch.autograd.grad(loss.sum(), list(model.parameters()))))
    torch.testing.assert_close(out[0][0], out[1][0], rtol=1e-10, atol=1e-10)
    for a, b in zip(out[0][1], out[1][1]):
        torch.testing.assert_close(a, b, rtol=1e-9, atol=1e-10)


def test_sigma_blind_backbone_falls_back_to_forward_ad():
    """A backbone without an embedding is not what the hand tangent is written for: forward_ad answers."""
    model = random_mlp(4, 8, 10, conditional=False)
    g = torch.Generator().manual_seed(11)
    y, v = torch.randn(5, 4, generator=g, dtype=torch.float64), torch.randn(5, 4, generator=g, dtype=torch.float64)
    s, jv = model.score_and_jvp(y, 0.3, v)
    s0, jv0 = torch.func.jvp(lambda t: model.score(t, 0.3), (y,), (v,))
    torch.testing.assert_close(jv, jv0, rtol=1e-12, atol=1e-12)


def test_default_jvp_per_device_and_backbone():
    assert default_jvp("cpu", "mlp") == "forward"       # the hand tangent, measured faster on CPU
    assert default_jvp("cpu", "conv") == "backward"     # forward_ad is slower than the double backward
    assert default_jvp("cpu") == "backward"
    assert default_jvp("cuda", "mlp") == "backward"     # measured on a GPU only for forward_ad
    assert set(JVP_DEFAULT.values()) <= {"forward", "backward"}


def test_training_records_the_resolved_mode(tmp_path):
    from tinyscore.data.datasets import load_dataset
    from tinyscore.training.loop import train

    train(load_dataset("uniform"), tmp_path / "run", steps=2, n=64, batch_size=16, progress=False, variant="ssm")
    assert json.loads((tmp_path / "run" / "options.json").read_text())["ssm_jvp"] == "forward"


SYMPY = r"""
import sys, torch
from tinyscore.core.models import ScoreModel
from tinyscore.core.objectives import SSMLoss
model = ScoreModel(dict(variant="ssm", arch="mlp", shape=[3], sigma_data=1.0, net={"width": 8}))
for jvp in ("backward", "forward"):
    SSMLoss(jvp=jvp)(model, torch.randn(4, 3), torch.full((4,), 0.5), torch.Generator()).sum().backward()
print("sympy" in sys.modules)
"""


def test_an_ssm_step_does_not_import_sympy():
    """torch.autograd.grad with an explicit grad_outputs imports sympy (0.4 s) for a shape check; the
    loss asks for the same gradient without it."""
    out = subprocess.run([sys.executable, "-c", SYMPY], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
