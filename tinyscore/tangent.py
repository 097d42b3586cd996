r"""Forward-mode derivatives by hand: the tangent rides in the same matmuls as the network.

Sliced score matching needs, for every sample, one Jacobian-vector product of the score
network, J v (:mod:`tinyscore.objectives`, the v^T J v term). Autograd offers two ways:

* double backward: g = grad_y (v^T s) with ``create_graph=True``, then back-propagate through
  that backward pass as well. Every linear layer costs six matmuls (forward; the first
  backward's input gradient; then both gradients of each of those two), and every SiLU an
  autograd graph of its own derivative, a dozen small element-wise kernels;
* ``torch.autograd.forward_ad``: every op dispatched twice (primal and tangent), then a
  backward through both. On CPU this was 1.3-1.5x slower than the double backward.

For a plain MLP both can be beaten by writing the tangent out. Push the pair (h, h_dot) through
the network, where h_dot = J_h v is the derivative of the activations along v:

    linear:  h = W x + b             h_dot = W x_dot                          (no bias)
    SiLU:    a = h sigmoid(h)        a_dot = silu'(h) h_dot,
             silu'(h)  = s (1 + h (1 - s)) = a + s (1 - a),                   s = sigmoid(h)
    concat:  [u, h] -> [u_dot, h_dot]  (the skip connections)

Three things make this fast:

1. **The tangent shares the primal's matmul.** Stack the rows, X = [x; x_dot] (2B rows): one
   ``X @ W^T`` computes h and h_dot together, and the single backward through it is two more
   matmuls of 2B rows. Three matmuls per layer, each twice as tall, instead of the double
   backward's six: the same arithmetic in half the calls, and no graph of a graph.
2. **The backward is written out.** With upstream gradients (g_a, g_adot) a SiLU layer gives

       g_h    = g_a silu'(h) + g_adot h_dot silu''(h),   silu''(h) = s (1 - s) (2 + h (1 - 2 s))
       g_hdot = g_adot silu'(h)

   from s = sigmoid(h) and silu'(h) kept by the forward: one exp per layer (in the forward),
   where autograd's generic second derivative of SiLU recomputes the sigmoid and builds a
   graph of a dozen element-wise nodes. It is differentiable once, which is all a single
   backward needs; a backward that would build a graph (``create_graph=True``) fails loudly.
3. **One autograd node per chain of layers** (:class:`TangentLayers`, a Block's two layers):
   a custom Function costs some tens of microseconds of Python per call, which at batch 256
   is a visible part of a step.

The bias (plus the sigma embedding, which does not depend on the input) is added to the
primal rows only.

The result equals ``torch.func.jvp`` of the network to round-off (tested in float64 on random
networks) and the SSM loss and its gradient equal the double backward's (tested). ``cli.py bench``
rows "SSM step (forward-mode jvp)" measure it against the double backward and against a DSM step:
on one core of a 2-core AMD EPYC, 0.92-1.0x the double backward's step (100-D MLP at batch 512,
2-D MLP at batch 256), and 3-8% more steps per second in ``train``. What it cannot remove is the
method's own floor: every product of the network runs on twice the rows of a DSM step.
"""
from __future__ import annotations

import torch


def _forward(x2: torch.Tensor, weight: torch.Tensor, shift: torch.Tensor, silu: bool):
    """One layer on stacked rows: (output, what its backward needs)."""
    B = x2.shape[0] // 2
    pre = torch.mm(x2, weight.t())                          # [x W^T; x_dot W^T] in one matmul
    pre[:B] += shift                                        # h = x W^T + shift; h_dot has no bias
    if not silu:
        return pre, None
    h, h_dot = pre[:B], pre[B:]
    out = torch.empty_like(pre)
    s = torch.sigmoid(h)                                    # the layer's only exp
    a = torch.mul(h, s, out=out[:B])                        # silu(h) = h s
    d = torch.addcmul(a + s, a, s, value=-1)                # silu'(h) = s (1 + h (1 - s)) = a + s - a s
    torch.mul(d, h_dot, out=out[B:])                        # a_dot = silu'(h) h_dot
    return out, (pre, s, d)


def _backward(g: torch.Tensor, x2: torch.Tensor, weight: torch.Tensor, shift_dim: int, act, out, need_x: bool):
    """Gradients (x2, weight, shift) of one layer from the gradient ``g`` of its output ``out``."""
    B = g.shape[0] // 2
    if act is not None:
        (pre, s, d), a = act, out[:B]
        h, h_dot = pre[:B], pre[B:]
        g_a, g_adot = g[:B], g[B:]
        g_pre = torch.empty_like(g)
        torch.mul(g_adot, d, out=g_pre[B:])                     # g_hdot = g_adot silu'(h)
        g_h = torch.mul(g_a, d, out=g_pre[:B])                  # g_h = g_a silu'(h) + g_adot h_dot silu''(h),
        curve = torch.add(h, a, alpha=-2).add_(2)               # silu''(h) = s (1 - s) (2 + h (1 - 2 s))
        curve = torch.ops.aten.sigmoid_backward(curve.mul_(g_adot), s)   # (.) s (1 - s)
        g_h.addcmul_(curve, h_dot)
        g = g_pre
    g_x = torch.mm(g, weight) if need_x else None
    g_shift = g[:B].sum(0) if shift_dim == 1 else g[:B]
    return g_x, torch.mm(g.t(), x2), g_shift


class TangentLayers(torch.autograd.Function):
    """A chain of layers x -> x W_k^T + shift_k (then SiLU) on stacked rows [x; x_dot], the shifts (a
    bias (out,), or (B, out)) on the primal rows only. One autograd node for the whole chain: the
    Python cost of a custom Function is paid once, not per layer."""

    @staticmethod
    def forward(ctx, stacked: torch.Tensor, silu: bool, *params: torch.Tensor):
        inputs, acts, x = [stacked], [], stacked
        for weight, shift in zip(params[0::2], params[1::2]):
            x, act = _forward(x, weight, shift, silu)
            inputs.append(x)
            acts.append(act)
        # the chain's input, parameters and output through save_for_backward; intermediates on ctx
        # (keeping the output itself on ctx would make a reference cycle through its grad_fn)
        ctx.save_for_backward(stacked, x, *params)
        ctx.inner, ctx.acts = inputs[1:-1], acts
        return x

    @staticmethod
    def backward(ctx, g):
        if torch.is_grad_enabled():
            raise RuntimeError("tinyscore.tangent layers are differentiable once (a single backward)")
        stacked, out, *params = ctx.saved_tensors
        xs = [stacked] + ctx.inner + [out]              # xs[k]: the input of layer k, xs[k + 1] its output
        grads = [None] * len(params)
        for k in reversed(range(len(ctx.acts))):
            weight, shift = params[2 * k], params[2 * k + 1]
            need_x = k > 0 or ctx.needs_input_grad[0]
            g, grads[2 * k], grads[2 * k + 1] = _backward(g, xs[k], weight, shift.dim(), ctx.acts[k], xs[k + 1],
                                                          need_x)
        return (g, None, *grads)


def layers(stacked: torch.Tensor, params: list, silu: bool = True) -> torch.Tensor:
    """The chain of layers [(weight, shift), ...] on stacked rows [x; x_dot] (:class:`TangentLayers`)."""
    return TangentLayers.apply(stacked, silu, *(t for pair in params for t in pair))


def stack(x: torch.Tensor, x_dot: torch.Tensor) -> torch.Tensor:
    """[x; x_dot]: the primal rows, then the tangent rows."""
    return torch.cat([x, x_dot])


def unstack(stacked: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(primal, tangent) halves of stacked rows."""
    B = stacked.shape[0] // 2
    return stacked[:B], stacked[B:]
