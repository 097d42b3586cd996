"""Edited, corrupt or wrong run directories given as MODEL to trajectories, attractors and score-error.

Every case copies one tiny valid run (trained once for the module), damages the copy in one way
and checks the refusal contract of tests/clihelp.py: exit status 2, one stderr line ``error: ...``
naming the file and the field, no traceback, nothing written or changed.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch

import cli
from clihelp import assert_refused, run_cli
from tinyscore.errors import TinyscoreError
from tinyscore.storage.files import file_sha256
from tinyscore.storage.runs import load_checkpoint, load_run

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def base_run(tmp_path_factory):
    d = tmp_path_factory.mktemp("base")
    code = cli.main(["train", "--variant", "ncsn", "--steps", "5", "--n", "50", "--out", str(d / "run"),
                     "--no-progress", "--device", "cpu"])
    assert code == 0
    return d / "run"


@pytest.fixture
def run(base_run, tmp_path):
    """A fresh copy of the valid run, to damage."""
    dst = tmp_path / "run"
    shutil.copytree(base_run, dst, symlinks=True)
    return dst


def command(name, model, tmp_path, *extra):
    """The cheapest call of each analysis on MODEL."""
    model = str(model)
    if name == "trajectories":
        args = ["trajectories", model, "--out", tmp_path / "t.h5", "--probes", "8", "--path-substeps", "1",
                "--no-progress"]
    elif name == "attractors":
        args = ["attractors", model, "--starts", "8", "--test-starts", "8", "--iters", "2", "--eps", "0.1"]
    else:
        args = ["score-error", model, "--points", "50", "--bins", "2", "--sigmas", "1,0.1"]
    return [str(a) for a in [*args, "--device", "cpu", *extra]]


COMMANDS = ("trajectories", "attractors", "score-error")


# ----------------------------------------------------------------------- damaging a run
def options(**changes):
    """Edit fields of options.json (a value of ... removes the field)."""
    def edit(run):
        opts = json.loads((run / "options.json").read_text())
        for k, v in changes.items():
            if v is ...:
                opts.pop(k, None)
            else:
                opts[k] = v
        (run / "options.json").write_text(json.dumps(opts))
    return edit


def options_text(text):
    def edit(run):
        (run / "options.json").write_bytes(text if isinstance(text, bytes) else text.encode())
    return edit


def blob(fn):
    """Load model.pt (weights_only), let fn change the dict, save it back."""
    def edit(run):
        b = torch.load(run / "model.pt", weights_only=True)
        b = fn(b) or b
        torch.save(b, run / "model.pt")
    return edit


def config(**changes):
    """Edit fields of the checkpoint's config (``net_X`` edits net.X; a value of ... removes the field)."""
    def fn(b):
        cfg = json.loads(b["config_json"])
        for k, v in changes.items():
            target, key = (cfg.setdefault("net", {}), k[4:]) if k.startswith("net_") else (cfg, k)
            if v is ...:
                target.pop(key, None)
            else:
                target[key] = v
        b["config_json"] = json.dumps(cfg)
    return blob(fn)


def state(fn):
    def edit(b):
        fn(b["state_dict"])
    return blob(edit)


def set_field(key, value):
    def fn(b):
        b[key] = value
    return blob(fn)


def drop_field(key):
    def fn(b):
        del b[key]
    return blob(fn)


def model_file(fn):
    """Replace model.pt by what fn(path) makes of it."""
    def edit(run):
        p = run / "model.pt"
        fn(p)
    return edit


def _zip_of_text(p):
    p.unlink()
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("notes/hello.txt", "not a model")


def _directory(p):
    p.unlink()
    p.mkdir()
    (p / "data.pkl").write_text("x")


def _symlink_loop(p):
    p.unlink()
    os.symlink(p.name, p)                 # model.pt -> model.pt


def _truncate(p):
    data = p.read_bytes()
    p.write_bytes(data[:len(data) // 2])


class Evil:                               # a pickle that would run code if it were unpickled
    def __reduce__(self):
        return (os.system, ("echo unpickled >&2",))


def _pickle_protocol_4(p):
    torch.save({"format": "tinyscore.checkpoint", "x": Evil()}, p, pickle_protocol=4)


def _torchscript(p):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")           # torch.jit is deprecated, and says so
        torch.jit.save(torch.jit.script(torch.nn.Linear(2, 2)), p)


def _first_weight(sd):
    return next(k for k in sd if k.endswith("weight"))


CASES = [
    # options.json: not an object, fields missing, of the wrong type or range, a dataset that no longer loads
    ("opts-empty-object", options_text("{}"), "field 'variant' is missing"),
    ("opts-list", options_text("[1,2,3]"), "must hold a JSON object"),
    ("opts-string", options_text('"run"'), "must hold a JSON object"),
    ("opts-not-json", options_text('{"variant": "ncsn", '), "not valid JSON"),
    ("opts-not-utf8", options_text(b"\xff\xfe{\x00}"), "not valid JSON"),
    ("opts-deep-nesting", options_text("[" * 100000 + "]" * 100000), "not valid JSON"),
    ("opts-n-lots", options(n="lots"), "field 'n'"),
    ("opts-n-zero", options(n=0), "field 'n'"),
    ("opts-n-float", options(n=50.5), "field 'n'"),
    ("opts-n-bool", options(n=True), "field 'n'"),
    ("opts-n-missing", options(n=...), "field 'n' is missing"),
    ("opts-half-c", options(half="c"), "field 'half'"),
    ("opts-data-5", options(data=5), "field 'data'"),
    ("opts-data-empty", options(data=""), "field 'data'"),
    ("opts-data-nested-junk", options(data={"a": [1, {"b": None}], "c": "\n"}), "field 'data'"),
    ("opts-variant-nested-junk", options(variant=[["ncsn"]]), "field 'variant'"),
    ("opts-variant-unknown", options(variant="gan"), "field 'variant'"),
    ("opts-data-seed-negative", options(data_seed=-1), "field 'data_seed'"),
    ("opts-data-seed-string", options(data_seed="0"), "field 'data_seed'"),
    ("opts-resolution-string", options(resolution="big"), "field 'resolution'"),
    ("opts-seed-float", options(seed=1.5), "field 'seed'"),
    ("opts-seed-huge", options(seed=2 ** 70), "field 'seed'"),
    ("opts-data-gone", options(data="gone-mixture.json"), "field 'data'"),
    ("opts-data-gone-images", options(data="celeba:gone.h5"), "does not load"),
    ("opts-data-other-shape", options(data="hd-uniform"), "config field 'shape'"),
    ("opts-variant-disagrees", options(variant="ssm"), "config field 'variant'"),
    ("opts-missing", lambda r: (r / "options.json").unlink(), "no options.json"),
    ("opts-is-folder", lambda r: ((r / "options.json").unlink(), (r / "options.json").mkdir()), "is a folder"),
    # the checkpoint file itself
    ("ckpt-missing", lambda r: (r / "model.pt").unlink(), "does not exist"),
    ("ckpt-empty-file", model_file(lambda p: p.write_bytes(b"")), "empty file"),
    ("ckpt-text", model_file(lambda p: p.write_text("not a checkpoint")), "not a readable"),
    ("ckpt-truncated", model_file(_truncate), "not a readable"),
    ("ckpt-zip-of-text", model_file(_zip_of_text), "not a readable"),
    ("ckpt-is-folder", model_file(_directory), "is a folder"),
    ("ckpt-symlink-loop", model_file(_symlink_loop), "cannot be read"),
    ("ckpt-pickled-object", model_file(lambda p: torch.save({"format": "tinyscore.checkpoint", "x": Evil()}, p)),
     "not a readable"),
    ("ckpt-pickle-protocol-4", model_file(_pickle_protocol_4), "not a readable"),    # torch warns, then refuses
    ("ckpt-torchscript", model_file(_torchscript), "not a readable"),                # likewise
    ("ckpt-foreign-dict", model_file(lambda p: torch.save({"x": torch.zeros(2)}, p)), "not a tinyscore checkpoint"),
    ("ckpt-list", model_file(lambda p: torch.save([1, 2, 3], p)), "not a tinyscore checkpoint"),
    # its fields
    ("config-json-missing", drop_field("config_json"), "'config_json'"),
    ("config-json-not-string", set_field("config_json", {"variant": "ncsn"}), "'config_json' must be a JSON string"),
    ("config-json-not-json", set_field("config_json", "{variant: ncsn"), "'config_json' is not valid JSON"),
    ("config-json-list", set_field("config_json", "[1, 2]"), "'config_json' must hold a JSON object"),
    ("state-dict-missing", drop_field("state_dict"), "'state_dict'"),
    ("state-dict-list", set_field("state_dict", [torch.zeros(2)]), "'state_dict' must be a dict"),
    # the config
    ("config-arch-unknown", config(arch="transformer"), "config field 'arch'"),
    ("config-arch-missing", config(arch=...), "config field 'arch' is missing"),
    ("config-variant-unknown", config(variant="gan"), "config field 'variant'"),
    ("config-shape-string", config(shape="2"), "config field 'shape'"),
    ("config-shape-negative", config(shape=[-2]), "config field 'shape'"),
    ("config-shape-float", config(shape=[2.0]), "config field 'shape'"),
    ("config-shape-conv-of-vector", config(arch="conv"), "config field 'shape'"),
    ("config-shape-1e8", config(shape=[100_000_000]), "config field 'shape'"),
    ("config-shape-huge", config(shape=[10 ** 12]), "needs"),
    ("config-shape-astronomic", config(shape=[10 ** 400]), "needs"),
    ("config-sigma-data-nan", config(sigma_data=float("nan")), "config field 'sigma_data'"),
    ("config-sigma-data-negative", config(sigma_data=-1), "config field 'sigma_data'"),
    ("config-conditional-string", config(conditional="yes"), "config field 'conditional'"),
    ("config-net-list", config(net=[64]), "config field 'net'"),
    ("config-net-unknown-option", config(net_depth=3), "config field 'net.depth'"),
    ("config-net-width-negative", config(net_width=-64), "config field 'net.width'"),
    ("config-net-width-other", config(net_width=32), "has shape"),
    ("config-net-width-huge", config(net_width=10 ** 7), "needs"),
    ("config-blind", config(conditional=False), "has entry"),
    # the state dict against the network's own
    ("state-key-missing", state(lambda sd: sd.pop("net.out.bias")), "lacks entry 'net.out.bias'"),
    ("state-key-extra", state(lambda sd: sd.__setitem__("net.extra.weight", torch.zeros(3))), "has entry"),
    ("state-key-not-string", state(lambda sd: sd.__setitem__(7, torch.zeros(3))), "not a name"),
    ("state-wrong-shape", state(lambda sd: sd.__setitem__("net.inp.weight", torch.zeros(64, 3))), "has shape"),
    ("state-integer-tensor", state(lambda sd: sd.__setitem__("net.out.bias", torch.zeros(2, dtype=torch.int64))),
     "dtype int64"),
    ("state-complex-tensor", state(lambda sd: sd.__setitem__("net.out.bias", torch.zeros(2, dtype=torch.complex64))),
     "dtype complex64"),
    ("state-nan", state(lambda sd: sd[_first_weight(sd)].view(-1).__setitem__(0, float("nan"))), "NaN"),
    ("state-inf", state(lambda sd: sd["net.out.bias"].fill_(float("inf"))), "NaN or infinite"),
    ("state-not-tensor", state(lambda sd: sd.__setitem__("net.out.bias", [0.0, 0.0])), "must be a tensor"),
    ("state-sparse", state(lambda sd: sd.__setitem__("net.out.bias", torch.zeros(2).to_sparse())), "dense"),
]


@pytest.mark.parametrize("name", COMMANDS)
@pytest.mark.parametrize("damage, contains", [pytest.param(f, c, id=i) for i, f, c in CASES])
def test_damaged_run_is_refused_in_one_line(run, tmp_path, capsys, name, damage, contains):
    damage(run)
    line = assert_refused(command(name, run, tmp_path), capsys, watch=[tmp_path], contains=contains)
    assert "run" in line                         # names the run's file
    assert len(line) < 400


def test_messages_name_the_file_and_the_field(run, tmp_path, capsys):
    options(half="c")(run)
    line = assert_refused(command("trajectories", run, tmp_path), capsys, watch=[tmp_path])
    assert str(run / "options.json") in line and "'half'" in line and "'c'" in line


def test_checkpoint_messages_name_the_file_and_the_field(run, tmp_path, capsys):
    state(lambda sd: sd.__setitem__("net.inp.weight", torch.zeros(64, 3)))(run)
    line = assert_refused(command("score-error", run, tmp_path), capsys, watch=[tmp_path])
    assert str(run / "model.pt") in line and "'net.inp.weight'" in line and "(64, 2)" in line


def test_unpickling_never_runs_code(run, tmp_path, capfd):
    model_file(lambda p: torch.save({"format": "tinyscore.checkpoint", "x": Evil()}, p))(run)
    code = cli.main(command("attractors", run, tmp_path))
    out, err = capfd.readouterr()
    assert code == 2 and "unpickled" not in out + err


@pytest.mark.parametrize("damage", [_pickle_protocol_4, _torchscript])
def test_a_checkpoint_torch_warns_about_is_one_line_under_w_default(run, tmp_path, damage):
    """In a Python of its own with every warning shown: torch warns before it refuses these files
    (checked here, the oracle), and stderr must still be the one error line."""
    model_file(damage)(run)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(Exception):
            torch.load(run / "model.pt", weights_only=True)
    assert caught
    p = subprocess.run([sys.executable, "-W", "default", str(ROOT / "cli.py"), *command("score-error", run, tmp_path)],
                       cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert p.returncode == 2 and p.stderr.count("\n") == 1 and p.stderr.startswith("error: "), p.stderr
    assert "not a readable tinyscore checkpoint" in p.stderr and "unpickled" not in p.stdout + p.stderr


def test_huge_declared_network_is_refused_before_allocating(run):
    """load_checkpoint alone (no dataset to compare with): the size is checked on the meta device."""
    config(shape=[10 ** 9])(run)
    with pytest.raises(TinyscoreError, match="needs .* available"):
        load_checkpoint(run / "model.pt")


# ------------------------------------------------------------------------- bad MODEL specs
@pytest.fixture
def images(tmp_path):
    p = tmp_path / "faces.npy"
    np.save(p, np.random.default_rng(0).integers(0, 256, (30, 8, 8), dtype=np.uint8))
    return p


SPECS = [
    ("no-such-path", lambda t, i: ([str(t / "nowhere")], "does not exist")),
    ("a-file", lambda t, i: ([str(i)], "not a folder")),
    ("empty-folder", lambda t, i: ([str(t / "empty")], "no options.json")),
    ("empty-string", lambda t, i: ([""], "no MODEL")),
    ("analytic-on-images", lambda t, i: (["analytic", "--data", str(i)], "mixture")),
    ("empirical-n-zero", lambda t, i: (["empirical", "--n", "0"], "--n")),
    ("empirical-n-text", lambda t, i: (["empirical", "--n", "lots"], "--n")),
    ("empirical-data-missing", lambda t, i: (["empirical", "--data", str(t / "gone.json")], "does not exist")),
    ("empirical-data-seed-negative", lambda t, i: (["empirical", "--data-seed", "-1"], "--data-seed")),
    ("analytic-unknown-data", lambda t, i: (["analytic", "--data", "nonsense"], "unknown dataset")),
]


@pytest.mark.parametrize("name", COMMANDS)
@pytest.mark.parametrize("spec", [pytest.param(f, id=i) for i, f in SPECS])
def test_bad_model_spec_is_refused(tmp_path, images, capsys, name, spec):
    (tmp_path / "empty").mkdir()
    args, contains = spec(tmp_path, images)
    model, extra = args[0], args[1:]
    assert_refused(command(name, model, tmp_path, *extra), capsys, watch=[tmp_path], contains=contains)


def test_data_option_with_a_run_directory_is_refused(run, tmp_path, capsys):
    assert_refused(command("score-error", run, tmp_path, "--data", "spiral"), capsys, watch=[tmp_path],
                   contains="drop --data")


@pytest.mark.parametrize("name, option", [("trajectories", "--probe-seed"), ("attractors", "--seed")])
def test_negative_seed_is_refused(run, tmp_path, capsys, name, option):
    assert_refused(command(name, run, tmp_path, option, "-1"), capsys, watch=[tmp_path], contains=option)


# --------------------------------------------------------------------------- the valid run
def test_valid_run_works_in_all_three_commands(run, tmp_path, capsys):
    out = tmp_path / "t.h5"
    for name in COMMANDS:
        code, stdout, err = run_cli(command(name, run, tmp_path), capsys)
        assert code == 0, err
        assert "ncsn" in stdout
    assert out.is_file()
    model, opts, sha = load_run(run)
    assert sha == file_sha256(run / "model.pt") and opts["n"] == 50 and model.variant == "ncsn"


def test_checkpoint_in_float64_still_loads(run, tmp_path, capsys):
    """Any floating dtype of the right shape loads (into the network's float32)."""
    state(lambda sd: sd.update({k: v.double() for k, v in sd.items()}))(run)
    code, stdout, err = run_cli(command("score-error", run, tmp_path), capsys)
    assert code == 0, err


def test_unknown_extra_options_and_missing_optional_ones_are_fine(run, tmp_path, capsys):
    options(data_seed=..., resolution=None, future_option={"x": 1})(run)
    code, stdout, err = run_cli(command("attractors", run, tmp_path), capsys)
    assert code == 0, err
