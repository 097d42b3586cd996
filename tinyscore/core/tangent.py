r"""Forward-mode derivatives by hand: the tangent rides in the same matmuls as the network.

Sliced score matching (docs/design.md, section 2) needs, for every sample, one Jacobian-vector
product of the score network, J v (the v^T J v term of :mod:`tinyscore.core.objectives`, one of the
ways :mod:`tinyscore.core.ssm_paths` computes it). Autograd offers two ways:

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
2. **The backward is written out, and mostly done in the forward.** With upstream gradients
   (g_a, g_adot) a SiLU layer gives

       g_h    = g_a silu'(h) + g_adot h_dot silu''(h)
       g_hdot = g_adot silu'(h)

   and with d = silu'(h), silu''(h) = s (1 - s) (2 + h (1 - 2 s)) = (1 - s) (2 d - a). So the
   forward keeps just d and e = -silu''(h) h_dot, three element-wise passes from s, a and d
   (``lerp(e, 0, s)`` is e (1 - s) in one pass, exact where s is near 1), and the backward is three
   passes over half the rows each: g_h = g_a d - g_adot e, then g_hdot = g_adot d. One exp per layer, where
   autograd's generic second derivative of SiLU recomputes the sigmoid and builds a graph of a
   dozen element-wise nodes. It is differentiable once, which is all a single backward needs; a
   backward that would build a graph (``create_graph=True``) fails loudly.
3. **The whole network is one autograd node** (:class:`TangentNet`). A custom Function costs some
   tens of microseconds of Python per call, which at batch 256 is a visible part of a step; and
   the skip connections' ``torch.cat`` would copy its inputs, where here a value that a later
   layer reads concatenated is written straight into its columns of that layer's input.

And the passes work in place where nothing else reads what they overwrite: a SiLU layer writes
(a, a_dot) over its own pre-activations, and the backward scales the gradient it was handed (not
autograd's, which it copies): fewer fresh buffers, writes to lines already in cache, 2% of a step.

The bias (plus the sigma embedding, which does not depend on the input) is added to the
primal rows only.

The result equals ``torch.func.jvp`` of the network to round-off (tested in float64 on random
networks) and the SSM loss and its gradient equal the double backward's (tested). ``cli.py bench``
rows "SSM step (forward-mode jvp)" measure it against the double backward and against a DSM step:
on one core of a 2-core AMD EPYC, 1.87-1.90x a DSM step for the 100-D MLP at batch 512 (the
double backward: 1.99x) and 1.72-1.79x for the 2-D MLP at batch 256 (1.92x). What it cannot
remove is the method's own floor: every product of the network runs on twice the rows of a DSM
step, and the products are two thirds of a DSM step here.
"""
from __future__ import annotations

import torch


def _forward(x2: torch.Tensor, weight: torch.Tensor, shift: torch.Tensor, silu: bool, out, grad: bool,
             one: torch.Tensor, zero: torch.Tensor):
    """One layer on stacked rows: (output, what its backward needs). ``out``: where to write the output
    (a block of columns of the buffer a later concatenation reads), or None: then a SiLU layer
    overwrites its own pre-activations, which nothing else reads. ``grad``: whether a backward will
    follow; ``one``, ``zero``: 0-dim tensors of x2's dtype and device."""
    w_t = weight.t()
    pre = torch.mm(x2, w_t) if silu or out is None else torch.mm(x2, w_t, out=out)   # [x W^T; x_dot W^T]
    h, h_dot = pre.chunk(2)
    h.add_(shift)                                               # h = x W^T + shift; h_dot has no bias
    if not silu:
        return pre, None
    a, a_dot = (h, h_dot) if out is None else out.chunk(2)
    s = torch.sigmoid(h)                                        # the layer's only exp
    torch.mul(h, s, out=a)                                      # silu(h) = h s
    d = torch.lerp(a, one, s)                                   # silu'(h) = s (1 + h (1 - s)) = a + s (1 - a)
    e = torch.add(a, d, alpha=-2).mul_(h_dot) if grad else None  # -silu''(h) h_dot / (1 - s), from h_dot ...
    torch.mul(d, h_dot, out=a_dot)                              # ... before a_dot = silu'(h) h_dot replaces it
    return (pre if out is None else out), ((d, e.lerp_(zero, s)) if grad else None)  # lerp(e, 0, s) = e (1 - s)


def _backward(g: torch.Tensor, x2: torch.Tensor, weight: torch.Tensor, shift_dim: int, act, need_x: bool,
              own: bool):
    """Gradients (x2, weight, shift) of one layer from the gradient ``g`` of its output (``own``: g may be
    overwritten)."""
    B = g.shape[0] // 2
    if act is not None:
        d, e = act
        g = g if own else g.clone()
        g_a, g_adot = g[:B], g[B:]
        g_h = g_a.mul_(d).addcmul_(g_adot, e, value=-1)        # g_h = g_a silu'(h) + g_adot h_dot silu''(h)
        g_adot.mul_(d)                                          # g_hdot = g_adot silu'(h)
    else:
        g_h = g[:B]
    g_x = torch.mm(g, weight) if need_x else None
    return g_x, torch.mm(g.t(), x2), (g_h.sum(0) if shift_dim == 1 else g_h)


def _widths(stacked: torch.Tensor, steps, weights) -> list[int]:
    """The number of columns of every value: the input's, then each step's output (its last layer's)."""
    widths, k = [stacked.shape[1]], 0
    for _, n_layers, _ in steps:
        k += n_layers
        widths.append(weights[k - 1].shape[0])
    return widths


class TangentNet(torch.autograd.Function):
    """A small network of layer chains on stacked rows [x; x_dot], in ONE autograd node.

    The values are numbered: 0 is the network's input, then one per step, in order (the last is the
    network's output). ``steps`` is a tuple of (inputs, n_layers, silu): a step reads the
    concatenation (along columns) of the earlier values ``inputs`` and runs a chain of ``n_layers``
    layers x -> x W^T + shift (then SiLU), the shifts (a bias (out,), or (B, out)) on the primal
    rows only.
    ``params`` are (weight, shift) of every layer, step after step, flattened.

    Why one node: a custom Function costs some tens of microseconds of Python per call, and a
    ``torch.cat`` of the skip connections copies its inputs. Here a value that a later step
    concatenates is written straight into its block of columns of that step's input buffer, so
    the skips cost no copy in the forward and a column view in the backward.
    """

    @staticmethod
    def forward(ctx, stacked: torch.Tensor, steps, *params: torch.Tensor):
        weights, shifts = params[0::2], params[1::2]
        widths = _widths(stacked, steps, weights)
        buffers, target = {}, {}                      # step -> its concatenated input; value -> its columns
        for i, (inputs, _, _) in enumerate(steps):
            if len(inputs) > 1 and not any(j in target for j in inputs):
                buf = stacked.new_empty(stacked.shape[0], sum(widths[j] for j in inputs))
                offsets = [0]
                for j in inputs:
                    target[j] = buf[:, offsets[-1]:offsets[-1] + widths[j]]
                    offsets.append(offsets[-1] + widths[j])
                buffers[i] = buf
        if 0 in target:                               # the input itself joins a concatenation: copy it in
            target[0].copy_(stacked)
        grad = any(ctx.needs_input_grad)
        one, zero = stacked.new_ones(()), stacked.new_zeros(())
        values, layer_inputs, acts, k = [stacked], [], [], 0
        for i, (inputs, n_layers, silu) in enumerate(steps):
            x = (buffers[i] if i in buffers else values[inputs[0]] if len(inputs) == 1
                 else torch.cat([values[j] for j in inputs], dim=1))
            for layer in range(n_layers):
                layer_inputs.append(x)
                out = target.get(i + 1) if layer == n_layers - 1 else None
                x, act = _forward(x, weights[k], shifts[k], silu, out, grad, one, zero)
                acts.append(act)
                k += 1
            values.append(x)
        # the input, parameters and output through save_for_backward; intermediates on ctx
        # (keeping the output itself on ctx would make a reference cycle through its grad_fn)
        ctx.save_for_backward(stacked, values[-1], *params)
        ctx.steps, ctx.widths, ctx.inputs, ctx.acts = steps, widths, layer_inputs, acts
        return values[-1]

    @staticmethod
    def backward(ctx, g_out):
        if torch.is_grad_enabled():
            raise RuntimeError("tinyscore.core.tangent layers are differentiable once (a single backward)")
        params = ctx.saved_tensors[2:]                # after the input and the output (saved for their checks)
        weights, shifts = params[0::2], params[1::2]
        grads_v = [None] * (len(ctx.steps) + 1)       # the gradient of every value: the input, then each step's
        grads_v[-1] = g_out
        grads_p = [None] * len(params)
        k = len(weights)
        for i in reversed(range(len(ctx.steps))):
            inputs, n_layers, _ = ctx.steps[i]
            g = grads_v[i + 1]
            for layer in reversed(range(n_layers)):
                k -= 1
                need_x = layer > 0 or inputs != (0,) or ctx.needs_input_grad[0]
                g, grads_p[2 * k], grads_p[2 * k + 1] = _backward(g, ctx.inputs[k], weights[k], shifts[k].dim(),
                                                                  ctx.acts[k], need_x, g is not g_out)
            if g is None:
                continue
            offset = 0
            for j in inputs:                          # split the input's gradient among the values it joined
                part = g[:, offset:offset + ctx.widths[j]]
                offset += ctx.widths[j]
                grads_v[j] = part if grads_v[j] is None else grads_v[j] + part
        return (grads_v[0], None, *grads_p)


def network(stacked: torch.Tensor, steps, params: list) -> torch.Tensor:
    """The network of layer chains ``steps`` with layers [(weight, shift), ...] on stacked rows [x; x_dot]
    (:class:`TangentNet`)."""
    return TangentNet.apply(stacked, tuple(steps), *(t for pair in params for t in pair))


def layers(stacked: torch.Tensor, params: list, silu: bool = True) -> torch.Tensor:
    """One chain of layers [(weight, shift), ...] on stacked rows [x; x_dot]: a network of one step."""
    return network(stacked, [((0,), len(params), silu)], params)


def stack(x: torch.Tensor, x_dot: torch.Tensor) -> torch.Tensor:
    """[x; x_dot]: the primal rows, then the tangent rows."""
    return torch.cat([x, x_dot])


def unstack(stacked: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(primal, tangent) halves of stacked rows."""
    B = stacked.shape[0] // 2
    return stacked[:B], stacked[B:]
