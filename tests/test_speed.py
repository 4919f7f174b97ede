"""The fast Langevin path (08a_speed): equal to autograd on every network variant, as accurate as fp32 autograd at the
paper's size, and `gpointnet bench --json` gives the keys the issue asks for."""
import itertools, json
import pytest
import torch
from torch import nn
from gpointnet_nb.pointnet import EnergyPointNet, PointNorm
from gpointnet_nb.langevin import score_and_grad
from gpointnet_nb.speed import fast_score_and_grad, step_flops, ReferenceEnergyNet, copy_to_reference, reference_grad
from gpointnet_nb.cli import main


def _perturbed(net):
    "Random PointNorm scales and shifts: at initialisation (1 and 0) a missing term of the backward would not show."
    torch.manual_seed(1)
    for m in net.modules():
        if isinstance(m, PointNorm): nn.init.normal_(m.weight, 1.0, 0.5); nn.init.normal_(m.bias, 0.0, 0.5)
    return net


@pytest.mark.parametrize("pool,extensive,norm_first,act", list(itertools.product(["mean", "max"], [True, False], [False, True], ["relu", "leaky_relu"])))
def test_fast_gradient_equals_autograd_float64(pool, extensive, norm_first, act):
    torch.manual_seed(0)
    net = _perturbed(EnergyPointNet((8, 16, 32), (16, 8), pool=pool, extensive=extensive, norm_first=norm_first, act=act)).double()
    x = 0.3 * torch.randn(3, 40, 3, dtype=torch.double)
    (f0, g0), (f1, g1) = score_and_grad(net, x), fast_score_and_grad(net, x)
    assert (g1 - g0).norm() <= 1e-10 * g0.norm()
    assert torch.allclose(f1, f0, rtol=1e-6)


def test_fast_path_faithful_at_full_size():
    "N = 2048, full widths: the fast path is as close to float64 as fp32 autograd is (it is the default sampler we recommend)."
    torch.manual_seed(0)
    net = _perturbed(EnergyPointNet())
    x = 0.3 * torch.randn(1, 2048, 3)
    g64 = score_and_grad(net.double(), x.double())[1]; net.float()
    g32, gf = score_and_grad(net, x)[1], fast_score_and_grad(net, x)[1]
    rel = lambda g: float((g.double() - g64).norm() / g64.norm())
    cos = float(torch.nn.functional.cosine_similarity(gf.double().flatten(), g64.flatten(), dim=0))
    assert rel(gf) <= 2 * rel(g32) + 1e-6, (rel(gf), rel(g32))
    assert cos > 0.9999


def test_reference_is_the_same_function():
    torch.manual_seed(0)
    net = EnergyPointNet((8, 16, 32), (16, 8)).double()
    ref = copy_to_reference(net, ReferenceEnergyNet((8, 16, 32), (16, 8))).double()
    x = torch.randn(2, 30, 3, dtype=torch.double)
    assert torch.allclose(reference_grad(ref, x)[1], score_and_grad(net, x)[1], rtol=1e-9, atol=1e-12)
    assert abs(step_flops() / 1e9 - 2.52) < 0.005   # the figure for the full net at N = 2048


def test_bench_cli_json(capsys):
    status = main(["bench", "--quick", "--json", "--n-points", "64", "--batch-size", "2", "--reps", "1", "--gemm-size", "128"])
    assert status == 0
    r = json.loads(capsys.readouterr().out)
    for k in ("speedup_fp32", "speedup_bf16", "speedup_fast-bf16", "peak_fraction_fp32", "peak_fraction_bf16"): assert r[k] > 0, k
    assert set(r["paths"]) == {"reference", "fp32", "bf16", "fast", "fast-bf16"} and r["paths"]["reference"]["speedup"] == 1.0


def test_bench_cli_rejects_bad_flag(capsys):
    with pytest.raises(SystemExit) as e: main(["bench", "--batch-size", "0"])
    assert e.value.code == 1 and "--batch-size" in capsys.readouterr().err
