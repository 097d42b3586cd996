"""Gallery: pictures of trajectory files of images, and a generic image grid."""
import h5py
import numpy as np
import pytest
from PIL import Image

from tinyscore.errors import TinyscoreError
from tinyscore.analyses.gallery import image_grid, show_trajectories


def write_trajectory_file(path, shape=(1, 16, 16), P=3, S=2, T=5, fmt="tinyscore.trajectories"):
    rng = np.random.default_rng(0)
    with h5py.File(path, "w") as f:
        f.attrs.update(format=fmt, version=1, variant="denoiser", dataset="faces", n_train=10, half="a")
        f["sigmas"] = np.array([0.5, 0.1][:S])
        f["probes/x0"] = rng.random((P, *shape)).astype(np.float32)
        f["probes/z"] = rng.normal(size=(P, *shape)).astype(np.float32)
        f["onestep/denoised"] = rng.random((S, P, *shape)).astype(np.float32)
        f["path/sigmas"] = np.geomspace(1.0, 0.01, T)
        f["path/states"] = rng.random((T, P, *shape)).astype(np.float32)
        f["path/denoised"] = rng.random((T, P, *shape)).astype(np.float32)
    return path


def test_show_trajectories_writes_a_png(tmp_path):
    h5 = write_trajectory_file(tmp_path / "traj.h5", P=3, S=2, T=5)
    out = show_trajectories(h5, tmp_path / "traj.png", max_probes=2, path_steps=3)
    assert out == tmp_path / "traj.png" and out.stat().st_size > 1000
    with Image.open(out) as im:
        assert im.format == "PNG" and im.width > im.height > 100       # 2 rows, 1 + 2*2 + 3 columns
    assert sorted(p.name for p in tmp_path.iterdir()) == ["traj.h5", "traj.png"]   # no temporary left


def test_show_trajectories_refuses_vectors_and_foreign_files(tmp_path):
    vec = write_trajectory_file(tmp_path / "vec.h5", shape=(2,))
    with pytest.raises(TinyscoreError, match="not grayscale images"):
        show_trajectories(vec, tmp_path / "v.png")
    other = write_trajectory_file(tmp_path / "other.h5", fmt="something.else")
    with pytest.raises(TinyscoreError, match="not a tinyscore trajectory file"):
        show_trajectories(other, tmp_path / "o.png")
    assert not (tmp_path / "v.png").exists() and not (tmp_path / "o.png").exists()


def test_image_grid(tmp_path):
    imgs = np.random.default_rng(0).random((5, 1, 12, 12))
    out = image_grid(imgs, tmp_path / "grid.png", titles=list("abcde"), ncols=3, suptitle="five")
    assert out.stat().st_size > 500
    with pytest.raises(TinyscoreError, match="titles"):
        image_grid(imgs, tmp_path / "g.png", titles=["a"])
    with pytest.raises(TinyscoreError, match="not grayscale images"):
        image_grid(np.zeros((4, 3)), tmp_path / "g.png")


@pytest.mark.parametrize("titles", [list("abcdef"), ["a long title that wraps onto three lines here"] * 6])
def test_image_grid_titles_clear_the_suptitle(tmp_path, monkeypatch, titles):
    """Wrapped titles of the first row get their own room: no title's box meets the suptitle's."""
    from tinyscore.analyses import gallery

    figs = []
    monkeypatch.setattr(gallery, "_save", lambda fig, out, force=None: figs.append(fig) or out)
    gallery.image_grid(np.zeros((6, 8, 8)), tmp_path / "g.png", titles=titles, ncols=3, suptitle="the whole grid")
    (fig,) = figs
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    renderer = FigureCanvasAgg(fig).get_renderer()
    top = fig._suptitle.get_window_extent(renderer)
    for ax in fig.axes:
        box = ax.title.get_window_extent(renderer)
        assert not box.overlaps(top), (box, top)
        assert box.y1 <= fig.bbox.y1
