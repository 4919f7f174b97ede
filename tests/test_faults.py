"Bad input gets a clear error naming the file and the problem, and loses nothing."
import numpy as np
import pytest
import torch
from gpointnet_nb.data import load_modelnet10
from gpointnet_nb.pointnet import EnergyPointNet
from gpointnet_nb.train import TrainConfig, fit, save_checkpoint, load_checkpoint


def tree(root, arrays):
    for rel, arr in arrays.items():
        p = root / rel; p.parent.mkdir(parents=True, exist_ok=True)
        np.save(p, arr) if isinstance(arr, np.ndarray) else p.write_bytes(arr)
    return root


@pytest.mark.parametrize("content, message", [
    (np.zeros((8, 2), np.float32), "expected a point cloud of shape (N, 3), got shape (8, 2)"),
    (np.zeros((2, 8, 3), np.float32), "got shape (2, 8, 3)"),
    (np.zeros((0, 3), np.float32), "got shape (0, 3)"),
    (np.array([[np.inf, 0, 0]], np.float32), "NaN or infinite"),
    (np.array([["a", "b", "c"]]), "expected float coordinates"),
    (b"\x93NUMPY\x01\x00garbage", "not a readable .npy array"),
    (b"", "not a readable .npy array"),
])
def test_malformed_npy(tmp_path, content, message):
    root = tree(tmp_path, {"chair/train/chair_0001.npy": np.zeros((8, 3), np.float32), "chair/train/chair_0002.npy": content})
    with pytest.raises(ValueError) as e: load_modelnet10(root, "chair", n_points=1)
    assert "chair_0002.npy" in str(e.value) and message in str(e.value)


def test_object_arrays_are_not_unpickled(tmp_path):
    p = tmp_path / "chair/train/chair_0001.npy"; p.parent.mkdir(parents=True)
    np.save(p, np.array([{"x": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(ValueError, match="chair_0001.npy: not a readable .npy"): load_modelnet10(tmp_path, "chair")


def test_folder_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="not found"): load_modelnet10(tmp_path / "none")
    with pytest.raises(ValueError, match="no class folders"): load_modelnet10(tmp_path)
    (tmp_path / "chair/train").mkdir(parents=True)
    with pytest.raises(ValueError, match="no .npy files"): load_modelnet10(tmp_path, "chair")
    tree(tmp_path, {"chair/train/a.npy": np.zeros((8, 3), np.float32), "chair/train/b.npy": np.zeros((9, 3), np.float32)})
    with pytest.raises(ValueError, match=r"different numbers of points \[8, 9\]"): load_modelnet10(tmp_path, "chair", n_points=4)


def test_wrong_shapes_into_the_network():
    net = EnergyPointNet((8, 8), (8,))
    for bad in (torch.zeros(5, 3), torch.zeros(2, 5, 2), torch.zeros(1, 2, 5, 3)):
        with pytest.raises(ValueError, match="expected clouds of shape"): net(bad)


def test_truncated_checkpoint_is_named_and_the_good_one_survives(tmp_path):
    cfg = TrainConfig(n_points=16, batch_size=2, n_iters=1, n_steps=1, point_widths=(8,), global_widths=(8,), device="cpu")
    net = EnergyPointNet((8,), (8,))
    good = save_checkpoint(tmp_path / "model.pt", net, cfg)
    (tmp_path / "cut.pt").write_bytes(good.read_bytes()[:200])
    with pytest.raises(ValueError, match="cut.pt: not a readable checkpoint"): load_checkpoint(tmp_path / "cut.pt")
    with pytest.raises(FileNotFoundError, match="checkpoint not found"): load_checkpoint(tmp_path / "none.pt")
    loaded = load_checkpoint(good)[0]
    assert all(torch.equal(a, b) for a, b in zip(net.state_dict().values(), loaded.state_dict().values()))


def test_checkpoint_with_code_is_refused(tmp_path):
    "weights_only=True: a pickle that would construct an arbitrary object is not loaded."
    import os
    torch.save({"format": "gpointnet_nb.checkpoint.v1", "config": os.getcwd}, tmp_path / "evil.pt")  # a global reference
    with pytest.raises(ValueError, match="evil.pt: not a readable checkpoint"): load_checkpoint(tmp_path / "evil.pt")


def test_nan_data_is_refused_before_training():
    "NaN data is refused up front (divergence during training is the guard's job: tests/test_train.py)."
    cfg = TrainConfig(n_points=8, batch_size=2, n_iters=3, n_steps=1, point_widths=(4,), global_widths=(4,), device="cpu")
    with pytest.raises(ValueError, match="data has NaN or infinite coordinates"): fit(cfg, torch.full((4, 8, 3), float("nan")), progress=False)
