"The downstream tasks from the shell and on bad input: `gpointnet classify`, features, corruptions (cheap, embedded data)."
import json, subprocess, sys
import numpy as np
import pytest
import torch
from gpointnet_nb.train import TrainConfig, build_model, save_checkpoint
from gpointnet_nb.classify import extract_features, fit_svm
from gpointnet_nb.robustness import add_outliers, keep_fraction, supervised_pointnet

TINY = TrainConfig(n_points=64, batch_size=4, n_iters=1, n_steps=2, point_widths=(8, 16), global_widths=(8,), device="cpu")


def gpointnet(*args):
    return subprocess.run([sys.executable, "-m", "gpointnet_nb.cli", *args], capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def ckpt(tmp_path_factory):
    torch.manual_seed(0)
    return save_checkpoint(tmp_path_factory.mktemp("ck") / "tiny.pt", build_model(TINY), TINY)


def test_classify_cli_json(ckpt):
    r = gpointnet("classify", "--ckpt", str(ckpt), "--n-points", "64", "--folds", "2", "--random-init", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert 0.1 < out["accuracy"] <= 1 and out["C"] in (1e-4, 1e-3, 1e-2, 1e-1) and out["random_init"]
    assert out["n_test"] == sum(map(sum, out["confusion"]))        # every test cloud is counted once


@pytest.mark.parametrize("args, code, msg", [
    (["--folds", "1"], 1, "--folds: must be >= 2"),
    (["--n-points", "0"], 1, "--n-points: must be >= 1"),
    (["--ckpt", "missing.pt"], 1, "checkpoint not found"),
])
def test_classify_cli_refuses(ckpt, args, code, msg):
    r = gpointnet("classify", "--ckpt", str(ckpt), *args)
    assert r.returncode == code and msg in r.stderr, (r.returncode, r.stderr)


def test_features_refuse_other_architecture():
    "A supervised classifier is an EnergyPointNet too; a plain module is not, and says so."
    x = torch.rand(2, 32, 3)
    assert extract_features(supervised_pointnet((8, 16), (8,), 3), x).shape == (2, 2 * (8 + 16))
    with pytest.raises(TypeError, match="expected an EnergyPointNet"): extract_features(torch.nn.Linear(3, 1), x)
    with pytest.raises(ValueError, match=r"expected clouds of shape \(B, N, 3\)"): extract_features(build_model(TINY), x[..., :2])


def test_svm_labels_must_match():
    with pytest.raises(ValueError, match="labels must be"): fit_svm(np.zeros((10, 3)), np.zeros(9))


def test_corruptions_keep_counts():
    x = torch.rand(3, 100, 3)
    assert keep_fraction(x, 0.06).shape == (3, 6, 3) and add_outliers(x, 25).shape == (3, 125, 3)
    # different clouds get different subsets (a shared permutation was one of the original's flaws)
    k = keep_fraction(torch.arange(100.).expand(3, 100)[..., None].expand(3, 100, 3).contiguous(), 0.1)
    assert not torch.equal(k[0], k[1])
