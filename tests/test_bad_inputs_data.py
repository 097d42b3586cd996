"""Bad data through the command line: images, arrays, mixture files, declared sizes, dataset specs.

Every case runs ``cli.py train`` in-process on a small bad input and checks the refusal contract of
``clihelp.assert_refused``: exit status 2, one ``error:`` line naming the problem, no traceback,
nothing written. The positive tests beside them check the values that good inputs load to (16-bit
PNGs, transparency, palettes, every array dtype), computed by hand from the arrays written.
"""
from __future__ import annotations

import json
import os
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from clihelp import assert_refused, run_cli
from tinyscore.data import images as I
from tinyscore.data.datasets import load_dataset
from tinyscore.errors import TinyscoreError
from tinyscore.storage.mixture_files import load_mixture
from tinyscore.core.nets import MLPUNet, backbone_parameters, build_backbone
from tinyscore.core.unet import ConvUNet

OLIVETTI = Path(__file__).resolve().parents[2] / "shared" / "data" / "olivetti" / "olivetti_faces_uint8.npy"


def ramp(n=4, size=8, seed=0):
    """n different smooth uint8 images (size x size)."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:size, 0:size]
    return np.stack([(40 + 20 * k + 9 * xx + 5 * yy + rng.integers(0, 3, (size, size))).astype(np.uint8)
                     for k in range(n)])


def save_pngs(folder, arrays, names=None):
    folder.mkdir(parents=True, exist_ok=True)
    for k, a in enumerate(arrays):
        Image.fromarray(a).save(folder / (names[k] if names else f"{k:03d}.png"))
    return folder


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def forged_png(width, height) -> bytes:
    """A tiny PNG whose header declares width x height 8-bit gray pixels."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", zlib.compress(b"\0" * 16))
            + png_chunk(b"IEND", b""))


def npy_header_only(path, shape, descr="|u1"):
    """An .npy file whose header declares ``shape`` but holds no data."""
    with open(path, "wb") as f:
        np.lib.format.write_array_header_1_0(f, {"descr": descr, "fortran_order": False, "shape": shape})


def mixture(**over):
    d = {"weights": [0.5, 0.5], "means": [[0, 0], [2, 2]], "covs": [0.5, 0.5]}
    d.update(over)
    return d


# --------------------------------------------------------------------------- bad inputs, by kind
# Each maker writes the bad input under tmp and returns (--data spec, extra CLI args).

def _folder(tmp, arrays, **kw):
    return str(save_pngs(tmp / "pics", arrays, **kw)), []


def _empty_folder(tmp):
    (tmp / "pics").mkdir()
    (tmp / "pics" / "notes.txt").write_text("no images here")
    return str(tmp / "pics"), []


def _only_corrupt(tmp):
    d = tmp / "pics"
    d.mkdir()
    (d / "a.png").write_bytes(b"\x89PNG\r\n\x1a\n broken")
    good = tmp / "good.png"
    Image.fromarray(ramp(1, 16)[0]).save(good)
    (d / "b.png").write_bytes(good.read_bytes()[:60])          # truncated
    good.unlink()
    (d / "c.jpg").write_bytes(b"not a jpeg at all")
    return str(d), []


def _bomb(tmp):
    d = save_pngs(tmp / "pics", ramp(3))
    (d / "zz_bomb.png").write_bytes(forged_png(100_000, 100_000))
    return str(d), []


def _float_tiff_out_of_range(tmp):
    d = tmp / "pics"
    d.mkdir()
    for k in range(3):
        Image.fromarray(np.full((8, 8), 100.0 + k, np.float32)).save(d / f"{k}.tif")
    return str(d), []


def _npy(tmp, array, name="x.npy"):
    np.save(tmp / name, array)
    return str(tmp / name), []


def _raw(tmp, name, data: bytes):
    (tmp / name).write_bytes(data)
    return str(tmp / name), []


def _huge_npy(tmp):
    npy_header_only(tmp / "huge.npy", (10 ** 6, 10 ** 4, 10 ** 5))          # 10^15 bytes declared
    return str(tmp / "huge.npy"), []


def _truncated_npy(tmp):
    np.save(tmp / "t.npy", np.random.default_rng(0).random((10, 8, 8), dtype=np.float32))
    data = (tmp / "t.npy").read_bytes()
    (tmp / "t.npy").write_bytes(data[:len(data) - 100])
    return str(tmp / "t.npy"), []


def _nan_npy(tmp):
    a = np.random.default_rng(0).random((5, 8, 8), dtype=np.float32)
    a[3, 2, 1] = np.nan
    return _npy(tmp, a)


def _inf_npy(tmp):
    a = np.random.default_rng(0).random((5, 8, 8))
    a[0, 0, 0] = np.inf
    return _npy(tmp, a)


def _npz(tmp, **arrays):
    np.savez(tmp / "x.npz", **arrays)
    return str(tmp / "x.npz"), []


def _truncated_npz(tmp):
    np.savez(tmp / "x.npz", images=ramp(5))
    data = (tmp / "x.npz").read_bytes()
    (tmp / "x.npz").write_bytes(data[:len(data) // 2])
    return str(tmp / "x.npz"), []


def _json(tmp, obj=None, text=None, raw=None):
    p = tmp / "mix.json"
    if raw is not None:
        p.write_bytes(raw)
    else:
        p.write_text(text if text is not None else json.dumps(obj))
    return str(p), []


def _fifo(name):
    def make(tmp):
        os.mkfifo(tmp / name)                 # reading it would block until someone writes
        return str(tmp / name), []
    return make


def _dangling(tmp):
    (tmp / "faces").symlink_to(tmp / "moved-away")
    return str(tmp / "faces"), []


def _with(maker, *args):
    def make(tmp):
        spec, _ = maker(tmp)
        return spec, list(args)
    return make


CASES = {
    # folders of images
    "empty folder": (_empty_folder, "no image files"),
    "only corrupt files": (_only_corrupt, "could be read"),
    "constant images": (lambda t: _folder(t, [np.full((8, 8), 128, np.uint8)] * 4), "zero variance"),
    "1x1 images": (lambda t: _folder(t, [np.array([[k * 60]], np.uint8) for k in range(4)]), "too small"),
    "different sizes": (lambda t: _folder(t, list(ramp(3)) + [ramp(1, 12)[0]]), "differ in size"),
    "smaller than resolution": (_with(lambda t: _folder(t, ramp(4)), "--resolution", "16"), "only shrunk"),
    "decompression bomb": (_bomb, "decompression bomb"),
    "float tiff beyond [0, 1]": (_float_tiff_out_of_range, "[0, 1]"),
    "two images": (lambda t: _folder(t, ramp(2)), "at least 3"),
    "not divisible by 4": (_with(lambda t: _folder(t, ramp(4, 12)), "--resolution", "10"), "divisible by 4"),
    "a single image file": (lambda t: (str(save_pngs(t / "pics", ramp(1)) / "000.png"), []), "single image"),
    "celeba: on a folder": (lambda t: ("celeba:" + _folder(t, ramp(4))[0], []), "prepare it"),
    # arrays
    "npy declaring 10^15 bytes": (_huge_npy, "needs"),
    "npy of objects": (lambda t: _npy(t, np.array([[[1]], "x", None], dtype=object)), "python objects"),
    "npy of wrong ndim": (lambda t: _npy(t, np.zeros((10, 5), np.float32)), "shape (N, H, W)"),
    "npy of colour images": (lambda t: _npy(t, np.zeros((4, 8, 8, 3), np.uint8)), "colour"),
    "npy of complex": (lambda t: _npy(t, np.ones((4, 8, 8), np.complex64)), "complex"),
    "npy of strings": (lambda t: _npy(t, np.full((4, 8, 8), "ab")), "not numbers"),
    "npy structured": (lambda t: _npy(t, np.zeros((4, 8, 8), dtype=[("a", "u1"), ("b", "f4")])), "not numbers"),
    "npy int beyond 255": (lambda t: _npy(t, np.full((4, 8, 8), 300, np.int32)), "0..255"),
    "npy with NaN": (_nan_npy, "NaN"),
    "npy with inf": (_inf_npy, "infinite"),
    "npy floats 0..255": (lambda t: _npy(t, ramp(4).astype(np.float64)), "[0, 1]"),
    "npy of no images": (lambda t: _npy(t, np.zeros((0, 8, 8), np.uint8)), "no images"),
    "npy constant": (lambda t: _npy(t, np.full((6, 8, 8), 0.25, np.float32)), "zero variance"),
    "npy truncated": (_truncated_npy, "truncated"),
    "npy not an array": (lambda t: _raw(t, "x.npy", b"hello, I am text"), "not a readable .npy"),
    "npz with no arrays": (lambda t: _npz(t), "no arrays"),
    "npz with several arrays": (lambda t: _npz(t, a=ramp(4), b=ramp(4)), "expected an 'images' array"),
    "npz truncated": (_truncated_npz, "not a readable .npz"),
    "npz identities of wrong length": (lambda t: _npz(t, images=ramp(5), identities=np.arange(4)), "identities"),
    "resolution above image size": (_with(lambda t: _npy(t, ramp(4)), "--resolution", "100000"), "larger than"),
    # mixture files
    # c I costs D numbers; a diagonal, like every other form, needs its D x D eigenbasis to draw points
    "300,000-D mixture": (lambda t: _json(t, {"weights": [1], "means": [[0] * 300_000], "covs": [[1.0] * 300_000]}),
                          "needs"),
    "deeply nested JSON": (lambda t: _json(t, text="[" * 100_000 + "]" * 100_000), "nested too deeply"),
    "string in means": (lambda t: _json(t, mixture(means=[[0, "x"], [2, 2]])), "means[0][1] must be a number"),
    "null weight": (lambda t: _json(t, mixture(weights=[None, 1])), "weights[0] must be a number, got null"),
    "boolean in means": (lambda t: _json(t, mixture(means=[[0, True], [2, 2]])), "boolean"),
    "ragged means": (lambda t: _json(t, mixture(means=[[0, 0], [2]])), "means[1] must have 2 numbers"),
    "negative weight": (lambda t: _json(t, mixture(weights=[1.5, -0.5])), "weights[1] is negative"),
    "weights sum to 0": (lambda t: _json(t, mixture(weights=[0, 0])), "sum to 0"),
    "NaN literal": (lambda t: _json(t, text='{"weights": [1], "means": [[NaN, 0]], "covs": [1]}'), "finite"),
    "1e999": (lambda t: _json(t, text='{"weights": [1], "means": [[0, 1e999]], "covs": [1]}'), "finite"),
    "huge integer": (lambda t: _json(t, text='{"weights": [1], "means": [[0, 1' + "0" * 400 + ']], "covs": [1]}'),
                     "too large"),
    "non-symmetric covariance": (lambda t: _json(t, mixture(covs=[[[1, 0.5], [0, 1]], 1])), "symmetric"),
    "negative-definite covariance": (lambda t: _json(t, mixture(covs=[1, [[1, 0], [0, -2]]])),
                                     "covs[1] has the eigenvalue -2"),
    "zero components": (lambda t: _json(t, {"weights": [], "means": [], "covs": []}), "at least one component"),
    "diagonal of wrong length": (lambda t: _json(t, mixture(covs=[[1, 1, 1], 1])), "covs[0] must have 2 numbers"),
    "too few covariances": (lambda t: _json(t, mixture(covs=[1])), "covs must be a list of 2"),
    "weights for other means": (lambda t: _json(t, mixture(weights=[1])), "1 weights for 2 means"),
    "factor of wrong rows": (lambda t: _json(t, mixture(covs=[{"factor": [[1.0]], "iso": 0.1}, 1])),
                             "covs[0].factor must have 2 rows"),
    "unknown covariance key": (lambda t: _json(t, mixture(covs=[{"diag": [1, 1]}, 1])), "unknown key"),
    "string covariance": (lambda t: _json(t, mixture(covs=["big", 1])), "covs[0] must be a number"),
    "one point mass": (lambda t: _json(t, {"weights": [1], "means": [[1, 2]], "covs": [0]}), "zero variance"),
    "a list, not an object": (lambda t: _json(t, [1, 2]), "JSON object"),
    "not UTF-8": (lambda t: _json(t, raw=b'{"weights": "\xff\xfe"}'), "not valid JSON"),
    "another tinyscore format": (lambda t: _json(t, mixture(format="tinyscore.trajectories")), "format"),
    "mixture with --resolution": (_with(lambda t: _json(t, mixture()), "--resolution", "8"), "image data"),
    # declared sizes in options
    "mlp --width 10^8": (lambda t: ("uniform", ["--width", "100000000"]), "needs"),
    "conv --width 10^8": (_with(lambda t: _npy(t, ramp(4)), "--width", "100000000"), "needs"),
    # dataset specs
    "misspelt benchmark": (lambda t: ("unifrom", []), "did you mean 'uniform'"),
    "celeba: missing file": (lambda t: (f"celeba:{t / 'none.h5'}", []), "does not exist"),
    "celeba: without a file": (lambda t: ("celeba:", []), "names no file"),
    "missing mixture file": (lambda t: (str(t / "none.json"), []), "does not exist"),
    "file of unknown kind": (lambda t: _raw(t, "data.csv", b"1,2,3\n"), "not a dataset file"),
    "missing folder": (lambda t: (str(t / "no" / "such"), []), "no such file or folder"),
    # what a path is, said as it is: not "no such file" for what exists (a device, a pipe, a link to nothing)
    "a character device": (lambda t: ("/dev/zero", []), "is a character device, not a regular file"),
    "a FIFO as data": (_fifo("pipe"), "is a named pipe (FIFO)"),
    "a FIFO named like an array": (_fifo("pipe.npy"), "is a named pipe (FIFO)"),
    "a FIFO named like images": (_fifo("celeba.h5"), "is a named pipe (FIFO)"),
    "a link to nothing": (_dangling, "symbolic link to nothing"),
    "a path through a file": (lambda t: (_npy(t, ramp(4))[0] + "/x.npy", []), "a part of its path is a file"),
    # Unicode and spaces in paths: named as given
    "Unicode and spaces, missing": (lambda t: (str(t / "données d'été" / "visages 1.npy"), []),
                                    "données d'été/visages 1.npy\" does not exist"),
    "Unicode and spaces, bad array": (lambda t: _npy(t, np.zeros((10, 5), np.float32), name="tête à tête.npy"),
                                      "tête à tête.npy"),
    "Unicode and spaces, bad mixture": (lambda t: _raw(t, "mélange 2 d.json", b'{"weights": [1]'),
                                        "mélange 2 d.json"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_data_is_one_line(case, tmp_path, capsys):
    make, expected = CASES[case]
    data = tmp_path / "data"
    data.mkdir()
    spec, extra = make(data)
    assert_refused(["train", "--data", spec, *extra, "--steps", "1", "--out", str(tmp_path / "run"),
                    "--no-progress"], capsys, watch=[tmp_path], contains=expected)


def test_pil_decompression_bomb_warning_is_one_line(tmp_path, capsys, monkeypatch):
    """Between PIL's limit and twice it, PIL only warns; that too must be one line, not a warning."""
    folder = save_pngs(tmp_path / "pics", ramp(3, 12))               # 144 pixels each
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)              # warns above 100, raises above 200
    assert_refused(["train", "--data", str(folder), "--steps", "1", "--out", str(tmp_path / "run"),
                    "--no-progress"], capsys, watch=[tmp_path], contains="decompression bomb")


# --------------------------------------------------------------------------- good inputs, exact values

def test_16_bit_png_keeps_its_16_bits(tmp_path):
    rng = np.random.default_rng(1)
    arrays = [(rng.integers(0, 65536, (8, 8))).astype(np.uint16) for _ in range(3)]
    arrays[0] = np.arange(64, dtype=np.uint16).reshape(8, 8) * 1031 + 7       # a gradient, not multiples of 257
    folder = save_pngs(tmp_path / "p16", arrays)
    assert Image.open(folder / "000.png").mode.startswith("I;16")
    d = I.load_image_dataset(str(folder))
    assert d.pool.dtype == np.float32
    want = np.stack(arrays).astype(np.float64) / 65535
    np.testing.assert_allclose(d.pool, want, atol=1.5 / 65535, rtol=0)
    assert len(np.unique(d.pool[0])) == 64                                 # 64 distinct levels, not two


def test_transparency_palette_1_bit_and_cmyk_load_to_the_gray_computed_by_hand(tmp_path):
    rng = np.random.default_rng(2)
    rgba = rng.integers(0, 256, (8, 8, 4)).astype(np.uint8)
    rgba[0, :, 3] = 0                                                       # fully transparent row
    la = rng.integers(0, 256, (8, 8, 2)).astype(np.uint8)
    folder = tmp_path / "modes"
    folder.mkdir()
    Image.fromarray(rgba, "RGBA").save(folder / "a_rgba.png")
    Image.fromarray(la, "LA").save(folder / "b_la.png")
    palette = [10, 20, 30, 200, 100, 0, 255, 255, 255] + [0] * (768 - 9)
    idx = (np.arange(64).reshape(8, 8) % 3).astype(np.uint8)
    p = Image.fromarray(idx, "P")
    p.putpalette(palette)
    p.save(folder / "c_p.png")
    p.save(folder / "d_p_transparent.png", transparency=1)                  # palette entry 1 transparent
    bits = rng.integers(0, 2, (8, 8)).astype(bool)
    Image.fromarray(bits).convert("1").save(folder / "e_1bit.png")
    cmyk = np.zeros((8, 8, 4), np.uint8)
    cmyk[:4, :, 3] = 255                                                    # top half black ink, bottom white
    Image.fromarray(cmyk, "CMYK").save(folder / "f_cmyk.tif")

    d = I.load_image_dataset(str(folder))
    assert d.pool.dtype == np.uint8 and d.names == ["a_rgba.png", "b_la.png", "c_p.png", "d_p_transparent.png",
                                                    "e_1bit.png", "f_cmyk.tif"]
    f = rgba.astype(np.float64)
    by_hand = {
        "a_rgba.png": (f[..., 0] + f[..., 1] + f[..., 2]) / 3 * f[..., 3] / 255,
        "b_la.png": la[..., 0].astype(np.float64) * la[..., 1] / 255,
        "c_p.png": np.array([20.0, 100.0, 255.0])[idx],
        "d_p_transparent.png": np.array([20.0, 0.0, 255.0])[idx],
        "e_1bit.png": bits * 255.0,
        "f_cmyk.tif": np.where(np.arange(8)[:, None] < 4, 0.0, 255.0) * np.ones((8, 8)),
    }
    for name, want in by_hand.items():
        got = d.pool[d.names.index(name)].astype(np.float64)
        np.testing.assert_allclose(got, want, atol=0.5 + 1e-6, rtol=0, err_msg=name)
    assert (d.pool[0][0] == 0).all()                                        # transparent is 0, not its colour


def test_float_tiff_and_corrupt_files_skipped_with_a_count(tmp_path, caplog):
    folder = tmp_path / "f"
    folder.mkdir()
    arrays = [np.random.default_rng(k).random((8, 8), dtype=np.float32) for k in range(3)]
    for k, a in enumerate(arrays):
        Image.fromarray(a).save(folder / f"{k}.tif")
    (folder / "9_broken.png").write_bytes(b"\x89PNG\r\n\x1a\n broken")
    with caplog.at_level("WARNING", logger="tinyscore"):
        d = I.load_image_dataset(str(folder))
    np.testing.assert_allclose(d.pool, np.stack(arrays), atol=1e-6)
    assert "skipped 1 unreadable image file" in caplog.text and "9_broken.png" in caplog.text


@pytest.mark.parametrize("dtype,values,scale", [
    (np.uint8, [0, 17, 255], 255), (np.uint16, [0, 1000, 65535], 65535), (np.int64, [0, 17, 255], 255),
    (bool, [False, True, True], 1), (np.float64, [0.0, 0.25, 1.0], 1), (np.float16, [0.0, 0.5, 1.0], 1),
])
def test_array_dtypes_load_to_the_documented_scale(tmp_path, dtype, values, scale):
    rng = np.random.default_rng(3)
    a = np.asarray(values, dtype=dtype)[rng.integers(0, 3, (6, 1, 8, 8))]    # (N, 1, H, W) is accepted too
    a[:, 0, 0, 0] = np.asarray(values, dtype=dtype)[[0, 1, 2, 0, 1, 2]]
    np.save(tmp_path / "a.npy", a)
    d = load_dataset(str(tmp_path / "a.npy"))
    got = d.pool.astype(np.float64) / (255 if d.pool.dtype == np.uint8 else 1)
    np.testing.assert_allclose(got, a[:, 0].astype(np.float64) / scale, atol=1e-6)
    x = d.subset(2)
    assert x.dtype == np.float32 and x.shape == (2, 1, 8, 8) and 0 <= x.min() and x.max() <= 1


def test_npz_picks_its_only_image_array_and_its_targets(tmp_path):
    np.savez(tmp_path / "f.npz", faces=ramp(6), targets=np.array([0, 0, 1, 1, 2, 2]))
    d = load_dataset(str(tmp_path / "f.npz"))
    np.testing.assert_array_equal(d.pool, ramp(6))
    np.testing.assert_array_equal(d.identities, [0, 0, 1, 1, 2, 2])


@pytest.mark.skipif(not OLIVETTI.is_file(), reason="no ../shared/data/olivetti (development data)")
def test_real_uint8_npy_loads_exactly():
    d = load_dataset(str(OLIVETTI))
    np.testing.assert_array_equal(d.pool, np.load(OLIVETTI))
    assert d.identities is not None and len(set(d.identities)) == 40


def test_valid_uint8_npy_trains_through_the_cli(tmp_path, capsys):
    np.save(tmp_path / "faces.npy", ramp(6, 8))
    code, out, err = run_cli(["train", "--variant", "denoiser", "--data", str(tmp_path / "faces.npy"), "--steps", "1",
                              "--batch-size", "2", "--width", "4", "--out", str(tmp_path / "run"), "--no-progress"],
                             capsys)
    assert code == 0, err
    assert (tmp_path / "run" / "model.pt").is_file()


def test_mixture_weights_are_relative_and_fields_are_named(tmp_path):
    p = tmp_path / "m.json"
    p.write_text(json.dumps(mixture(weights=[1, 3], covs=[[0.5, 0.25], {"factor": [[1.0], [0.0]]}])))
    m = load_mixture(str(p))
    np.testing.assert_allclose(m.weights, [0.25, 0.75])
    np.testing.assert_allclose(m.covs[0], np.diag([0.5, 0.25]))
    np.testing.assert_allclose(m.covs[1], [[1.0, 0.0], [0.0, 0.0]])
    p.write_text(json.dumps(mixture(means=[[0, 0], [2, "2"]])))
    with pytest.raises(TinyscoreError, match=r"m\.json: means\[1\]\[1\] must be a number"):
        load_mixture(str(p))


@pytest.mark.parametrize("arch,shape,opts", [
    ("mlp", (2,), {}), ("mlp", (100,), {"width": 7}), ("conv", (1, 8, 8), {"base": 4}),
    ("conv", (1, 12, 12), {"base": 3, "mults": (1, 2), "blocks": 2}),
])
@pytest.mark.parametrize("conditional", [True, False])
def test_parameter_estimate_is_exact(arch, shape, opts, conditional):
    """The size check counts the parameters without building the network: the count must be exact."""
    net = build_backbone(arch, shape, conditional, **opts)
    assert sum(p.numel() for p in net.parameters()) == backbone_parameters(arch, shape, conditional, **opts)
    assert isinstance(net, MLPUNet if arch == "mlp" else ConvUNet)


def test_huge_width_is_refused_before_allocating(monkeypatch, tmp_path):
    import tinyscore.core.nets as nets
    from tinyscore.training.loop import train

    def never(*a, **k):
        raise AssertionError("the network was built")
    monkeypatch.setattr(nets, "MLPUNet", never)
    with pytest.raises(TinyscoreError, match=r"parameters .* needs .* available"):
        train(load_dataset("uniform"), tmp_path / "run", steps=1, width=100_000_000, progress=False)
