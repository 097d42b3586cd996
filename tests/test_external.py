"""Models made elsewhere (tinyscore.external): published bias-free UNets, diffusers models, user code.

Oracles: the published layout fixtures (the authors' own network's outputs) and an independent
re-statement of that network here; diffusers' own forward pass and its scheduler's own x0
conversion; a user callable that wraps a tinyscore run must give exactly the run's trajectories.
User code that exits or forks, and files on which torch warns before refusing them, run the
command line in a Python of its own, so that its exit status and stderr are the ones a user sees.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import h5py
import numpy as np
import pytest
import torch
from torch import nn

import tinyscore as ts
from clihelp import assert_refused, run_cli
from tinyscore.errors import TinyscoreError
from tinyscore.storage.files import allow_replace
from tinyscore.external.kadkhodaie import unet_layout

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT.parent / "shared" / "fixtures" / "kadkhodaie"
NAMES = ("unet-k8-rf90", "unet-k8-rf45")


@pytest.fixture(autouse=True)
def one_thread():
    """One torch thread, as the commands use by default: small convolutions only lose by more."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def need_fixture(name):
    folder = FIXTURES / name
    if not (folder / "model.pt").is_file() or not (folder / "io.npz").is_file():
        pytest.skip(f"layout fixture {name} is absent (expected beside the repository, in shared/fixtures/kadkhodaie)")
    return folder


def sha256(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def save_images(path, n=40, size=80, seed=0):
    rng = np.random.default_rng(seed)
    np.save(path, (rng.random((n, size, size)) * 255).astype(np.uint8))
    return path


# ------------------------------------------------------------------ bias-free UNet (Kadkhodaie et al.)
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("prefix", [True, False])
def test_published_layout_reproduces_the_fixture(name, prefix, tmp_path):
    folder = need_fixture(name)
    state = torch.load(folder / "model.pt", weights_only=True)
    io = np.load(folder / "io.npz")
    bare = {k.removeprefix("module."): v for k, v in state.items()}
    path = tmp_path / "model.pt"
    torch.save({("module." + k if prefix else k): v for k, v in bare.items()}, path)
    model = ts.load_model(f"kadkhodaie:{path}")
    y, f = torch.from_numpy(io["y"]), io["f"]
    got = model.noise(y).numpy()
    assert np.linalg.norm(got - f) / np.linalg.norm(f) < 1e-5
    # D = y - f and s = (D - y) / sigma^2, through the public helpers (NumPy in, NumPy out)
    sigma = io["sigma"].astype(np.float64)
    np.testing.assert_allclose(ts.denoise(model, io["y"], torch.from_numpy(io["sigma"])), io["y"] - f, atol=1e-5)
    np.testing.assert_allclose(ts.score(model, io["y"][:1], float(sigma[0])), -f[:1] / sigma[0] ** 2,
                               rtol=1e-4, atol=1e-4 / sigma[0] ** 2)


@pytest.mark.parametrize("name", NAMES)
def test_the_folder_form_and_the_file_form_agree(name):
    folder = need_fixture(name)
    io = np.load(folder / "io.npz")
    a = ts.load_model(f"kadkhodaie:{folder}").noise(torch.from_numpy(io["y"]))
    b = ts.load_model(f"kadkhodaie:{folder / 'model.pt'}").noise(torch.from_numpy(io["y"]))
    assert torch.equal(a, b)


def test_layout_sizes_match_the_published_counts():
    def count(shapes, buffers=True):
        return sum(math.prod(s) for k, s in shapes.items() if buffers or not k.endswith("running_sd"))
    # the fixtures' README: parameters and buffers of the two layouts, 41 and 28 tensors
    rf90, rf45 = unet_layout(3, 8)[0], unet_layout(2, 8)[0]
    assert (len(rf90), count(rf90)) == (41, 120_432)
    assert (len(rf45), count(rf45)) == (28, 28_912)
    # the published CelebA models (64 kernels, RF 90): 7,659,264 trainable parameters
    assert count(unet_layout(3, 64)[0], buffers=False) == 7_659_264


class Reference(nn.Module):
    """The bias-free UNet restated from its description (not from tinyscore's code): torch names the
    tensors from this module structure, so the keys and their order are the original's."""

    class BN(nn.Module):
        def __init__(self, c):
            super().__init__()
            self.gammas = nn.Parameter(torch.empty(1, c, 1, 1).uniform_(0.75, 1.25))
            self.register_buffer("running_sd", torch.empty(1, c, 1, 1).uniform_(0.5, 1.0))

        def forward(self, x):
            return x / self.running_sd * self.gammas

    def __init__(self, blocks, K, C=1, k=3, enc=2, mid=2, dec=2):
        super().__init__()
        conv = lambda i, o: nn.Conv2d(i, o, k, padding=k // 2, bias=False)   # noqa: E731
        self.blocks = blocks
        self.encoder, self.decoder, self.upsample = nn.ModuleDict(), nn.ModuleDict(), nn.ModuleDict()
        for b in range(blocks):
            c = K * 2 ** b
            layers = [conv(C, K), nn.ReLU()] if b == 0 else []
            for i in range(1 if b == 0 else 0, enc):
                layers += [conv(c if i else c // 2, c), self.BN(c), nn.ReLU()]
            self.encoder[str(b)] = nn.Sequential(*layers)
        cm, layers = K * 2 ** blocks, []
        for i in range(mid):
            layers += [conv(cm if i else cm // 2, cm), self.BN(cm), nn.ReLU()]
        self.mid_block = nn.Sequential(*layers)
        for b in range(blocks - 1, -1, -1):
            c = K * 2 ** b
            self.upsample[str(b)] = nn.ConvTranspose2d(2 * c, c, 2, stride=2, bias=False)
            layers = []
            for i in range(dec - 1 if b == 0 else dec):
                layers += [conv(c if i else 2 * c, c), self.BN(c), nn.ReLU()]
            if b == 0:
                layers.append(conv(K, C))
            self.decoder[str(b)] = nn.Sequential(*layers)

    def forward(self, x):
        skips = []
        for b in range(self.blocks):
            skips.append(self.encoder[str(b)](x))
            x = nn.functional.avg_pool2d(skips[-1], 2)
        x = self.mid_block(x)
        for b in range(self.blocks - 1, -1, -1):
            x = self.decoder[str(b)](torch.cat([self.upsample[str(b)](x), skips[b]], 1))
        return x


@pytest.mark.parametrize("settings", [dict(blocks=1, K=4, enc=3, mid=1, dec=2),
                                      dict(blocks=2, K=4, C=3, k=5, enc=1, mid=2, dec=3)])
def test_other_bias_free_layouts_are_inferred(settings, tmp_path):
    torch.manual_seed(0)
    ref = Reference(**settings).eval()
    torch.save({"module." + k: v for k, v in ref.state_dict().items()}, tmp_path / "model.pt")
    model = ts.load_model(f"kadkhodaie:{tmp_path}")
    x = torch.rand(3, settings.get("C", 1), 16, 24)
    with torch.no_grad():
        want = ref(x)
    assert model.settings["blocks"] == settings["blocks"] and model.settings["kernel_size"] == settings.get("k", 3)
    assert torch.allclose(model.noise(x), want, rtol=1e-5, atol=1e-6)


def _rf45_state():
    torch.manual_seed(1)
    return Reference(2, 4).state_dict()


@pytest.mark.parametrize("edit, named", [
    (lambda s: s.update({"encoder.1.3.weight": torch.zeros(8, 8, 3, 5)}), "encoder.1.3.weight"),
    (lambda s: s.update({"mid_block.0.weight": torch.zeros(16, 4, 3, 3)}), "mid_block.0.weight"),
    (lambda s: s.update({"decoder.1.0.bias": torch.zeros(8)}), "decoder.1.0.bias"),
    (lambda s: s.pop("upsample.0.weight"), "upsample.0.weight"),
    (lambda s: s.update({"decoder.0.4.weight": torch.zeros(1, 4, 3, 3)}), "decoder.0.4.weight"),
])
def test_a_state_dict_that_fits_no_layout_names_its_first_misfit(edit, named, tmp_path):
    state = _rf45_state()
    edit(state)
    torch.save(state, tmp_path / "model.pt")
    with pytest.raises(TinyscoreError, match=named.replace(".", r"\.")) as e:
        ts.load_model(f"kadkhodaie:{tmp_path / 'model.pt'}")
    assert "\n" not in str(e.value)


def test_the_first_misfit_in_file_order_is_named(tmp_path):
    from tinyscore.core.models import ScoreModel
    state = ScoreModel({"variant": "ncsn", "arch": "conv", "shape": [1, 8, 8], "sigma_data": 0.3}).state_dict()
    torch.save(state, tmp_path / "other.pt")
    with pytest.raises(TinyscoreError) as e:
        ts.load_model(f"kadkhodaie:{tmp_path / 'other.pt'}")
    assert repr(next(iter(state))) in str(e.value)          # the first tensor of the file, not a later one
    two = _rf45_state()
    two["encoder.1.0.weight"] = torch.zeros(8, 3, 3, 3)
    two["decoder.1.3.weight"] = torch.zeros(8, 3, 3, 3)
    torch.save(two, tmp_path / "two.pt")
    with pytest.raises(TinyscoreError, match=r"'encoder\.1\.0\.weight'"):
        ts.load_model(f"kadkhodaie:{tmp_path / 'two.pt'}")


def test_published_model_trajectories_record_the_kind_and_diverge_with_a_tinyscore_model(tmp_path, capsys):
    folder = need_fixture("unet-k8-rf45")
    faces = save_images(tmp_path / "faces.npy")
    common = ["--data", faces, "--probes", "3", "--sigmas", "0.5,0.1", "--path-substeps", "1", "--no-progress"]
    code, _, err = run_cli(["trajectories", f"kadkhodaie:{folder}", "--out", tmp_path / "k.h5", *common], capsys)
    assert code == 0, err
    code, _, err = run_cli(["trajectories", "empirical", "--n", "5", "--out", tmp_path / "e.h5", *common], capsys)
    assert code == 0, err
    with h5py.File(tmp_path / "k.h5", "r") as f:
        assert f.attrs["model_kind"] == "kadkhodaie" and f.attrs["variant"] == "kadkhodaie"
        assert f.attrs["model_sha256"] == sha256(folder / "model.pt")
        assert f.attrs["n_train"] == 0 and f.attrs["half"] == ""
        y = f["probes/x0"][()] + 0.5 * f["probes/z"][()]
        onestep = f["onestep/denoised"][0]
    with h5py.File(tmp_path / "e.h5", "r") as f:
        assert f.attrs["model_kind"] == "empirical" and f.attrs["model_sha256"] == ""
    model = ts.load_model(f"kadkhodaie:{folder}")
    np.testing.assert_allclose(onestep, y - model.noise(torch.from_numpy(y)).numpy(), atol=1e-5)
    code, out, err = run_cli(["diverge", tmp_path / "k.h5", tmp_path / "e.h5", "--json", tmp_path / "d.json"],
                             capsys)
    assert code == 0, err
    assert "kadkhodaie on faces" in out
    assert len(json.loads((tmp_path / "d.json").read_text())["onestep"]) == 2


def test_bad_published_models_are_refused(tmp_path, capsys):
    faces = save_images(tmp_path / "faces.npy")
    odd = save_images(tmp_path / "odd.npy", size=10)
    torch.save(_rf45_state(), tmp_path / "ok.pt")
    from tinyscore.core.models import ScoreModel
    torch.save(ScoreModel({"variant": "ncsn", "arch": "mlp", "shape": [2], "sigma_data": 1.0}).state_dict(),
               tmp_path / "mlp.pt")
    (tmp_path / "text.pt").write_text("not a checkpoint")
    torch.save({"weights": [1, 2, 3]}, tmp_path / "list.pt")
    (tmp_path / "empty").mkdir()
    out = ["--out", tmp_path / "t.h5", "--probes", "2", "--no-progress"]
    cases = {
        "unknown prefix": (["trajectories", "kadkhodai:x.pt", *out, "--data", faces], "unknown kind"),
        "missing file": (["trajectories", f"kadkhodaie:{tmp_path / 'nope.pt'}", *out, "--data", faces],
                         "does not exist"),
        "folder without model.pt": (["trajectories", f"kadkhodaie:{tmp_path / 'empty'}", *out, "--data", faces],
                                    "model.pt"),
        "another architecture": (["trajectories", f"kadkhodaie:{tmp_path / 'mlp.pt'}", *out, "--data", faces],
                                 "net."),
        "not a torch file": (["trajectories", f"kadkhodaie:{tmp_path / 'text.pt'}", *out, "--data", faces],
                             "weights_only"),
        "not tensors": (["attractors", f"kadkhodaie:{tmp_path / 'list.pt'}", "--data", faces], "weights"),
        "no --data": (["trajectories", f"kadkhodaie:{tmp_path / 'ok.pt'}", *out], "--data"),
        "mixture data": (["trajectories", f"kadkhodaie:{tmp_path / 'ok.pt'}", *out, "--data", "uniform"],
                         "image"),
        "side not divisible": (["trajectories", f"kadkhodaie:{tmp_path / 'ok.pt'}", *out, "--data", odd],
                               "divide by 4"),
    }
    for name, (args, needle) in cases.items():
        assert_refused(args, capsys, watch=[tmp_path], contains=needle), name


# ------------------------------------------------------------------------------------- diffusers
def _tiny_diffusers(folder, prediction, channels=1, steps=1000, seed=0):
    diffusers = pytest.importorskip("diffusers", reason="diffusers is not installed (pip install 'tinyscore[diffusers]')")
    torch.manual_seed(seed)
    unet = diffusers.UNet2DModel(sample_size=8, in_channels=channels, out_channels=channels, layers_per_block=1,
                                 block_out_channels=(8, 16), down_block_types=("DownBlock2D", "DownBlock2D"),
                                 up_block_types=("UpBlock2D", "UpBlock2D"), norm_num_groups=4)
    with torch.no_grad():                      # a random, non-zero output layer (save_pretrained keeps it)
        unet.conv_out.weight.normal_(0, 0.3)
    sched = diffusers.DDPMScheduler(num_train_timesteps=steps, prediction_type=prediction, clip_sample=False)
    unet.save_pretrained(folder)
    sched.save_pretrained(folder)
    return unet.eval(), sched


@pytest.mark.parametrize("prediction", ["epsilon", "v_prediction", "sample"])
@pytest.mark.parametrize("channels", [1, 3])
def test_diffusers_denoise_at_training_steps_matches_diffusers_own_x0(prediction, channels, tmp_path):
    unet, sched = _tiny_diffusers(tmp_path, prediction, channels)
    model = ts.load_model(f"diffusers:{tmp_path}")
    abar = sched.alphas_cumprod.double()
    steps = [3, 120, 500, 940]
    sigma = torch.tensor([math.sqrt((1 - abar[t]) / abar[t]) / 2 for t in steps])   # tinyscore units: half
    y = torch.rand(len(steps), 1, 8, 8)
    want = []
    for i, t in enumerate(steps):
        x_t = (abar[t].sqrt() * (2 * y[i:i + 1].double() - 1)).float().repeat(1, channels, 1, 1)
        with torch.no_grad():
            out = unet(x_t, torch.tensor([t])).sample
        x0 = sched.step(out, t, x_t).pred_original_sample          # diffusers' own conversion to x0
        want.append((x0.mean(dim=1, keepdim=True) + 1) / 2)
    got = ts.denoise(model, y, sigma.float())
    assert torch.allclose(got, torch.cat(want), rtol=1e-4, atol=2e-5), (got - torch.cat(want)).abs().max()


@pytest.mark.parametrize("prediction", ["epsilon", "v_prediction", "sample"])
def test_diffusers_between_steps_uses_the_fractional_timestep(prediction, tmp_path):
    unet, sched = _tiny_diffusers(tmp_path, prediction, 3)
    model = ts.load_model(f"diffusers:{tmp_path}")
    abar = sched.alphas_cumprod.double()
    sig = torch.sqrt((1 - abar) / abar)
    t = torch.tensor([10, 200, 700])
    s_m = torch.sqrt(sig[t] * sig[t + 1])          # geometric midpoint: halfway in log sigma, so t + 1/2
    y = torch.rand(3, 1, 8, 8, dtype=torch.float64)
    a = 1 / (1 + s_m ** 2)                          # the exact abar of this sigma
    a4 = a.reshape(-1, 1, 1, 1)
    y_m = 2 * y - 1
    x_t = (a4.sqrt() * y_m).float().repeat(1, 3, 1, 1)
    with torch.no_grad():
        out = unet(x_t, (t + 0.5).float()).sample.double()
    x0 = {"epsilon": y_m - s_m.reshape(-1, 1, 1, 1) * out,
          "v_prediction": a4 * y_m - (1 - a4).sqrt() * out,
          "sample": out}[prediction]
    want = (x0.mean(dim=1, keepdim=True) + 1) / 2
    got = ts.denoise(model, y.float(), (s_m / 2).float())
    assert torch.allclose(got.double(), want, rtol=1e-4, atol=2e-5), (got - want).abs().max()
    score = ts.score(model, y.float(), (s_m / 2).float())
    assert torch.allclose(score.double(), (want - y) / (s_m / 2).reshape(-1, 1, 1, 1) ** 2, rtol=1e-3, atol=1e-3)


def test_diffusers_trajectories_record_the_model(tmp_path, capsys):
    model_dir = tmp_path / "unet"
    _tiny_diffusers(model_dir, "epsilon")
    small = save_images(tmp_path / "small.npy", size=8)
    code, _, err = run_cli(["trajectories", f"diffusers:{model_dir}", "--data", small, "--probes", "3",
                            "--sigmas", "0.5,0.1", "--path-substeps", "1", "--no-progress", "--out", tmp_path / "d.h5"],
                           capsys)
    assert code == 0, err
    with h5py.File(tmp_path / "d.h5", "r") as f:
        assert f.attrs["model_kind"] == "diffusers" and f.attrs["diffusers_prediction_type"] == "epsilon"
        assert f.attrs["diffusers_sigma_scale"] == 2.0
        digest = hashlib.sha256("".join(f"{p.name} {sha256(p)}\n" for p in (
            model_dir / "config.json", model_dir / "diffusion_pytorch_model.safetensors",
            model_dir / "scheduler_config.json")).encode()).hexdigest()
        assert f.attrs["model_sha256"] == digest
    big = save_images(tmp_path / "big.npy", size=16)
    assert_refused(["trajectories", f"diffusers:{model_dir}", "--data", big, "--out", tmp_path / "x.h5"], capsys,
                   watch=[tmp_path], contains="--resolution 8")


def test_bad_diffusers_folders_are_refused(tmp_path, capsys):
    """Checked before diffusers is imported, so these run without it."""
    small = save_images(tmp_path / "small.npy", size=8)
    noscheduler = tmp_path / "noscheduler"
    noscheduler.mkdir()
    (noscheduler / "config.json").write_text(json.dumps({"_class_name": "UNet2DModel", "sample_size": 8}))
    (noscheduler / "diffusion_pytorch_model.safetensors").write_bytes(b"\0" * 16)
    noweights = tmp_path / "noweights"
    noweights.mkdir()
    (noweights / "config.json").write_text("{}")
    out = ["--out", tmp_path / "t.h5", "--data", small]
    cases = {
        "no scheduler config": ([f"diffusers:{noscheduler}"], "scheduler config"),
        "missing folder": ([f"diffusers:{tmp_path / 'nope'}"], "does not exist"),
        "a file": ([f"diffusers:{small}"], "not a folder"),
        "no config": ([f"diffusers:{tmp_path}"], "config.json"),
        "no weights": ([f"diffusers:{noweights}"], "weights"),
    }
    for name, (args, needle) in cases.items():
        assert_refused(["trajectories", *args, *out], capsys, watch=[tmp_path], contains=needle), name


# -------------------------------------------------------------------------------- your own code
def test_a_user_callable_round_trips_through_trajectories_and_diverge(tmp_path, capsys):
    run = tmp_path / "run"
    code, _, err = run_cli(["train", "--variant", "ncsn", "--n", "50", "--steps", "5", "--no-progress",
                            "--out", run], capsys)
    assert code == 0, err
    (tmp_path / "mine.py").write_text(
        "import tinyscore\n\n"
        f"def make():\n    return tinyscore.load_model({str(run)!r})\n")
    common = ["--probes", "16", "--sigmas", "1,0.25,0.05", "--path-substeps", "2", "--no-progress"]
    code, _, err = run_cli(["trajectories", f"{tmp_path / 'mine.py'}:make", "--out", tmp_path / "u.h5", *common],
                           capsys)
    assert code == 0, err
    code, _, err = run_cli(["trajectories", run, "--out", tmp_path / "r.h5", *common], capsys)
    assert code == 0, err
    code, out, err = run_cli(["diverge", tmp_path / "u.h5", tmp_path / "r.h5", "--json", tmp_path / "d.json"], capsys)
    assert code == 0, err
    table = json.loads((tmp_path / "d.json").read_text())
    for row in table["onestep"] + table["path"]:
        assert row["l2_mean"] < 1e-6 and row["cosine_mean"] > 1 - 1e-6
    with h5py.File(tmp_path / "u.h5", "r") as f, h5py.File(tmp_path / "r.h5", "r") as g:
        assert f.attrs["model_kind"] == "python" and f.attrs["model_sha256"] == sha256(tmp_path / "mine.py")
        assert f.attrs["model_callable"] == "mine.py:make"
        assert g.attrs["model_kind"] == "run" and g.attrs["model_sha256"] == sha256(run / "model.pt")
    assert not (tmp_path / "__pycache__").exists()


def test_the_module_form_passes_the_device_and_uses_the_users_score(tmp_path, monkeypatch):
    (tmp_path / "shrinker_for_tinyscore_test.py").write_text(
        "import torch\n\n"
        "class Shrink:\n"
        "    shape = (2,)\n"
        "    def __init__(self, device):\n"
        "        self.device = device\n"
        "    def denoise(self, y, sigma):\n"
        "        return y / (1 + sigma[:, None] ** 2)\n"
        "    def score(self, y, sigma):\n"
        "        return torch.full_like(y, 7.0)\n")
    monkeypatch.chdir(tmp_path)                    # the current folder is searched for MODULE
    model = ts.load_model("python:shrinker_for_tinyscore_test:Shrink")
    assert model.obj.device == torch.device("cpu") and model.shape == (2,)
    y = np.array([[2.0, -4.0], [1.0, 1.0]], dtype=np.float32)
    np.testing.assert_allclose(ts.denoise(model, y, 1.0), y / 2)        # the optimal denoiser of N(0, I)
    np.testing.assert_allclose(ts.score(model, y, 1.0), np.full_like(y, 7.0))
    np.testing.assert_allclose(ts.denoise(model, y[0], 1.0), y[0] / 2)  # one point, as for any model
    result = ts.score_error("python:shrinker_for_tinyscore_test:Shrink", points=50, bins=1, sigmas="1")
    assert result["rows"][0]["relative"] > 0
    assert not (tmp_path / "__pycache__").exists()


BAD_USER_CODE = {
    "callable missing": ("def make():\n    pass\n", "other", "has no attribute 'other'"),
    "callable raising": ("def make():\n    raise ValueError('no weights here')\n", "make",
                         "make() raised ValueError: no weights here"),
    "import raising": ("raise RuntimeError('broken at import')\n", "make", "raised RuntimeError: broken at import"),
    "not callable": ("make = 3\n", "make", "not a callable"),
    "no denoise": ("def make():\n    return object()\n", "make", "no denoise"),
    "denoise raising": ("class M:\n    def denoise(self, y, s):\n        raise ValueError('bad sigma')\n"
                        "def make():\n    return M()\n", "make", "denoise(y, sigma) raised ValueError: bad sigma"),
    "wrong shape": ("class M:\n    def denoise(self, y, s):\n        return y[:, :1]\ndef make():\n    return M()\n",
                    "make", "shape"),
    "wrong dtype": ("class M:\n    def denoise(self, y, s):\n        return y.double()\ndef make():\n    return M()\n",
                    "make", "dtype float64"),
    "NaN": ("class M:\n    def denoise(self, y, s):\n        return y * float('nan')\ndef make():\n    return M()\n",
            "make", "NaN"),
    "not a tensor": ("class M:\n    def denoise(self, y, s):\n        return y.numpy()\ndef make():\n    return M()\n",
                     "make", "not a torch tensor"),
    "shape of other data": ("class M:\n    shape = (3,)\n    def denoise(self, y, s):\n        return y\n"
                            "def make():\n    return M()\n", "make", "(3,)"),
}


def test_bad_user_code_is_refused(tmp_path, capsys):
    for i, (name, (source, attr, needle)) in enumerate(BAD_USER_CODE.items()):
        (tmp_path / f"bad{i}.py").write_text(source)
        args = ["trajectories", f"{tmp_path / f'bad{i}.py'}:{attr}", "--out", tmp_path / "t.h5", "--probes", "4",
                "--no-progress"]
        assert_refused(args, capsys, watch=[tmp_path], contains=needle), name
    others = {
        "no such module": (["python:no_such_module_for_tinyscore:make"], "no module named"),
        "no callable named": ([f"{tmp_path / 'bad0.py'}"], "CALLABLE"),
        "missing file": ([f"{tmp_path / 'nope.py'}:make"], "does not exist"),
        "malformed": (["python:onlymodule"], "python:MODULE:CALLABLE"),
        "unknown prefix": (["torchhub:foo/bar"], "unknown kind"),
    }
    for name, (args, needle) in others.items():
        assert_refused(["trajectories", *args, "--out", tmp_path / "t.h5"], capsys, watch=[tmp_path],
                       contains=needle), name
    assert_refused(["attractors", f"{tmp_path / 'bad8.py'}:make", "--starts", "4", "--test-starts", "4",
                    "--no-progress"], capsys, watch=[tmp_path], contains="NaN")


# ------------------------------------------- user code cannot end the command early or run it twice
SHRINK = ("import os, sys, torch\n\n"
          "class Shrink:\n"
          "    shape = (2,)\n"
          "    def denoise(self, y, sigma):\n"
          "        return y / (1 + sigma[:, None] ** 2)\n\n")

QUITTERS = {    # source, the refusal's words: every way out of Python that user code can take
    "sys.exit at import": ("import sys\nsys.exit(0)\n" + SHRINK + "def make():\n    return Shrink()\n",
                           "called sys.exit(0)"),
    "exit() at import": ("exit()\n" + SHRINK + "def make():\n    return Shrink()\n", "called sys.exit("),
    "os._exit at import": ("import os\nos._exit(0)\n" + SHRINK + "def make():\n    return Shrink()\n",
                           "called os._exit(0)"),
    "posix._exit at import": ("import posix\nposix._exit(0)\n" + SHRINK + "def make():\n    return Shrink()\n",
                              "called os._exit(0)"),
    "sys.exit in the callable": (SHRINK + "def make():\n    sys.exit(0)\n", "make() called sys.exit(0)"),
    "os._exit in the callable": (SHRINK + "def make():\n    os._exit(0)\n", "make() called os._exit(0)"),
    "os._exit in denoise": (SHRINK + "class Quits(Shrink):\n    def denoise(self, y, sigma):\n        os._exit(0)\n\n"
                            "def make():\n    return Quits()\n", "denoise(y, sigma) called os._exit(0)"),
    "SystemExit in denoise": (SHRINK + "class Quits(Shrink):\n    def denoise(self, y, sigma):\n"
                              "        raise SystemExit(3)\n\ndef make():\n    return Quits()\n",
                              "denoise(y, sigma) called sys.exit(3)"),
}

#: runs the command line on each ARGS in one Python (one torch import for all): [exit code, stderr] per
#: command, as JSON on stdout -- which is never printed if user code ended the process
DRIVER = r"""
import contextlib, io, json, sys
sys.path.insert(0, sys.argv[1])
import cli
results = []
for args in json.loads(sys.argv[2]):
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = cli.main(args)
    results.append([code, err.getvalue()])
print(json.dumps(results))
"""


def cli_process(args, cwd, env=None):
    """cli.py in a Python of its own, every warning shown (-W default): (exit status, stdout, stderr)."""
    p = subprocess.run([sys.executable, "-W", "default", str(ROOT / "cli.py"), *map(str, args)], cwd=cwd, env=env,
                       capture_output=True, text=True, timeout=600)
    return p.returncode, p.stdout, p.stderr


def test_user_code_that_exits_is_refused_in_one_line(tmp_path):
    """In a process of its own: were os._exit(0) to get through, the process would end with status 0."""
    runs = []
    for i, (source, _) in enumerate(QUITTERS.values()):
        (tmp_path / f"quits{i}.py").write_text(source)
        runs.append(["trajectories", str(tmp_path / f"quits{i}.py") + ":make", "--out", str(tmp_path / "t.h5"),
                     "--probes", "4", "--sigmas", "1", "--path-substeps", "1", "--no-progress"])
    p = subprocess.run([sys.executable, "-c", DRIVER, str(ROOT), json.dumps(runs)], cwd=tmp_path,
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0 and p.stdout.strip(), f"the process ended early ({p.returncode}): {p.stderr[-2000:]}"
    results = json.loads(p.stdout.strip().splitlines()[-1])
    for (name, (_, needle)), (code, err) in zip(QUITTERS.items(), results):
        assert code == 2 and err.count("\n") == 1 and err.startswith("error: ") and needle in err, (name, code, err)
    assert not (tmp_path / "t.h5").exists()


def test_the_guard_restores_os_exit_and_spares_other_processes():
    from tinyscore.external.user_code import UserExit, user_code_runs
    before = os._exit
    with pytest.raises(UserExit):
        with user_code_runs():
            os._exit(5)
    assert os._exit is before
    with user_code_runs():          # a child of a fork in user code that exits by itself keeps its status
        pid = os.fork()
        if pid == 0:
            os._exit(7)
        _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 7 and os._exit is before


FORKS = {   # user code that forks: at import, or in denoise (once); the parent waits for the child and
            # writes the child's exit status to status.txt
    "at import": (SHRINK + "CHILD = os.fork()\n\n"
                  "def make():\n"
                  "    if CHILD:\n"
                  "        _, status = os.waitpid(CHILD, 0)\n"
                  "        open('status.txt', 'w').write(str(os.waitstatus_to_exitcode(status)))\n"
                  "    return Shrink()\n"),
    "in denoise": (SHRINK + "class Forks(Shrink):\n"
                   "    child = None\n"
                   "    def denoise(self, y, sigma):\n"
                   "        if Forks.child is None:\n"
                   "            Forks.child = os.fork()\n"
                   "        elif Forks.child:\n"
                   "            _, status = os.waitpid(Forks.child, 0)\n"
                   "            open('status.txt', 'w').write(str(os.waitstatus_to_exitcode(status)))\n"
                   "            Forks.child = 0\n"
                   "        return super().denoise(y, sigma)\n\n"
                   "def make():\n    return Forks()\n"),
}


@pytest.mark.parametrize("where", list(FORKS))
def test_user_code_that_forks_runs_the_command_once(where, tmp_path):
    (tmp_path / "forks.py").write_text(FORKS[where])
    code, out, err = cli_process(["trajectories", "forks.py:make", "--out", "t.h5", "--probes", "4", "--sigmas", "1,0.5",
                                  "--path-substeps", "1", "--no-progress"], tmp_path)
    assert code == 0, err
    assert out.count("wrote") == 1 and "error" not in err, (out, err)     # not twice, no second writer refused
    assert (tmp_path / "status.txt").read_text() == "2"          # the child ended as it came back into tinyscore
    with h5py.File(tmp_path / "t.h5", "r") as f:
        y = f["probes/x0"][()] + f["probes/z"][()]
        np.testing.assert_allclose(f["onestep/denoised"][0], y / 2, rtol=1e-6)     # sigma = 1: D = y / 2


# ------------------------------------------------------- a dependency's warnings never make a second line
class Payload:
    """A pickle that would run code if it were ever unpickled."""

    def __reduce__(self):
        return (os.system, ("echo unpickled >&2",))


def test_a_refused_file_is_one_line_even_when_torch_warns(tmp_path):
    torch.save({"encoder.0.0.weight": Payload()}, tmp_path / "protocol4.pt", pickle_protocol=4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")                               # torch.jit is deprecated, and says so
        torch.jit.save(torch.jit.script(nn.Linear(2, 2)), tmp_path / "script.pt")
    faces = save_images(tmp_path / "faces.npy", size=16)
    for name in ("protocol4.pt", "script.pt"):
        with warnings.catch_warnings(record=True) as caught:      # the oracle: torch itself warns on this file
            warnings.simplefilter("always")
            with pytest.raises(Exception):
                torch.load(tmp_path / name, weights_only=True)
        assert caught, name
        code, out, err = cli_process(["trajectories", f"kadkhodaie:{name}", "--data", faces, "--out", "t.h5"], tmp_path)
        assert code == 2 and err.count("\n") == 1 and err.startswith("error: ") and "weights_only" in err, err
        assert "unpickled" not in out + err and not (tmp_path / "t.h5").exists()


def test_help_says_that_user_code_runs(capsys):
    for command in ("trajectories", "attractors", "score-error"):
        code, out, _ = run_cli([command, "--help"], capsys)
        assert code == 0
        text = " ".join(out.split())
        assert "python:MODULE:CALLABLE" in text and "kadkhodaie:PATH" in text and "diffusers:PATH" in text
        assert "runs your code" in text


def test_readme_own_code_example_runs(tmp_path, monkeypatch, capsys):
    import re
    section = (ROOT / "README.md").read_text().split("## Your own models", 1)[1].split("\n## ", 1)[0]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    assert code.startswith("# shrink.py")
    (tmp_path / "shrink.py").write_text(code)
    monkeypatch.chdir(tmp_path)
    common = ["--probes", "8", "--sigmas", "1,0.1", "--path-substeps", "1", "--no-progress"]
    for model, out in (("shrink.py:make", "shrink.h5"), ("python:shrink:make", "again.h5"), ("analytic", "truth.h5")):
        code_, _, err = run_cli(["trajectories", model, "--out", out, *common], capsys)
        assert code_ == 0, err
    with h5py.File("shrink.h5", "r") as f:
        y = f["probes/x0"][()] + f["probes/z"][()]
        np.testing.assert_allclose(f["onestep/denoised"][0], y / 2, rtol=1e-6)    # sigma = 1: D = y / 2
    code_, out, err = run_cli(["diverge", "shrink.h5", "again.h5", "--json", "same.json"], capsys)
    assert code_ == 0, err                      # the file form and the module form are the same model
    assert all(row["l2_mean"] == 0 for row in json.loads(Path("same.json").read_text())["onestep"])
    code_, out, err = run_cli(["diverge", "shrink.h5", "truth.h5"], capsys)
    assert code_ == 0, err


# ------------------------------------------------------------- published pairs (tinyscore.analyses.published)
def published_models(tmp_path) -> Path:
    """Published pairs for N = 1 and 10 (N = 10: the same model on both halves), and N = 100 without its
    swapped half; returns the folder of the models."""
    torch.manual_seed(3)
    models = tmp_path / "denoisers" / "UNet" / "celeba_16x16"
    for name, ref in (("0to255_RF_set_size_1", Reference(2, 4)), ("0to255_RF_set_size_1_swapped", Reference(2, 4)),
                      ("0to255_RF_set_size_10", Reference(1, 4)), ("0to255_RF_set_size_10_swapped", None),
                      ("0to255_RF_set_size_100", Reference(1, 4))):
        (models / name).mkdir(parents=True)
        if ref is None:                       # the same model on both halves: they must agree exactly
            (models / name / "model.pt").write_bytes((models / "0to255_RF_set_size_10" / "model.pt").read_bytes())
        else:
            torch.save(ref.state_dict(), models / name / "model.pt")
    return models


def test_published_pairs_are_found_traced_and_compared(tmp_path, capsys, caplog):
    from tinyscore.analyses.published import find_pairs, study_published
    models = published_models(tmp_path)
    with caplog.at_level("WARNING", logger="tinyscore"):
        pairs = find_pairs(tmp_path)
    assert [p["n"] for p in pairs] == [1, 10]                       # N = 100 has no swapped half ...
    skipped = [r.getMessage() for r in caplog.records if "skipped" in r.getMessage()]
    assert skipped == [f"skipped {models / '0to255_RF_set_size_100'}: no 0to255_RF_set_size_100_swapped beside "
                       "it with a model.pt (the model of the other half)"]          # ... and is named, once
    faces = save_images(tmp_path / "faces.npy", size=16)
    out = tmp_path / "out"
    options = dict(probes=3, sigmas="0.5,0.1", path_substeps=1, progress=False, echo=lambda *a: None)
    summary = study_published(tmp_path / "denoisers", out, str(faces), **options)
    same = summary["pairs"][1]["diverge"]
    assert all(r["l2_mean"] == 0 and r["cosine_mean"] == 1 for r in same["onestep"] + same["path"])
    first = summary["pairs"][0]
    assert first["diverge"] == ts.diverge(first["trajectories_a"], first["trajectories_b"])
    assert first["diverge"]["onestep"][0]["l2_mean"] > 0
    assert json.loads((out / "published.json").read_text())["pairs"][0]["sha256_a"] == sha256(pairs[0]["a"])
    assert (out / "published.png").is_file()
    stamps = {p: p.stat().st_mtime_ns for p in (out / "trajectories").iterdir()}
    args = ["published", tmp_path / "denoisers", "--data", faces, "--out", out, "--probes", "3", "--sigmas", "0.5,0.1",
            "--path-substeps", "1", "--no-progress"]
    line = assert_refused(args, capsys, watch=[out], contains="published.json")     # without --force: nothing changes
    assert "--force" in line
    code, stdout, err = run_cli([*args, "--force"], capsys)
    assert code == 0, err
    assert "cos@0.1" in stdout and "wrote 2 pairs" in stdout
    assert {p: p.stat().st_mtime_ns for p in (out / "trajectories").iterdir()} == stamps     # resumed, not redone
    other = tmp_path / "other"                      # trajectory files of other probes are refused ...
    shutil.copytree(out / "trajectories", other / "trajectories")
    with pytest.raises(TinyscoreError, match="another model, data or probes.*--force"):
        study_published(tmp_path / "denoisers", other, str(faces), **{**options, "probes": 2})
    with allow_replace(True):                       # ... and written again under --force
        again = study_published(tmp_path / "denoisers", other, str(faces), **{**options, "probes": 2})
    assert again["settings"]["probes"] == 2 and json.loads((other / "published.json").read_text()) == again
    with pytest.raises(TinyscoreError, match="no pair"):
        find_pairs(models / "0to255_RF_set_size_100")
    torch.save({"conv.weight": torch.zeros(1)}, models / "0to255_RF_set_size_10_swapped" / "model.pt")
    with pytest.raises(TinyscoreError, match="conv.weight"):            # refused before anything is written
        study_published(tmp_path / "denoisers", tmp_path / "out2", str(faces), **options)
    assert not (tmp_path / "out2").exists()
