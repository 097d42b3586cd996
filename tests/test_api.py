"""The public API: README's library example runs as written, and the inference helpers keep types."""
import re
from pathlib import Path

import numpy as np
import torch

import tinyscore as ts

ROOT = Path(__file__).resolve().parents[1]


def test_readme_library_example_runs(tmp_path, monkeypatch, capsys):
    text = (ROOT / "README.md").read_text()
    section = text.split("## Use as a library", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md (Use as a library)", "exec"), {})
    out = capsys.readouterr().out
    err = float(re.search(r"relative score error at sigma = 0.5: ([0-9.]+)", out).group(1))
    assert err < 0.5                                     # a 200-step model already points the right way
    cosines = [float(v) for v in re.findall(r"directions (-?[0-9.]+)", out)]
    assert len(cosines) == 5 and all(-1 <= c <= 1 for c in cosines)
    assert (tmp_path / "runs" / "lib-a" / "model.pt").is_file()


def test_public_names_and_lazy_import():
    assert set(ts.__all__) >= {"load_model", "train", "denoise", "score", "write_trajectories", "diverge"}
    for name in ts.__all__:
        assert getattr(ts, name) is not None
    assert ts.denoise.__doc__ and ts.score.__doc__ and ts.load_model.__doc__


def test_inference_helpers_match_the_analytic_oracle_and_keep_types():
    model = ts.load_model("analytic")
    mix = ts.load_mixture("uniform")
    y = np.random.default_rng(1).standard_normal((7, 2)) * 2
    # NumPy in, NumPy out, equal to the mixture's exact float64 score (computed in float32 here)
    np.testing.assert_allclose(ts.score(model, y, 0.3), mix.score(y.astype(np.float32).astype(np.float64), 0.3),
                               rtol=1e-4, atol=1e-4)
    one = ts.denoise(model, y[0], 0.3)
    assert one.shape == (2,) and isinstance(one, np.ndarray)
    yt = torch.tensor(y, dtype=torch.float32, requires_grad=True)
    out = ts.denoise(model, yt, 0.3)
    assert isinstance(out, torch.Tensor) and not out.requires_grad


def test_no_public_name_shadows_a_submodule():
    """`from tinyscore import attractors` must stay the module: no API function may take a module's name."""
    modules = {p.stem for p in (ROOT / "tinyscore").glob("*.py")} | {p.parent.name for p in (ROOT / "tinyscore").glob("*/__init__.py")}
    assert not set(ts.__all__) & modules
