"""Data-parallel training under torchrun: K processes train the model one process trains.

Each test starts ``python -m torch.distributed.run --nproc-per-node 2 --standalone`` (gloo on the
CPU, one thread per process) and compares with a single-process run of the same seed and batch.

Tolerance. The only difference between the two is the order in which float32 per-sample
gradients are summed (two halves of 16 rows all-reduced, against 32 rows at once). That perturbs
each gradient by a relative few 1e-7; Adam turns it into the same relative change of a step of
size at most lr = 2e-3, so after 20 steps the weights differ by round-off: measured at most
4.2e-7 (weights up to 2.1). Anything computed wrongly -- other rows, other noise or projections,
a gradient not all-reduced -- moves every weight by O(lr) = 1e-3 per step. ``atol = rtol = 1e-5``
sits 20x above the measured round-off and 100x below one wrong step. Adam is nearly blind to the
scale of the gradient (a sum over processes instead of a mean changes the model only through its
eps), so the gradient of one step is also compared directly, to 1e-5 of its largest component.
"""
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import torch

from tinyscore.data.datasets import load_dataset
from tinyscore.training.loop import train

ROOT = Path(__file__).resolve().parents[1]
ATOL = RTOL = 1e-5
SMALL = dict(n=64, batch_size=32, steps=20, save_every=10, seed=3)
VARIANTS = ("denoiser", "ncsn", "ssm")

pytestmark = pytest.mark.skipif(not torch.distributed.is_available() or not torch.distributed.is_gloo_available(),
                                reason="this torch has no torch.distributed with gloo")


def _env():
    env = {k: v for k, v in os.environ.items()
           if k not in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT")}
    return {**env, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")}


def torchrun(*args, cwd, timeout=240):
    """``torchrun --nproc-per-node 2`` of a script and its arguments (after ``--``: torchrun's own
    parser would take ``--n`` for an abbreviation of its ``--nnodes``)."""
    cmd = [sys.executable, "-m", "torch.distributed.run", "--nproc-per-node", "2", "--standalone", "--",
           *map(str, args)]
    return subprocess.run(cmd, cwd=cwd, env=_env(), capture_output=True, text=True, timeout=timeout)


def cli_args(variant, out, **kw):
    opts = {**SMALL, **kw}
    args = ["train", "--variant", variant, "--out", out, "--no-progress"]
    for k, v in opts.items():
        args += [f"--{k.replace('_', '-')}", v]
    return args


def state(run):
    return torch.load(Path(run) / "model.pt", weights_only=True)["state_dict"]


def assert_same_model(a, b):
    sa, sb = state(a), state(b)
    assert sa.keys() == sb.keys()
    worst = max((sa[k] - sb[k]).abs().max().item() for k in sa)
    print(f"max |difference| of the weights: {worst:.3g}")
    for k in sa:
        torch.testing.assert_close(sa[k], sb[k], rtol=RTOL, atol=ATOL, msg=lambda m: f"{k}: {m}")
    return worst


def losses(run):
    return [json.loads(line)["loss"] for line in (Path(run) / "stats.jsonl").read_text().splitlines()]


@pytest.fixture(scope="module")
def single(tmp_path_factory):
    """The single-process runs the torchrun runs must reproduce (same code path as the CLI's)."""
    root = tmp_path_factory.mktemp("single")
    dataset = load_dataset("uniform")
    for v in VARIANTS:
        train(dataset, root / v, progress=False, device="cpu", variant=v, **SMALL)
    return root


@pytest.mark.parametrize("variant", VARIANTS)
def test_two_processes_train_the_single_process_model(variant, single, tmp_path):
    runs = tmp_path / "runs"
    runs.mkdir()
    r = torchrun(ROOT / "cli.py", *cli_args(variant, runs / "dp"), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("trained ") == 1 and "(2 processes)" in r.stdout     # process 0 alone reports
    assert_same_model(runs / "dp", single / variant)
    np.testing.assert_allclose(losses(runs / "dp"), losses(single / variant), rtol=1e-5)
    # process 0 alone wrote, and left nothing but the run: no lock, partial run or temporary
    assert sorted(p.name for p in runs.iterdir()) == ["dp"]
    assert sorted(p.name for p in (runs / "dp").iterdir()) == ["model.pt", "options.json", "stats.jsonl"]
    opts = json.loads((runs / "dp" / "options.json").read_text())
    want = json.loads((single / variant / "options.json").read_text())
    assert opts["world_size"] == 2 and want["world_size"] == 1
    assert {**opts, "world_size": 1} == want


def test_torchrun_resumes_a_single_process_run(single, tmp_path, monkeypatch):
    """A run saved by one process (step 10 of 20) is finished by two: process 0 reads the state and
    sends it to the other; options.json then names 2 processes."""
    import tinyscore.training.loop as training
    runs = tmp_path / "runs"
    real = training.cosine_lr

    def crash_at_step_15(lr, step, total):
        if step == 14:
            raise OSError("simulated crash")
        return real(lr, step, total)
    monkeypatch.setattr(training, "cosine_lr", crash_at_step_15)
    with pytest.raises(OSError, match="simulated crash"):
        train(load_dataset("uniform"), runs / "r", progress=False, device="cpu", variant="ssm", **SMALL)
    monkeypatch.undo()
    assert (runs / ".r.tinyscore-partial" / "resume.pt").is_file()
    r = torchrun(ROOT / "cli.py", *cli_args("ssm", runs / "r"), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "resumed from step 10" in r.stdout and "saved by 1" in r.stderr
    assert_same_model(runs / "r", single / "ssm")
    np.testing.assert_allclose(losses(runs / "r"), losses(single / "ssm"), rtol=1e-5)
    assert json.loads((runs / "r" / "options.json").read_text())["world_size"] == 2
    assert sorted(p.name for p in runs.iterdir()) == ["r"]


def test_a_batch_the_processes_cannot_share_is_one_line(tmp_path):
    r = torchrun(ROOT / "cli.py", *cli_args("ssm", tmp_path / "odd", batch_size=31), cwd=tmp_path)
    assert r.returncode != 0
    ours = [line for line in r.stderr.splitlines() if line.startswith("error:")]
    assert ours == ["error: batch-size 31 is not divisible by the 2 training processes; "
                    "pick a multiple of the process count"], r.stderr
    assert "Traceback (most recent call last):\n  File \"" + str(ROOT) not in r.stderr
    assert not (tmp_path / "odd").exists()


HELPER = r'''
"""Run by torchrun with 2 processes: gradients of one step, failures, and who touches the output."""
import os
import sys
from pathlib import Path

import torch

from tinyscore.training import distributed, loop as training
from tinyscore.data.datasets import load_dataset
from tinyscore.errors import TinyscoreError
from tinyscore.core.models import ScoreModel, to_tensor
from tinyscore.core.objectives import make_loss, sample_sigma

runs, images = Path(sys.argv[1]), sys.argv[2]
CASES = [("uniform", "denoiser", {}), ("uniform", "ncsn", {}), ("uniform", "ssm", {}),
         ("uniform", "ssm", dict(ssm_vr=False, ssm_proj=2)),
         ("uniform", "ssm", dict(ssm_jvp="forward", ssm_proj=2)), (images, "ssm", {}), (images, "denoiser", {})]


def expect(fn, kind, text=""):
    try:
        fn()
    except kind as e:
        assert text in str(e), (kind, text, str(e))
        return e
    raise AssertionError(f"{kind.__name__} expected")


with distributed.join("cpu") as world:
    assert world.size == 2
    torch.set_num_threads(1)

    # 1. one step: the gradient and the loss of the global batch, and the generator left as by one process
    for data, variant, kw in CASES:
        dataset = load_dataset(data)
        torch.manual_seed(0)
        config = training.model_config(dataset, {"variant": variant, "conditional": None, "width": 8})
        model = ScoreModel(config)
        g = torch.Generator().manual_seed(1)
        with torch.no_grad():                # leave the zero-initialised last layer: every gradient non-zero
            for p in model.parameters():
                p.add_(0.1 * torch.randn(p.shape, generator=g))
        x = to_tensor(dataset.subset(min(32, dataset.half_size), "a"))
        loss_fn = make_loss(variant, **kw)
        gen = torch.Generator().manual_seed(7)
        idx = torch.randint(0, x.shape[0], (8 if data == images else 32,), generator=gen)
        sigma = sample_sigma(idx.shape[0], 0.01, 2.0, gen)
        before = gen.get_state()
        ref = loss_fn(model, x[idx], sigma, gen).mean()
        ref.backward()
        ref_grads, after = [p.grad.clone() for p in model.parameters()], gen.get_state()
        for p in model.parameters():
            p.grad = None
        gen.set_state(before)
        value = world.backward(loss_fn, model, x[idx], sigma, gen)
        assert torch.equal(gen.get_state(), after), (variant, kw, "the draws differ from one process's")
        scale = max(r.abs().max().item() for r in ref_grads)
        worst = max((p.grad - r).abs().max().item() for p, r in zip(model.parameters(), ref_grads))
        assert worst <= 1e-5 * scale, (data, variant, kw, worst, scale)
        assert abs(value - ref.item()) <= 1e-5 * abs(ref.item()), (variant, kw, value, ref.item())
        if world.rank == 0:
            print(f"gradient {data} {variant} {kw}: max |difference| {worst:.3g} of max |gradient| {scale:.3g}")

    # 2. a failure anywhere stops both processes at the same collective; process 0 reports it
    dataset = load_dataset("uniform")
    torch.manual_seed(0)
    model = ScoreModel(training.model_config(dataset, {"variant": "ncsn", "conditional": None}))
    x, sigma = to_tensor(dataset.subset(32, "a")), torch.full((32,), 0.5)
    dsm = make_loss("ncsn")

    def fails_on_process_1(m, x, sigma, gen):
        if m.lo > 0:
            raise ValueError("boom on process 1")
        return dsm(m, x, sigma, gen)
    e = expect(lambda: world.backward(fails_on_process_1, model, x, sigma, torch.Generator()), distributed.PeerFailed)
    assert e.quiet == (world.rank == 1) and ("process 1 of 2 failed: ValueError: boom on process 1" in str(e)
                                             if world.rank == 0 else True), str(e)

    def other_rows(m, x, sigma, gen):
        return m.score(x[:5], sigma[:5]).sum(1)
    expect(lambda: world.backward(other_rows, model, x, sigma, torch.Generator()),
           TinyscoreError if world.rank == 0 else distributed.PeerFailed, "" if world.rank else "cannot be split")

    def write_fails():
        raise OSError(28, "No space left on device", "somewhere")
    world.root_io(write_fails)                 # process 0's failed write stops both at the next step
    expect(lambda: world.backward(dsm, model, x, sigma, torch.Generator()),
           OSError if world.rank == 0 else distributed.PeerFailed)
    assert world.backward(dsm, model, x, sigma, torch.Generator()) > 0          # and the group still works

    # 3. process 1 never touches the output folder, and a refusal of process 0 stops both
    touched = []
    if world.rank == 1:
        root = os.path.realpath(runs)

        def audit(event, args):
            for a in args:
                if isinstance(a, (str, os.PathLike)) and os.fspath(a):
                    p = os.path.realpath(os.fspath(a))
                    if p == root or p.startswith(root + os.sep):
                        touched.append((event, p))
        sys.addaudithook(audit)
    kw = dict(progress=False, device="cpu", variant="ssm", n=64, batch_size=32, steps=12, save_every=5)
    training.train(dataset, runs / "run", **kw)
    e = expect(lambda: training.train(dataset, runs / "run", **kw), TinyscoreError,
               "exists already" if world.rank == 0 else "")
    assert isinstance(e, distributed.PeerFailed) == (world.rank == 1)
    assert touched == [], touched
    print(f"process {world.rank}: ok")
'''


def test_gradients_failures_and_who_writes(tmp_path):
    """One step's gradient equals one process's (every variant, SSM plain / forward-mode, the conv
    UNet); an exception in either process, or a failed write of process 0, stops both without a
    hang; process 1 opens nothing under the output folder (Python's audit hooks see every open)."""
    (tmp_path / "helper.py").write_text(textwrap.dedent(HELPER))
    pixels = np.random.default_rng(0).integers(0, 256, (96, 16, 16), dtype=np.uint8)
    np.save(tmp_path / "faces.npy", pixels)
    (tmp_path / "runs").mkdir()
    r = torchrun(tmp_path / "helper.py", tmp_path / "runs", tmp_path / "faces.npy", cwd=tmp_path)
    print(r.stdout)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "process 0: ok" in r.stdout and "process 1: ok" in r.stdout
    assert (tmp_path / "runs" / "run" / "model.pt").is_file()
    assert sorted(p.name for p in (tmp_path / "runs").iterdir()) == ["run"]
