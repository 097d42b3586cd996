"""The convolutional UNet backbone: shapes, zero start, sigma-conditioning, gradients, size checks."""
import pytest
import torch

from tinyscore.core.nets import build_backbone
from tinyscore.core.unet import ConvUNet


def nonzero(net):
    """A copy of the net whose last convolution is no longer zero."""
    torch.manual_seed(1)
    torch.nn.init.normal_(net.out.weight, std=0.1)
    return net


@pytest.mark.parametrize("shape", [(1, 40, 40), (1, 16, 24), (3, 8, 8)])
def test_output_shape_and_zero_start(shape):
    net = ConvUNet(shape)
    x = torch.rand(3, *shape)
    y = net(x, torch.zeros(3))
    assert y.shape == x.shape and y.is_contiguous()
    assert torch.count_nonzero(y) == 0                      # the last conv starts at zero: F = 0


def test_conditional_output_depends_on_sigma_and_blind_does_not():
    torch.manual_seed(0)
    x = torch.rand(2, 1, 16, 16)
    cond = nonzero(ConvUNet((1, 16, 16), conditional=True))
    assert not torch.allclose(cond(x, torch.full((2,), -3.0)), cond(x, torch.full((2,), 0.5)))
    assert torch.allclose(cond(x, torch.tensor(-1.0)), cond(x, torch.full((2,), -1.0)))   # broadcast
    with pytest.raises(ValueError, match="log_sigma"):
        cond(x)
    blind = nonzero(ConvUNet((1, 16, 16), conditional=False))
    assert blind.embed is None and not any("emb" in n for n, _ in blind.named_parameters())
    y = blind(x, torch.full((2,), -3.0))
    assert torch.equal(y, blind(x, torch.full((2,), 0.5))) and torch.equal(y, blind(x))
    assert torch.count_nonzero(y) > 0


def test_gradients_reach_every_parameter():
    net = ConvUNet((1, 16, 16), base=8, mults=(1, 2, 2), blocks=2)
    x = torch.rand(4, 1, 16, 16)
    loss = (net(x, torch.randn(4)) - x).pow(2).mean()
    loss.backward()                       # with the zero last layer only it gets a gradient at first
    assert net.out.weight.grad.abs().sum() > 0
    nonzero(net).zero_grad()
    (net(x, torch.randn(4)) - x).pow(2).mean().backward()
    missing = [n for n, p in net.named_parameters() if p.grad is None or p.grad.abs().sum() == 0]
    assert not missing, missing


def test_one_image_at_a_time_equals_the_batch():
    net = nonzero(ConvUNet((1, 16, 16), base=8)).eval()
    x, ls = torch.rand(3, 1, 16, 16), torch.randn(3)
    together = net(x, ls)
    alone = torch.cat([net(x[i:i + 1], ls[i:i + 1]) for i in range(3)])
    assert torch.allclose(together, alone, atol=1e-5)    # GroupNorm: no batch statistics


def test_sizes_that_cannot_be_halved_raise():
    with pytest.raises(ValueError, match="divisible by 4"):
        ConvUNet((1, 42, 40))
    with pytest.raises(ValueError, match="divisible by 8"):
        ConvUNet((1, 36, 36), mults=(1, 2, 2, 2))
    assert ConvUNet((1, 42, 42), mults=(1, 2)).shape == (1, 42, 42)
    with pytest.raises(ValueError, match="images"):
        ConvUNet((64,))


def test_build_backbone_conv_and_widths():
    net = build_backbone("conv", (1, 40, 40), conditional=False, base=8, mults=(1, 2), groups=4, emb_dim=16,
                         blocks=1)
    assert isinstance(net, ConvUNet) and not net.conditional
    assert net(torch.rand(2, 1, 40, 40)).shape == (2, 1, 40, 40)
    odd = ConvUNet((1, 8, 8), base=12, groups=8)             # 8 does not divide 12: 4 groups
    assert odd.inp.out_channels == 12 and odd(torch.rand(1, 1, 8, 8), torch.zeros(1)).shape == (1, 1, 8, 8)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")     # torch's forward AD scripts its own helpers
def test_forward_mode_and_double_backward_for_sliced_score_matching():
    """SSM needs v^T J v: by double backward, or forward-mode AD (a JVP); both must agree."""
    from torch.autograd import forward_ad as fwAD
    net = nonzero(ConvUNet((1, 8, 8), base=8)).double()
    y = torch.rand(2, 1, 8, 8, dtype=torch.float64, requires_grad=True)
    v = torch.randn_like(y)
    ls = torch.zeros(2, dtype=torch.float64)
    (g,) = torch.autograd.grad((v * net(y, ls)).sum(), y, create_graph=True)     # J^T v
    by_backward = (g * v).sum()
    with fwAD.dual_level():
        jv = fwAD.unpack_dual(net(fwAD.make_dual(y, v), ls)).tangent           # J v
    assert torch.allclose((jv * v).sum(), by_backward)
    by_backward.backward()                                                    # second order
    assert net.inp.weight.grad is not None
