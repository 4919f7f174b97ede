"The embedded sample is real ModelNet10, and the full copy (when present) loads with the official split sizes."
import numpy as np
import torch
from conftest import needs_full_data, FULL_ROOT
from gpointnet_nb.data import load_modelnet10, modelnet_classes, _embedded, MODELNET10_CLASSES


def test_embedded_sample_contents():
    z = _embedded()
    assert tuple(z["classes"]) == MODELNET10_CLASSES == modelnet_classes()
    assert z["clouds"].shape == (600, 2048, 3) and z["clouds"].dtype == np.float16
    assert np.bincount(z["labels"][z["split"] == 0]).tolist() == [32, 32, 200, 32, 32, 32, 32, 32, 32, 32]
    assert len(set(z["names"].tolist())) == 600  # no shape twice


@needs_full_data
def test_embedded_sample_is_the_real_data_rounded():
    z = _embedded()
    for i in range(0, 600, 37):
        src = np.load(FULL_ROOT / str(z["names"][i]))
        assert np.abs(src - z["clouds"][i].astype(np.float32)).max() < 5e-4, z["names"][i]


@needs_full_data
def test_full_split_sizes():
    x, y = load_modelnet10(FULL_ROOT, split="test", n_points=64)
    assert len(x) == 908 and torch.bincount(y).tolist() == [50, 100, 100, 86, 86, 100, 86, 100, 100, 100]
    assert load_modelnet10(FULL_ROOT, "chair", n_points=64).shape == (889, 64, 3)
