"""One source of configuration: what the library, the command line and the study share is written out
only in ``tinyscore.config``, and each of them reads it from there.

* the analysis sigmas and attractor eps: every command's ``--sigmas`` / ``--eps`` and every library
  function's ``sigmas`` / ``eps`` default is that value (so ``--help`` still prints the numbers);
* the variants, which of them is sigma-blind, and one check of a variant's name (:func:`check_variant`);
* the defaults of a training run: the ``train`` command's options show ``TRAIN_DEFAULTS``, and the
  training loop reads the same dict;
* the study's scales: ``tinyscore.study.grid.SCALES`` is ``STUDY_SCALES`` with the datasets filled in,
  and ``reproduce --scale`` offers exactly those scales.

The source scans at the end can fail: each is first shown to find a planted copy."""

import ast
import inspect
from pathlib import Path

import click
import pytest

import cli
from tinyscore import api, config
from tinyscore.analyses import accuracy, attractors, published, trajectories
from tinyscore.core import dynamics
from tinyscore.core.models import ScoreModel
from tinyscore.errors import TinyscoreError
from tinyscore.study import grid
from tinyscore.training import loop

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [ROOT / "cli.py", *sorted((ROOT / "tinyscore").rglob("*.py")), *sorted((ROOT / "kernels").rglob("*.py"))]
#: train options whose command-line spelling differs from the run option they set
CLI_NAMES = {"ssm_objective": "ssm_vr", "ssm_projection": "ssm_kind", "ssm_projections": "ssm_proj"}


def _commands(group):
    for command in group.commands.values():
        yield from _commands(command) if isinstance(command, click.Group) else [command]


def _option(command: str, name: str) -> click.Parameter:
    return next(p for p in cli.cli.commands[command].params if p.name == name)


# ------------------------------------------------------------------------------ the analysis defaults
def test_cli_options_show_the_shared_defaults():
    expected = {"sigmas": config.ANALYSIS_SIGMAS, "eps": config.ATTRACTOR_EPS_TEXT}
    seen = set()
    for command in _commands(cli.cli):
        for param in command.params:
            if param.name in expected:
                assert param.default == expected[param.name], (command.name, param.name)
                assert param.show_default, (command.name, param.name)
                seen.add((command.name, param.name))
    assert {("trajectories", "sigmas"), ("score-error", "sigmas"), ("published", "sigmas"),
            ("attractors", "eps")} <= seen


def test_help_prints_the_values(capsys):
    assert cli.main(["trajectories", "--help"]) == 0
    assert config.ANALYSIS_SIGMAS in " ".join(capsys.readouterr().out.split())
    assert cli.main(["attractors", "--help"]) == 0
    assert config.ATTRACTOR_EPS_TEXT in " ".join(capsys.readouterr().out.split())
    assert cli.main(["train", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert f"[default: {config.TRAIN_DEFAULTS['steps']};" in text and f"[default: {config.TRAIN_DEFAULTS['lr']:g};" in text
    assert f"{config.BATCH_SIZE['vector']} for vectors, {config.BATCH_SIZE['image']} for images" in text


def test_library_functions_use_the_shared_defaults():
    for fn in (api.score_error, accuracy.score_error_by_density, trajectories.write_model_trajectories,
               published.study_published):
        assert inspect.signature(fn).parameters["sigmas"].default == config.ANALYSIS_SIGMAS, fn.__name__
    assert inspect.signature(api.run_attractors).parameters["eps"].default == config.ATTRACTOR_EPS_TEXT
    assert attractors.DEFAULT_EPS == config.ATTRACTOR_EPS
    assert attractors.parse_eps(config.ATTRACTOR_EPS_TEXT) == config.ATTRACTOR_EPS
    assert dynamics.DEFAULT_SIGMAS == dynamics.parse_sigmas(config.ANALYSIS_SIGMAS) == (1, 0.5, 0.25, 0.1, 0.05)


# ------------------------------------------------------------------------------ the training defaults
def test_the_train_command_shows_the_training_defaults():
    params = {p.name: p for p in cli.cli.commands["train"].params}
    checked = set()
    for name, param in params.items():
        key = CLI_NAMES.get(name, name)
        if key not in config.TRAIN_DEFAULTS:
            continue
        want = config.TRAIN_DEFAULTS[key]
        got = param.default if name != "ssm_objective" else param.default == "vr"
        assert got == want and type(got) is type(want), (name, got, want)
        if want is not None and not isinstance(want, bool):
            assert param.show_default, name
        checked.add(key)
    assert set(config.TRAIN_DEFAULTS) - checked == {"log_every"}      # every other option is on the command line
    assert list(params["variant"].type.choices) == list(config.VARIANTS)
    assert list(params["precision"].type.choices) == list(config.PRECISIONS)


def test_the_library_trains_with_the_same_defaults():
    assert loop.DEFAULTS is config.TRAIN_DEFAULTS
    for fn in (api.load_model, trajectories.resolve_model, trajectories.write_model_trajectories):
        signature = inspect.signature(fn).parameters
        assert (signature["n"].default, signature["half"].default) == (config.TRAIN_DEFAULTS["n"],
                                                                       config.TRAIN_DEFAULTS["half"]), fn.__name__


# ------------------------------------------------------------------------------ the variants
@pytest.mark.parametrize("variant", config.VARIANTS)
def test_check_variant_accepts_the_variants(variant):
    assert config.check_variant(variant) == variant


@pytest.mark.parametrize("bad", ["gan", "", "Denoiser", None, 3, ["ncsn"], "ssm\n"])
def test_check_variant_refuses_anything_else_in_one_line(bad):
    with pytest.raises(TinyscoreError) as e:
        config.check_variant(bad, "field 'variant'")
    msg = str(e.value)
    assert "\n" not in msg and msg.startswith("field 'variant' must be one of denoiser, ncsn, ssm, got ")


def test_every_reader_of_a_variant_uses_the_one_check():
    cfg = {"arch": "mlp", "shape": [2], "sigma_data": 0.5}
    with pytest.raises(TinyscoreError, match="config field 'variant' must be one of"):
        ScoreModel({**cfg, "variant": "gan"})
    with pytest.raises(TinyscoreError, match="each of --variants must be one of"):
        grid.make_spec(ROOT / "no-such-study", "smoke", variants=["gan"])
    with pytest.raises(TinyscoreError, match="variant must be one of"):
        api.train(ROOT / "no-such-run", variant="gan", steps=1)
    assert not (ROOT / "no-such-run").exists()


def test_the_blind_variant_is_blind_unless_told_otherwise():
    assert config.BLIND_VARIANT in config.VARIANTS
    for v in config.VARIANTS:
        assert config.is_conditional(v) == (v != config.BLIND_VARIANT)
        assert config.is_conditional(v, True) and not config.is_conditional(v, False)
        model = ScoreModel({"arch": "mlp", "shape": [2], "sigma_data": 0.5, "variant": v})
        assert model.conditional == config.is_conditional(v) == (model.net.embed is not None)


# ------------------------------------------------------------------------------ the study's scales
def test_the_study_reads_its_scales_from_the_configuration():
    assert list(grid.SCALES) == list(config.STUDY_SCALES)
    assert list(_option("reproduce", "scale").type.choices) == list(config.STUDY_SCALES)
    for name, settings in config.STUDY_SCALES.items():
        derived = grid.SCALES[name]
        assert derived["datasets"] == (settings["datasets"] or grid.ALL_DATASETS)
        assert {k: v for k, v in derived.items() if k != "datasets"} == {k: v for k, v in settings.items()
                                                                          if k != "datasets"}


# ------------------------------------------------------------------------------ nothing written out twice
def _literals(tree):
    """(line, value) of each string constant (spaces removed) and each tuple or list of constants."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value.replace(" ", "")
        elif isinstance(node, (ast.Tuple, ast.List)) and node.elts and all(isinstance(e, ast.Constant)
                                                                           for e in node.elts):
            yield node.lineno, tuple(e.value for e in node.elts)


def _defaults(tree):
    """(line, name, value) of each constant given as a default: a parameter's default, a click option's
    default (named by its flag: --save-every -> save_every), and the entries of a ``dict(...)`` that gives
    three or more options their training defaults (a copy of the table)."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            args = node.args.posonlyargs + node.args.args
            pairs = list(zip(args[len(args) - len(node.args.defaults):], node.args.defaults))
            pairs += [(a, d) for a, d in zip(node.args.kwonlyargs, node.args.kw_defaults) if d is not None]
            yield from ((d.lineno, a.arg, d.value) for a, d in pairs if isinstance(d, ast.Constant))
        elif isinstance(node, ast.Call):
            flag = node.args[0].value if node.args and isinstance(node.args[0], ast.Constant) else None
            if isinstance(flag, str) and flag.startswith("--"):
                name = flag[2:].split("/")[0].replace("-", "_")
                yield from ((kw.value.lineno, CLI_NAMES.get(name, name), kw.value.value) for kw in node.keywords
                            if kw.arg == "default" and isinstance(kw.value, ast.Constant))
            elif getattr(node.func, "id", None) == "dict":
                same = [(kw.value.lineno, kw.arg, kw.value.value) for kw in node.keywords
                        if isinstance(kw.value, ast.Constant) and config.TRAIN_DEFAULTS.get(kw.arg, ...) == kw.value.value]
                yield from (same if len(same) >= 3 else [])


def _sigma_blind_rules(tree):
    """Lines that decide sigma-blindness from a variant's name: a comparison with the blind variant's
    name given as ``conditional`` (a keyword, a dict entry, an assignment, a ``get`` default) or as the
    flag of a backbone."""
    def names_blind(node):
        return any(isinstance(n, ast.Constant) and n.value == config.BLIND_VARIANT for n in ast.walk(node)
                   if isinstance(node, ast.Compare) or isinstance(n, ast.Constant))

    def compares(node):
        return any(isinstance(c, ast.Compare) and names_blind(c) for c in ast.walk(node))
    for node in ast.walk(tree):
        values = []
        if isinstance(node, ast.keyword) and node.arg == "conditional":
            values = [node.value]
        elif isinstance(node, ast.Dict):
            values = [v for k, v in zip(node.keys, node.values) if isinstance(k, ast.Constant) and k.value == "conditional"]
        elif isinstance(node, ast.Assign) and any(getattr(t, "id", getattr(t, "attr", None)) == "conditional"
                                                  for t in node.targets):
            values = [node.value]
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                "backbone_parameters", "build_backbone", "mlp_parameters", "conv_unet_parameters", "get"):
            values = node.args[1:] + [k.value for k in node.keywords]
        yield from (v.lineno for v in values if compares(v))


def _copies(path: Path, tree) -> list[str]:
    """What ``path`` writes out again of tinyscore.config, one readable line each."""
    found = []
    joined = ",".join(config.VARIANTS)
    sigmas, eps = config.ANALYSIS_SIGMAS, config.ATTRACTOR_EPS
    analysis = {sigmas, config.ATTRACTOR_EPS_TEXT, eps, tuple(float(s) for s in sigmas.split(","))}
    scales = tuple(config.STUDY_SCALES)
    for line, value in _literals(tree):
        if value == tuple(config.VARIANTS) or (isinstance(value, str) and joined in value):
            found.append(f"line {line}: the variants {value!r}")
        elif value in analysis:
            found.append(f"line {line}: the analysis value {value!r}")
        elif value == scales:
            found.append(f"line {line}: the study's scales {value!r}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict) and {getattr(k, "value", None) for k in node.keys} >= set(scales):
            found.append(f"line {node.lineno}: a table of the study's scales")
    # a training default given again under its own name (values too common to tell apart are left out:
    # None, booleans, 0 and 1, and half "a", the first of the two halves wherever a half is chosen)
    distinctive = {k: v for k, v in config.TRAIN_DEFAULTS.items() if v not in (None, True, False, 0, 1) and k != "half"}
    for line, name, value in _defaults(tree):
        if name in distinctive and value == distinctive[name] and type(value) is type(distinctive[name]):
            found.append(f"line {line}: {name}={value!r} (tinyscore.config.TRAIN_DEFAULTS)")
    found += [f"line {line}: the sigma-blind rule (tinyscore.config.is_conditional)" for line in _sigma_blind_rules(tree)]
    return found


PLANTED = '''
VARIANTS = ("denoiser", "ncsn", "ssm")
HELP = "one of denoiser, ncsn, ssm"
SIGMAS = "1, 0.5, 0.25, 0.1, 0.05"
SCALES = {"smoke": 1, "small": 2, "medium": 3, "decisive": 4, "paper": 5}
def resolve(spec, n=1000, half="a", lr=2e-3): ...
option = click.option("--steps", default=1500), dict(data="uniform", sigma_min=0.01, save_every=200)
option = click.option("--ssm-projection", default="rademacher")
config = {"conditional": variant != "denoiser"}
conditional = opts["conditional"] if opts.get("conditional") is not None else opts["variant"] != "denoiser"
self.conditional = bool(config.get("conditional", self.variant != "denoiser"))
params = backbone_parameters(arch, shape, v != "denoiser", **net)
'''


def test_the_scan_finds_planted_copies():
    found = _copies(Path("planted.py"), ast.parse(PLANTED))
    lines = sorted({int(f.split(":")[0].split()[1]) for f in found})
    assert lines == list(range(2, 13)), found
    assert any("n=1000" in f for f in found) and any("lr=0.002" in f for f in found)
    assert any("steps=1500" in f for f in found) and any("ssm_kind='rademacher'" in f for f in found)
    assert any("save_every=200" in f for f in found) and not any("half=" in f for f in found)


def test_the_configuration_is_written_out_once():
    again = [f"{path.relative_to(ROOT)} {where}" for path in SOURCES if path.name != "config.py"
             for where in _copies(path, ast.parse(path.read_text(encoding="utf-8")))]
    assert not again, "written out again (read it from tinyscore.config):\n" + "\n".join(again)


def test_the_configuration_imports_nothing_heavy():
    tree = ast.parse((ROOT / "tinyscore" / "config.py").read_text(encoding="utf-8"))
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert imported <= {"tinyscore.errors", "__future__"}, imported
