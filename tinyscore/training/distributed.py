r"""Data-parallel training: one model on K processes, started by torchrun.

    torchrun --nproc-per-node K cli.py train ...          (NCCL on GPUs, gloo on CPU)

Every process holds the whole model and the whole training subset; each step they agree on one
gradient, the gradient of the *global* batch mean, and take the same Adam step. So K processes
train the model that one process trains with the same seed and batch size, to float32 round-off
(the order in which the per-sample gradients are summed changes, nothing else).

**The draws do not depend on K.** Every process draws the whole global batch of B samples --
indices, noise levels, and inside the loss the noise z and the SSM projection seed -- from the
same seeded generator, exactly as one process does, and evaluates the *network* only on its own
rows r B/K .. (r+1) B/K - 1. This is done by handing the loss a view of the model
(:class:`RowsModel`) that runs the network on those rows and returns constant zeros for the
others; the loss callables of ``tinyscore.core.objectives`` are used unchanged, their random draws
(and the Philox directions of SSM, a function of the global row index and B) come out as in a
single process, and the per-sample losses of a process's own rows are the single-process ones.
Drawing B samples instead of B/K costs B x D random numbers a step, nothing beside the network.

**The loss is the global mean.** Process r back-propagates sum over its rows of loss_i / B; the
gradients (and the loss) of all processes are then summed with one all-reduce, which gives the
gradient of the mean over the global batch (requires B divisible by K).

**Why not torch's ``DistributedDataParallel`` wrapper.** The gradients are all-reduced by hand,
as one flat buffer after ``backward()``, because the wrapper does not fit these losses:

* DDP prepares its gradient reducer in the wrapper's ``forward()``; the losses call
  ``model.score`` / ``model.denoise``, which never pass through it, so its hooks would not be set
  up for the step;
* the SSM loss differentiates the score with respect to its input with ``create_graph=True``
  before the parameter backward (a double backward). DDP's reducer hooks assume one backward per
  forward that accumulates into ``.grad``; ``torch.autograd.grad`` and double backward through
  them are documented as unsupported and known to fail ("Expected to mark a variable ready only
  once", pytorch/pytorch#63812) or to reduce wrong gradients (#47562).

One flat all-reduce per step is the collective DDP itself issues for a model of this size (one
bucket); what is given up is overlapping it with the backward pass, which these small networks
would not notice. The replicas start equal as under DDP: the same seed initialises every process,
and the parameters of process 0 are broadcast once before the first step.

**Files and failures.** Process 0 alone touches the output folder: it takes the destination
lock, reads or writes the unfinished run, saves the resumable state and publishes the run; the
others receive what they need (a resumed state) by broadcast. No process ever waits forever on
another that failed: every step's all-reduce carries a failure flag, and the phases where process
0 alone works end with a broadcast of its outcome, so an error on any process -- a refused
destination, a full disk, a diverged loss, an exception in one process's step -- stops all of
them at the same point, process 0 reporting it in one line and the others exiting quietly with a
:class:`PeerFailed`. A process that dies outright (killed) makes the others' next collective fail
(gloo), and torchrun stops the remaining processes when one exits with an error.
"""
from __future__ import annotations

import contextlib
import logging
import os
import re

import torch

from tinyscore.errors import TinyscoreError

log = logging.getLogger("tinyscore")


class PeerFailed(TinyscoreError):
    """This process stops because another one failed. ``quiet`` (every process but 0): the error
    is reported by process 0, so the command line prints nothing more for this one."""

    def __init__(self, message: str, quiet: bool):
        super().__init__(message)
        self.quiet = quiet


def env_world_size() -> int:
    """The number of processes torchrun started (1 when not run by torchrun)."""
    try:
        return max(1, int(os.environ.get("WORLD_SIZE", "1")))
    except ValueError:
        return 1


def _describe(e: BaseException) -> str:
    if isinstance(e, TinyscoreError):
        return str(e)
    if isinstance(e, OSError) and e.strerror:
        return f"{e.strerror}: {e.filename}" if e.filename else e.strerror
    return f"{type(e).__name__}: {str(e).strip().splitlines()[0] if str(e).strip() else ''}"


class World:
    """The processes that train one model. ``World()`` is one process alone: every method is then
    the plain single-process operation (no collective, no copy)."""

    def __init__(self, rank: int = 0, size: int = 1, device: torch.device | None = None):
        self.rank, self.size, self.device = int(rank), int(size), device
        self.pending: BaseException | None = None  # process 0: a failed write, reported at the next collective

    @property
    def root(self) -> bool:
        return self.rank == 0

    # --------------------------------------------------------------------- agreeing on failure
    def _collective(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except RuntimeError as e:    # gloo / NCCL: a peer died, was killed, or timed out
            first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            first = re.sub(r"^\[[^\]]*\]\s*", "", first).split(". This is typically")[0]    # gloo's source position
            raise PeerFailed(f"lost contact with the other training processes (one died or was killed?): "
                             f"{first}", quiet=not self.root) from e

    def _settle(self, err: BaseException | None) -> None:
        """Every process calls this once a failure is known to some: all raise, process 0 reports."""
        import torch.distributed as dist
        everyone = [None] * self.size
        self._collective(dist.all_gather_object, everyone, None if err is None else _describe(err))
        failed = [(r, m) for r, m in enumerate(everyone) if m is not None]
        if not failed:
            return
        if err is not None and self.root:
            raise err
        r, message = failed[0]
        raise PeerFailed(f"process {r} of {self.size} failed: {message}" if self.root else
                         f"stopped: process {r} of {self.size} failed", quiet=not self.root) from err

    def agree(self, fn):
        """Run ``fn`` in every process; if it raises in any, every process raises (process 0 reports)."""
        if self.size == 1:
            return fn()
        result, err = None, None
        try:
            result = fn()
        except Exception as e:
            err = e
        self._settle(err)
        return result

    def on_root(self, fn):
        """Run ``fn`` in process 0 alone and give its result to every process (by broadcast)."""
        if self.size == 1:
            return fn()
        import torch.distributed as dist
        result, err = None, None
        if self.root:
            err, self.pending = self.pending, None
            if err is None:
                try:
                    result = fn()
                except Exception as e:
                    err = e
        box = [None if err is None else _describe(err), result if err is None else None]
        self._collective(dist.broadcast_object_list, box, src=0)
        if box[0] is not None:
            if self.root:
                raise err
            raise PeerFailed(f"stopped: process 0 failed: {box[0]}", quiet=True)
        return box[1]

    def root_io(self, fn) -> None:
        """Process 0 runs ``fn`` (a write) now; a failure stops every process at the next collective."""
        if self.size == 1:
            fn()
        elif self.root and self.pending is None:
            try:
                fn()
            except Exception as e:
                self.pending = e

    def shared(self, error: TinyscoreError) -> TinyscoreError:
        """An error every process found alike (the global loss diverged): process 0 reports it."""
        if self.root:
            return error
        return PeerFailed(f"stopped: {error}", quiet=True)

    # ------------------------------------------------------------------------ data parallelism
    def broadcast_model(self, model: torch.nn.Module) -> None:
        """Make every replica equal to process 0's (as DDP does when it wraps a module)."""
        if self.size == 1:
            return
        import torch.distributed as dist
        with torch.no_grad():
            for t in model.state_dict().values():
                self._collective(dist.broadcast, t, src=0)

    def rows(self, batch: int) -> tuple[int, int]:
        """This process's rows [lo, hi) of a global batch."""
        share = batch // self.size
        return self.rank * share, (self.rank + 1) * share

    def backward(self, loss_fn, model, x, sigma, gen) -> float:
        """Gradient of the mean loss over the global batch ``x`` into every ``p.grad`` of ``model``
        (set to None before); returns that mean loss. The network runs on this process's rows only."""
        import torch.distributed as dist
        B = x.shape[0]
        lo, hi = self.rows(B)
        params = list(model.parameters())
        err, self.pending = self.pending, None
        local = None
        if err is None:
            try:
                per_sample = loss_fn(RowsModel(model, lo, hi, B), x, sigma, gen)
                local = per_sample[lo:hi].sum() / B
                local.backward()
            except Exception as e:      # told to the others through the all-reduce, then settled
                err = e
        had = [p.grad is not None for p in params]
        tail = torch.stack([local.detach() if local is not None and err is None else x.new_zeros(()),
                            x.new_tensor(0.0 if err is None else 1.0)])
        flat = torch.cat([p.grad.reshape(-1) if p.grad is not None else p.new_zeros(p.numel()) for p in params]
                         + [tail.to(params[0].dtype)])
        self._collective(dist.all_reduce, flat)
        if flat[-1].item() > 0:
            self._settle(err)
            raise PeerFailed("a training process failed", quiet=not self.root)   # not reached: settle raised
        offset = 0
        for p, h in zip(params, had):
            n = p.numel()
            p.grad = flat[offset:offset + n].view_as(p) if h else None
            offset += n
        return flat[-2].item()


class RowsModel:
    """A model seen through rows [lo, hi) of a batch of B: ``denoise``/``score`` (and ``score_and_jvp``) run the network on
    those rows and return zeros (constants, no gradient) for the others.

    A loss handed this view draws its randomness for the whole batch, as in one process, and gives
    the single-process per-sample values on rows lo..hi-1; only those rows depend on the parameters.
    """

    def __init__(self, model, lo: int, hi: int, batch: int):
        self.model, self.lo, self.hi, self.batch = model, lo, hi, batch

    def _apply(self, fn, y, sigma, *per_row):
        if y.shape[0] != self.batch:
            raise TinyscoreError(f"data-parallel training: the loss evaluated the model on {y.shape[0]} rows, "
                                 f"not on the {self.batch} of the batch; it cannot be split over processes")
        if isinstance(sigma, torch.Tensor) and sigma.dim() > 0 and sigma.shape[0] == self.batch:
            sigma = sigma[self.lo:self.hi]
        out = fn(y[self.lo:self.hi], sigma, *(t[self.lo:self.hi] for t in per_row))
        return tuple(map(self._pad, out)) if isinstance(out, tuple) else self._pad(out)

    def _pad(self, out):
        rest = out.shape[1:]
        return torch.cat([out.new_zeros((self.lo, *rest)), out, out.new_zeros((self.batch - self.hi, *rest))])

    def denoise(self, y, sigma):
        return self._apply(self.model.denoise, y, sigma)

    def score(self, y, sigma):
        return self._apply(self.model.score, y, sigma)

    def direction(self, y, sigma):
        return self._apply(self.model.direction, y, sigma)

    def score_and_jvp(self, y, sigma, v):
        from tinyscore.core.ssm_paths import score_and_jvp
        return self._apply(lambda *a: score_and_jvp(self.model, *a), y, sigma, v)

    __call__ = denoise

    def __getattr__(self, name):
        value = getattr(self.model, name)
        if callable(value):
            raise AttributeError(f"data-parallel training hands the loss denoise, score, direction and score_and_jvp only, "
                                 f"not {name!r}")
        return value


def pick_local_device(device: str, local_rank: int) -> torch.device:
    """The device of one process: ``cuda:LOCAL_RANK`` for auto/cuda when CUDA is there, else the CPU."""
    if device in ("auto", "cuda"):
        if torch.cuda.is_available():
            if local_rank >= torch.cuda.device_count():
                raise TinyscoreError(f"process {local_rank} of this node has no GPU of its own "
                                     f"({torch.cuda.device_count()} visible); start at most that many per node")
            return torch.device("cuda", local_rank)
        if device == "cuda":
            raise TinyscoreError("device 'cuda' asked for, but no CUDA device is available")
        return torch.device("cpu")
    if device == "cpu":
        return torch.device("cpu")
    raise TinyscoreError(f"under torchrun pass --device auto, cuda or cpu (each process takes cuda:LOCAL_RANK), "
                         f"not {device!r}")


@contextlib.contextmanager
def join(device: str = "auto"):
    """The :class:`World` of this process: one process alone, or (under torchrun, WORLD_SIZE > 1)
    its place in the process group, which is started here (NCCL for CUDA, gloo for the CPU) and
    ended on leaving unless it was started by the caller. Processes other than 0 log errors only."""
    import torch.distributed as dist
    started_here = False
    if dist.is_available() and dist.is_initialized():
        rank, size = dist.get_rank(), dist.get_world_size()
    else:
        rank, size = int(os.environ.get("RANK", "0") or 0), env_world_size()
    if size == 1:
        yield World()
        return
    if not dist.is_available():
        raise TinyscoreError("this torch has no torch.distributed: run without torchrun")
    local_rank = int(os.environ.get("LOCAL_RANK", rank) or 0)
    dev = pick_local_device(str(device or "auto"), local_rank)
    if dev.type == "cuda":
        torch.cuda.set_device(dev)
    if not dist.is_initialized():
        dist.init_process_group("nccl" if dev.type == "cuda" else "gloo")
        started_here = True
        rank, size = dist.get_rank(), dist.get_world_size()
    quiet = rank != 0 and log.level < logging.ERROR
    level = log.level
    if quiet:
        log.setLevel(logging.ERROR)
    try:
        yield World(rank, size, dev)
    finally:
        if quiet:
            log.setLevel(level)
        if started_here:
            with contextlib.suppress(Exception):
                dist.destroy_process_group()
