"""Image preparation and image datasets: crop, grayscale, resize, de-duplication, splits, loading."""
from pathlib import Path

import h5py
import numpy as np
import pytest
from PIL import Image

from tinyscore.data import images as I
from tinyscore.data.datasets import load_dataset
from tinyscore.errors import TinyscoreError
from tinyscore.storage.files import allow_replace

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
CELEBA, OLIVETTI = SHARED / "celeba", SHARED / "olivetti"


def smooth_rgb(w, h, seed):
    """A smooth RGB picture (so JPEG at quality 100 barely changes it), uint8 (h, w, 3)."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w] / max(h, w)
    chans = [125 + 90 * np.sin(2 * np.pi * (rng.uniform(0.3, 1.2) * xx + rng.uniform(0.3, 1.2) * yy)
                                + rng.uniform(0, 6)) for _ in range(3)]
    return np.clip(np.stack(chans, -1), 0, 255).astype(np.uint8)


def write_jpegs(folder, n, w=178, h=218, seed=0, names=None):
    folder.mkdir(parents=True, exist_ok=True)
    arrays = []
    for k in range(n):
        a = smooth_rgb(w, h, seed + k)
        Image.fromarray(a).save(folder / (names[k] if names else f"{k + 1:06d}.jpg"), quality=100)
        arrays.append(a)
    return arrays


def by_hand(rgb, size):
    """Crop the scaled face box, average R, G, B, block-mean down to size, round."""
    h, w = rgb.shape[:2]
    side_y, side_x = round(160 * h / 218), round(160 * w / 178)
    top, left = (h - side_y) // 2, (w - side_x) // 2
    g = rgb[top:top + side_y, left:left + side_x].astype(np.float64).mean(axis=2)
    f = side_y // size
    return g.reshape(size, f, size, f).mean(axis=(1, 3))


def test_face_box_is_29_9_at_full_resolution_and_scaled_at_half():
    assert I.face_box(178, 218) == (9, 29, 169, 189)        # rows 29:-29, cols 9:-9
    assert I.face_box(89, 109) == (4, 14, 84, 94)           # an 80x80 box


@pytest.mark.parametrize("w,h,size", [(178, 218, 80), (89, 109, 80), (89, 109, 40), (178, 218, 40)])
def test_prepare_matches_a_hand_computation(tmp_path, w, h, size):
    arrays = write_jpegs(tmp_path / "src", 3, w, h)
    summary = I.prepare_celeba(tmp_path / "src", tmp_path / "out.h5", size=size, progress=False)
    assert summary["written"] == 3 and summary["skipped_unreadable"] == 0
    with h5py.File(tmp_path / "out.h5") as f:
        assert f.attrs["format"] == "tinyscore.images" and f.attrs["version"] == 1 and f.attrs["size"] == size
        got, names = f["images"][...], [n.decode() for n in f["names"][...]]
        assert got.shape == (3, size, size) and got.dtype == np.uint8
    assert names == ["000001.jpg", "000002.jpg", "000003.jpg"]
    for k, a in enumerate(arrays):
        decoded = np.asarray(Image.open(tmp_path / "src" / names[k]).convert("RGB"))
        assert np.abs(got[k] - by_hand(decoded, size)).max() <= 0.5 + 1e-3   # only the final rounding
        assert np.abs(got[k] - by_hand(a, size)).max() <= 3                   # JPEG at quality 100


def test_unreadable_files_are_skipped_and_counted(tmp_path):
    write_jpegs(tmp_path / "src", 4)
    good = (tmp_path / "src" / "000002.jpg").read_bytes()
    (tmp_path / "src" / "000005.jpg").write_bytes(good[:len(good) // 2])      # truncated
    (tmp_path / "src" / "000006.jpg").write_text("not a picture")
    (tmp_path / "src" / "notes.txt").write_text("ignored: not an image name")
    s = I.prepare_celeba(tmp_path / "src", tmp_path / "out.h5", progress=False)
    assert (s["written"], s["skipped_unreadable"], s["files"]) == (4, 2, 6)
    assert sorted(s["unreadable"]) == ["000005.jpg", "000006.jpg"]
    with h5py.File(tmp_path / "out.h5") as f:
        assert len(f["images"]) == 4 and f.attrs["skipped_unreadable"] == 2


def test_identities_limit_and_unknown_identity(tmp_path):
    write_jpegs(tmp_path / "src", 5)
    (tmp_path / "ids.txt").write_text("000001.jpg 7\n000002.jpg 3\n000003.jpg 7\n000005.jpg 9\n")
    s = I.prepare_celeba(tmp_path / "src", tmp_path / "out.h5", identities=tmp_path / "ids.txt", limit=4,
                         progress=False)
    assert s["written"] == 4
    with h5py.File(tmp_path / "out.h5") as f:
        assert f["identities"][...].tolist() == [7, 3, 7, -1]
    (tmp_path / "bad.txt").write_text("000001.jpg seven\n")
    with pytest.raises(TinyscoreError, match="bad.txt:1"):
        I.prepare_celeba(tmp_path / "src", tmp_path / "x.h5", identities=tmp_path / "bad.txt", progress=False)


@pytest.mark.parametrize("chunk", [1024, 3])                    # within one chunk, and across chunks
def test_dedup_drops_exact_and_noisy_copies_keeping_the_first(tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(I, "CHUNK", chunk)
    monkeypatch.setattr(I, "DEDUP_BLOCK", 2)                    # several blocks of kept thumbnails
    arrays = write_jpegs(tmp_path / "src", 8)
    src = tmp_path / "src"
    (src / "000009.jpg").write_bytes((src / "000003.jpg").read_bytes())        # the same file again
    noisy = arrays[5].astype(float) + np.random.default_rng(1).normal(0, 4, arrays[5].shape)
    Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8)).save(src / "000010.jpg", quality=90)
    s = I.prepare_celeba(src, tmp_path / "out.h5", dedup=True, progress=False)
    assert s["duplicates_dropped"] == 2 and s["written"] == 8
    assert sorted(s["duplicates"]) == [["000009.jpg", "000003.jpg"], ["000010.jpg", "000006.jpg"]]
    with h5py.File(tmp_path / "out.h5") as f:
        assert "000009.jpg" not in [n.decode() for n in f["names"][...]]


def test_near_duplicates_streaming_equals_greedy_all_pairs():
    rng = np.random.default_rng(0)
    base = rng.integers(0, 256, (60, 40, 40)).astype(np.uint8)
    pick = rng.integers(0, 60, 40)
    noisy = np.clip(base[pick] + rng.normal(0, 6, (40, 40, 40)), 0, 255).astype(np.uint8)
    imgs = np.concatenate([base, noisy])[rng.permutation(100)]
    t = I.thumbnails(imgs)
    corr = t @ t.T / t.shape[1]
    kept, expect = [], []                                          # greedy reference, all pairs at once
    for i in range(len(imgs)):
        hit = [j for j in kept if corr[i, j] > 0.95]
        expect.append(-1 if not hit else kept.index(hit[0]))
        if not hit:
            kept.append(i)
    nd = I.NearDuplicates(block=7)
    got = np.concatenate([nd.add(imgs[i:i + 13]) for i in range(0, 100, 13)])
    assert ((got < 0) == (np.array(expect) < 0)).all() and nd.n == len(kept) == 60
    assert all(corr[i, kept[got[i]]] > 0.95 for i in np.flatnonzero(got >= 0))


def test_flat_and_distinct_images_are_not_duplicates():
    rng = np.random.default_rng(3)
    imgs = np.concatenate([np.full((2, 20, 20), 100, np.uint8), rng.integers(0, 256, (5, 20, 20), dtype=np.uint8)])
    assert (I.NearDuplicates().add(imgs) == -1).all()


def test_a_failed_preparation_leaves_no_file(tmp_path, monkeypatch):
    write_jpegs(tmp_path / "src", 5)
    out = tmp_path / "data" / "out.h5"
    calls = []

    def failing(im, size):
        calls.append(1)
        if len(calls) == 4:
            raise RuntimeError("disk on fire")
        return np.zeros((size, size), np.uint8)

    monkeypatch.setattr(I, "celeba_face", failing)
    monkeypatch.setattr(I, "CHUNK", 2)                            # something was written already
    with pytest.raises(RuntimeError):
        I.prepare_celeba(tmp_path / "src", out, progress=False)
    assert list(out.parent.iterdir()) == []
    out.write_bytes(b"old")                                      # an earlier file survives a failure
    calls.clear()
    with pytest.raises(RuntimeError), allow_replace():           # even one it was allowed to replace
        I.prepare_celeba(tmp_path / "src", out, progress=False)
    assert out.read_bytes() == b"old" and list(out.parent.iterdir()) == [out]
    with pytest.raises(TinyscoreError, match="exists already"):  # and without --force it is not touched
        I.prepare_celeba(tmp_path / "src", out, progress=False)
    assert out.read_bytes() == b"old"


def test_preparation_user_errors(tmp_path):
    with pytest.raises(TinyscoreError, match="not a folder"):
        I.prepare_celeba(tmp_path / "nowhere", tmp_path / "o.h5", progress=False)
    (tmp_path / "empty").mkdir()
    with pytest.raises(TinyscoreError, match="no image files"):
        I.prepare_celeba(tmp_path / "empty", tmp_path / "o.h5", progress=False)
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "1.jpg").write_text("nope")
    with pytest.raises(TinyscoreError, match="could be read"):
        I.prepare_celeba(tmp_path / "bad", tmp_path / "o.h5", progress=False)
    assert not (tmp_path / "o.h5").exists() and len(list(tmp_path.iterdir())) == 2


# ------------------------------------------------------------------------------------------ datasets

def test_split_is_identity_disjoint_balanced_and_seeded():
    ids = np.repeat(np.arange(50), np.random.default_rng(0).integers(1, 30, 50))
    a, b, t = I.split_pool(len(ids), ids, data_seed=0)
    assert len(np.unique(np.concatenate([a, b, t]))) == len(ids)             # a partition
    A, B, T = set(ids[a]), set(ids[b]), set(ids[t])
    assert not (A & B or A & T or B & T)
    assert abs(len(t) - 0.1 * len(ids)) <= 30 and abs(len(a) - len(b)) <= 30
    again = I.split_pool(len(ids), ids, data_seed=0)
    other = I.split_pool(len(ids), ids, data_seed=1)
    assert all((x == y).all() for x, y in zip((a, b, t), again))
    assert not (a[:20] == other[0][:20]).all()


def test_split_by_image_when_identities_are_unknown():
    a, b, t = I.split_pool(1000)
    assert (len(a), len(b), len(t)) == (450, 450, 100)
    assert len(set(a) | set(b) | set(t)) == 1000
    with pytest.raises(TinyscoreError, match="at least 3"):
        I.split_pool(5, np.array([1, 1, 2, 2, 2]))


def test_dataset_interface_from_npy_with_sibling_targets(tmp_path):
    rng = np.random.default_rng(0)
    pool = rng.integers(0, 256, (60, 16, 16), dtype=np.uint8)
    np.save(tmp_path / "faces_uint8.npy", pool)
    np.save(tmp_path / "faces_targets.npy", np.repeat(np.arange(12), 5))
    d = load_dataset(str(tmp_path / "faces_uint8.npy"), data_seed=3)
    assert d.shape == (1, 16, 16) and d.dim == 256 and d.sigma_max == 1.0
    assert d.identities is not None and d.half_size + d.half_size + d.test_size <= 60
    x = d.subset(7, "b")
    assert x.shape == (7, 1, 16, 16) and x.dtype == np.float32 and 0 <= x.min() and x.max() <= 1
    assert np.array_equal(x * 255, pool[d.order[1][:7], None].astype(np.float32))
    assert np.array_equal(d.subset(3, "b"), x[:3])                           # first N are nested
    assert d.subset(10 ** 6, "a").shape[0] == d.half_size                      # capped
    assert np.isclose(d.sigma_data, (pool / 255).std(), rtol=1e-6)
    e = load_dataset(str(tmp_path / "faces_uint8.npy"), data_seed=3)
    assert np.array_equal(e.subset(7, "b"), x) and np.array_equal(e.test(5), d.test(5))


def test_npz_float_and_channel_axis_and_targets(tmp_path):
    x = np.random.default_rng(1).random((30, 1, 12, 12)).astype(np.float32)
    np.savez(tmp_path / "a.npz", images=x, targets=np.arange(30) // 3)
    d = I.load_image_dataset(str(tmp_path / "a.npz"))
    assert d.pool.dtype == np.float32 and d.identities is not None
    assert np.array_equal(d.subset(4), x[d.order[0][:4]])
    np.savez(tmp_path / "b.npz", x * 3)
    with pytest.raises(TinyscoreError, match=r"\[0, 1\]"):
        I.load_image_dataset(str(tmp_path / "b.npz"))


def test_resolution_downsamples_by_area(tmp_path):
    pool = np.random.default_rng(2).integers(0, 256, (20, 8, 8), dtype=np.uint8)
    np.save(tmp_path / "p.npy", pool)
    d = I.load_image_dataset(str(tmp_path / "p.npy"), resolution=4)
    want = np.rint(pool.reshape(20, 4, 2, 4, 2).mean(axis=(2, 4)))
    assert d.shape == (1, 4, 4) and d.pool.dtype == np.uint8 and np.array_equal(d.pool, want)
    assert I.load_image_dataset(str(tmp_path / "p.npy"), resolution=6).shape == (1, 6, 6)   # not a divisor
    with pytest.raises(TinyscoreError, match="resolution"):
        I.load_image_dataset(str(tmp_path / "p.npy"), resolution=16)


def test_h5_round_trip_with_resolution(tmp_path):
    write_jpegs(tmp_path / "src", 6, 89, 109)
    (tmp_path / "ids.txt").write_text("".join(f"{k + 1:06d}.jpg {k // 2}\n" for k in range(6)))
    I.prepare_celeba(tmp_path / "src", tmp_path / "c.h5", identities=tmp_path / "ids.txt", progress=False)
    d = load_dataset(f"celeba:{tmp_path / 'c.h5'}", resolution=40)
    assert d.shape == (1, 40, 40) and d.identities.tolist() == [0, 0, 1, 1, 2, 2] and d.names[0] == "000001.jpg"
    assert d.half_size == 2 and d.test_size == 2


def test_folder_of_images(tmp_path):
    folder = tmp_path / "pics"
    write_jpegs(folder, 5, 24, 24)
    Image.fromarray(np.full((24, 24), 77, np.uint8)).save(folder / "gray.png")
    (folder / "broken.png").write_bytes(b"\x89PNG broken")
    d = I.load_image_dataset(str(folder))
    assert len(d.pool) == 6 and d.shape == (1, 24, 24) and "gray.png" in d.names
    assert (d.pool[d.names.index("gray.png")] == 77).all()
    Image.fromarray(np.zeros((30, 20), np.uint8)).save(folder / "odd.png")
    with pytest.raises(TinyscoreError, match="differ in size"):
        I.load_image_dataset(str(folder))
    assert I.load_image_dataset(str(folder), resolution=12).shape == (1, 12, 12)


def test_loading_user_errors(tmp_path):
    with pytest.raises(TinyscoreError, match="does not exist"):
        I.load_image_dataset(str(tmp_path / "missing.npy"))
    np.save(tmp_path / "v.npy", np.zeros((10, 5), np.float32))
    with pytest.raises(TinyscoreError, match=r"shape \(N, H, W\)"):
        I.load_image_dataset(str(tmp_path / "v.npy"))
    with h5py.File(tmp_path / "other.h5", "w") as f:
        f.attrs["format"] = "tinyscore.trajectories"
    with pytest.raises(TinyscoreError, match="not a tinyscore image file"):
        load_dataset(f"celeba:{tmp_path / 'other.h5'}")
    (tmp_path / "junk.h5").write_text("no")
    with pytest.raises(TinyscoreError, match="not an HDF5 file"):
        I.load_image_dataset(str(tmp_path / "junk.h5"))
    (tmp_path / "x.csv").write_text("1")
    with pytest.raises(TinyscoreError, match="unknown image data"):
        I.load_image_dataset(str(tmp_path / "x.csv"))


# ------------------------------------------------------------------------- the shared real data

needs_celeba = pytest.mark.skipif(not CELEBA.is_dir(), reason="no ../shared/data/celeba (development data)")


@needs_celeba
@pytest.mark.parametrize("folder,shape", [("img_align_celeba_half", (109, 89)), ("img_align_celeba", (218, 178))])
def test_real_celeba_sample(tmp_path, folder, shape):
    s = I.prepare_celeba(CELEBA / folder, tmp_path / "c.h5", identities=CELEBA / "identity_CelebA.txt",
                         limit=300, progress=False)
    assert s["written"] + s["duplicates_dropped"] == 300 and s["skipped_unreadable"] == 0
    d = I.load_image_dataset(f"celeba:{tmp_path / 'c.h5'}", resolution=40)
    assert (d.identities >= 0).all() and d.shape == (1, 40, 40)
    A, B, T = (set(d.identities[o]) for o in d.order)
    assert not (A & B or A & T or B & T)
    assert 0.15 < d.sigma_data < 0.4
    first = d.names[0]
    rgb = np.asarray(Image.open(CELEBA / folder / first).convert("RGB"))
    assert rgb.shape[:2] == shape
    with h5py.File(tmp_path / "c.h5") as f:
        assert np.abs(f["images"][0] - by_hand(rgb, 80)).max() <= 0.5 + 1e-3


@needs_celeba
def test_real_celeba_dedup_finds_the_planted_content_duplicate(tmp_path):
    src = CELEBA / "img_align_celeba"
    s = I.prepare_celeba(src, tmp_path / "c.h5", dedup=True, progress=False)
    assert s["written"] + s["duplicates_dropped"] == 6000
    identical = [p for p in s["duplicates"]
                 if np.array_equal(np.asarray(Image.open(src / p[0])), np.asarray(Image.open(src / p[1])))]
    assert len(identical) >= 1


@pytest.mark.skipif(not OLIVETTI.is_dir(), reason="no ../shared/data/olivetti (development data)")
def test_olivetti_split_by_person():
    d = load_dataset(str(OLIVETTI / "olivetti_faces_uint8.npy"), resolution=32)
    assert d.shape == (1, 32, 32) and d.identities is not None
    A, B, T = (set(d.identities[o]) for o in d.order)
    assert not (A & B or A & T or B & T) and len(A | B | T) == 40
    assert d.subset(10).shape == (10, 1, 32, 32)
