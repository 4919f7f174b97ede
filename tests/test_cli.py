"The `gpointnet` console command, run as a user would run it (a subprocess)."
import json, shutil, subprocess, sys
from pathlib import Path
import numpy as np
import torch
import pytest
from conftest import needs_full_data, needs_off_data, FULL_ROOT, OFF_ROOT

EXE = shutil.which("gpointnet") or str(Path(sys.executable).parent / "gpointnet")


def gpointnet(*args):
    return subprocess.run([EXE, *map(str, args)], capture_output=True, text=True, timeout=600)


def test_train_then_sample(tmp_path):
    r = gpointnet("train", "--preset", "tiny", "--category", "chair", "--out", tmp_path / "run", "--n-samples", 4)
    assert r.returncode == 0, r.stderr
    assert f"samples written to {tmp_path / 'run' / 'samples.png'}" in r.stdout
    assert "train" in r.stderr  # the progress bar
    files = sorted(p.name for p in (tmp_path / "run").iterdir())
    assert files == ["model.pt", "run.json", "samples.npy", "samples.png"]
    run = json.loads((tmp_path / "run" / "run.json").read_text())
    assert run["config"]["n_iters"] == 3 and run["n_train_shapes"] == 200 and run["timings_s"]["train"] > 0
    r = gpointnet("sample", "--ckpt", tmp_path / "run" / "model.pt", "--n", 5, "--out", tmp_path / "more.png", "--seed", 3)
    assert r.returncode == 0, r.stderr
    x = np.load(tmp_path / "more.npy")
    assert x.shape == (5, 64, 3) and np.isfinite(x).all() and np.abs(x).max() <= 1.0  # clipped to the unit cube
    r2 = gpointnet("sample", "--ckpt", tmp_path / "run" / "model.pt", "--n", 5, "--out", tmp_path / "again.png", "--seed", 3)
    assert r2.returncode == 0 and np.array_equal(np.load(tmp_path / "again.npy"), x)  # seeded: reproducible


def test_eval_scores_a_checkpoint(tmp_path):
    "gpointnet eval: the model's scores beside the two baselines, as one JSON object; a missing file is one line."
    assert gpointnet("train", "--preset", "tiny", "--out", tmp_path / "run", "--n-samples", 2).returncode == 0
    r = gpointnet("eval", "--ckpt", tmp_path / "run" / "model.pt", "--n-samples", 6, "--n-points", 64, "--baselines", "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert set(d) == {"model", "train split", "noise", "protocol"} and d["protocol"]["n_refs"] == 6
    assert all(0 <= d[k]["1-NNA-CD"] <= 1 and 0 < d[k]["COV-CD"] <= 1 for k in ("model", "train split", "noise"))
    assert d["noise"]["1-NNA-CD"] > d["train split"]["1-NNA-CD"]
    r = gpointnet("eval", "--ckpt", tmp_path / "run" / "model.pt", "--n-samples", 6, "--n-points", 64, "--chain", "fast-bf16", "--json")
    assert r.returncode == 0, r.stderr
    b = json.loads(r.stdout)   # the flag reaches the sampler: other chains, other samples, same protocol otherwise
    assert b["protocol"]["chain"] == "fast-bf16" and d["protocol"]["chain"] == "autograd" and b["model"]["MMD-CD"] != d["model"]["MMD-CD"]
    six, q = (gpointnet("eval", "--ckpt", tmp_path / "run" / "model.pt", "--n-samples", 6, "--n-points", 64, "--n-steps", 6, *flag, "--json")
              for flag in ([], ["--quench", 2]))
    assert six.returncode == 0 and q.returncode == 0, six.stderr + q.stderr
    six, q = json.loads(six.stdout), json.loads(q.stdout)   # --quench reaches the sampler: 4 noisy steps + 2 drift-only, against 6 noisy
    assert (q["protocol"]["quench"], q["protocol"]["trained_quench"], six["protocol"]["quench"]) == (2, 0, 0) and q["model"]["MMD-CD"] != six["model"]["MMD-CD"]
    r = gpointnet("eval", "--ckpt", tmp_path / "run" / "model.pt", "--n-samples", 6, "--n-points", 64, "--repeats", 2, "--json")
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)   # --repeats: draws with seeds 0 and 1 against the same references; the first is the single-draw score
    assert rep["protocol"]["repeats"] == 2 and len(rep["model_draws"]) == 2 and rep["model_draws"][0] == d["model"]
    assert rep["model"]["MMD-CD"] == pytest.approx(sum(x["MMD-CD"] for x in rep["model_draws"]) / 2) != d["model"]["MMD-CD"]
    r = gpointnet("eval", "--ckpt", tmp_path / "run" / "model.pt", "--n-samples", 6, "--n-points", 64, "--repeats", 2)
    assert r.returncode == 0 and "model, mean of 2 draws" in r.stdout and "std over draws" in r.stdout, r.stderr
    r = gpointnet("eval", "--ckpt", tmp_path / "run" / "model.pt", "--n-steps", 2, "--quench", 3)
    assert r.returncode == 1 and "quench=3" in r.stderr and "Traceback" not in r.stderr
    r = gpointnet("eval", "--ckpt", tmp_path / "none.pt")
    assert r.returncode == 1 and "checkpoint not found" in r.stderr and "Traceback" not in r.stderr


def test_the_demo_path_compiles(tmp_path):
    "What `make demo` runs (preset cpu: fp32, torch.compile, the fast chain), at a tiny size: compiled for real, no fallback to eager."
    r = gpointnet("train", "--preset", "cpu", "--n-iters", 2, "--n-points", 32, "--batch-size", 4, "--n-steps", 2,
                  "--n-samples", 2, "--out", tmp_path)
    assert r.returncode == 0, r.stderr
    assert "torch.compile is not available" not in r.stderr and "torch.compile failed" not in r.stderr, r.stderr
    cfg = json.loads((tmp_path / "run.json").read_text())["config"]
    assert cfg["compile"] is True and cfg["precision"] == "fp32" and cfg["chain"] == "fast" and cfg["n_points"] == 32


def test_pair_flags_reach_the_config(tmp_path):
    "--quad alone gives the raw pair term, --quad --whiten the whitened one (06), --quad-lr W's rate, and the checkpoint rebuilds that network."
    from gpointnet_nb.train import load_checkpoint
    for flags, want, quad_lr in ((["--quad"], (True, False), 1.0), (["--quad", "--whiten", "--quad-lr", "4"], (True, True), 4.0)):
        out = tmp_path / "-".join(flags)
        r = gpointnet("train", "--preset", "tiny", "--n-iters", 1, *flags, "--out", out)
        assert r.returncode == 0, r.stderr
        cfg = json.loads((out / "run.json").read_text())["config"]
        assert (cfg["quad"], cfg["whiten"], cfg["quad_lr"]) == (*want, quad_lr)
        net = load_checkpoint(out / "model.pt")[0]
        assert (net.quad, net.whiten, hasattr(net, "feat_spread")) == (*want, want[1])


def test_flags_override_the_preset(tmp_path):
    r = gpointnet("train", "--preset", "tiny", "--n-iters", 2, "--n-points", 32, "--precision", "fp32",
                  "--point-widths", "8,12", "--global-widths", 5, "--quench", 2, "--act", "leaky_relu", "--lr-schedule", "cosine",
                  "--fourier", 2, "--out", tmp_path)
    assert r.returncode == 0, r.stderr
    cfg = json.loads((tmp_path / "run.json").read_text())["config"]
    assert cfg["n_iters"] == 2 and cfg["n_points"] == 32 and cfg["precision"] == "fp32"
    assert cfg["point_widths"] == [8, 12] and cfg["global_widths"] == [5] and cfg["quench"] == 2 and cfg["act"] == "leaky_relu"
    assert cfg["fourier"] == 2
    lrs = torch.load(tmp_path / "model.pt", weights_only=True)["extra"]["history"]["lr"]
    assert cfg["lr_schedule"] == "cosine" and lrs == pytest.approx([cfg["lr"], cfg["lr"] / 2])   # ½(1 + cos πt/2), t = 0, 1
    from gpointnet_nb.train import load_checkpoint
    net = load_checkpoint(tmp_path / "model.pt")[0]  # the checkpoint rebuilds the network of the flags
    assert [tuple(p.shape) for p in net.parameters() if p.dim() == 2] == [(8, 15), (12, 8), (5, 12), (1, 5)]   # 3(1 + 2·2) inputs
    assert {type(m).__name__ for m in net.modules() if not list(m.children())} >= {"LeakyReLU"}


@pytest.mark.parametrize("args, message", [
    (["sample", "--ckpt", "missing.pt", "--out", "x.png"], "checkpoint not found: missing.pt"),
    (["train", "--preset", "tiny", "--category", "spaceship", "--out", "o"], "unknown category 'spaceship'"),
    (["train", "--preset", "tiny", "--data", "no/such/folder", "--out", "o"], "not found: no/such/folder"),
    (["train", "--preset", "tiny", "--n-points", 4096, "--out", "o"], "asked for 4096 points but the clouds have only 2048"),
    (["train", "--preset", "tiny", "--point-widths", "64,0", "--out", "o"], "--point-widths: expected comma-separated positive integers"),
    (["train", "--preset", "tiny", "--quench", 5, "--out", "o"], "TrainConfig.quench=5: at most n_steps=4"),
    (["train", "--preset", "cpu20", "--no-quad", "--whiten", "--out", "o"], "TrainConfig.whiten=True: it scales the pair term's input: it needs quad=True"),
])
def test_user_errors_are_one_line(tmp_path, args, message):
    r = subprocess.run([EXE, *map(str, args)], capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert r.returncode == 1 and message in r.stderr and "Traceback" not in r.stderr, r.stderr


def test_corrupt_checkpoint_is_named(tmp_path):
    (tmp_path / "bad.pt").write_bytes(b"\x80\x02garbage")
    r = gpointnet("sample", "--ckpt", tmp_path / "bad.pt", "--out", tmp_path / "x.png")
    assert r.returncode == 1 and "bad.pt: not a readable checkpoint" in r.stderr


@needs_full_data
def test_train_on_full_data_folder(tmp_path):
    r = gpointnet("train", "--preset", "tiny", "--data", FULL_ROOT, "--category", "toilet", "--out", tmp_path)
    assert r.returncode == 0, r.stderr
    assert json.loads((tmp_path / "run.json").read_text())["n_train_shapes"] == 344


def test_prepare_a_tree_with_a_broken_file_then_train(tmp_path):
    "A user's own OFF tree: prepared with a summary naming the broken file; a re-run redoes nothing; train accepts it."
    from gpointnet_nb.meshes import write_off
    box_v, box_f = [[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 1]], [[0, 1, 2, 3], [0, 1, 4], [1, 2, 4], [2, 3, 4], [3, 0, 4]]
    for split, n in (("train", 6), ("test", 2)):
        for i in range(n): write_off(tmp_path / "off" / "box" / split / f"box_{i:04d}.off", box_v, box_f)
    (tmp_path / "off" / "box" / "train" / "box_9999.off").write_text("OFF\n3 1 0\n0 0 0\n")
    r = gpointnet("prepare", tmp_path / "off", tmp_path / "npy", "--n-points", 256)
    assert r.returncode == 0 and "prepared 8 clouds" in r.stdout and "1 broken files skipped" in r.stdout, r.stdout + r.stderr
    assert "box_9999.off: truncated" in r.stderr
    again = gpointnet("prepare", tmp_path / "off", tmp_path / "npy", "--n-points", 256)
    assert "prepared 0 clouds" in again.stdout and "8 already there" in again.stdout
    r = gpointnet("train", "--preset", "tiny", "--data", tmp_path / "npy", "--category", "box", "--out", tmp_path / "run")
    assert r.returncode == 0, r.stderr
    run = json.loads((tmp_path / "run" / "run.json").read_text())
    assert run["n_train_shapes"] == 6 and run["held_out_scores"] is not None


@needs_off_data
def test_prepare_real_meshes_then_train(tmp_path):
    "The real OFF meshes beside the repo (train split only) become clouds that `train --data` accepts."
    r = gpointnet("prepare", OFF_ROOT, tmp_path / "npy", "--workers", 2)
    assert r.returncode == 0 and "prepared 12 clouds" in r.stdout, r.stdout + r.stderr
    r = gpointnet("train", "--preset", "tiny", "--data", tmp_path / "npy", "--category", "chair", "--out", tmp_path / "run")
    assert r.returncode == 0, r.stderr
    run = json.loads((tmp_path / "run" / "run.json").read_text())
    assert run["n_train_shapes"] == 3 and run["held_out_scores"] is None  # no test split in this sample


@needs_off_data
def test_load_modelnet10_reads_an_off_tree_through_a_cache(tmp_path, monkeypatch):
    import torch
    from gpointnet_nb.data import load_modelnet10
    monkeypatch.setenv("GPOINTNET_CACHE", str(tmp_path))
    x = load_modelnet10(OFF_ROOT, "desk", n_points=512)
    assert x.shape == (3, 512, 3) and len(list(tmp_path.glob("prepared/*/desk/train/*.npy"))) == 3
    assert torch.equal(x, load_modelnet10(OFF_ROOT, "desk", n_points=512))  # the cache is reused: same clouds
    with pytest.raises(ValueError, match="unknown category 'sofa'"): load_modelnet10(OFF_ROOT, "sofa")


@pytest.mark.parametrize("flags, want", [([], (True, True, True)), (["--no-quad"], (False, False, True)), (["--no-whiten"], (True, False, True)),
                                         (["--no-quad", "--no-centre"], (False, False, False))])
def test_cpu20_has_the_whitened_pair_term(tmp_path, flags, want):
    "cpu20 trains the whitened pair term and the centred g that 10_generation adopted; --no-quad --no-centre gives back the recipe before both."
    from gpointnet_nb.cli import main
    args = ["train", "--preset", "cpu20", "--out", tmp_path / "run", "--device", "cpu", "--n-iters", 1, "--n-points", 32, "--batch-size", 2,
            "--n-steps", 2, "--point-widths", "8,8", "--global-widths", 8, "--no-compile", "--n-samples", 2, *flags]
    assert main(list(map(str, args))) == 0
    cfg = json.loads((tmp_path / "run" / "run.json").read_text())["config"]
    assert (cfg["quad"], cfg["whiten"], cfg["centre"]) == want


@pytest.mark.parametrize("native, flag, chain", [(True, [], "fast-bf16"), (False, [], "fast"), (True, ["--chain", "fast"], "fast")])
def test_cpu20_chain_follows_the_bf16_units(tmp_path, monkeypatch, capsys, native, flag, chain):
    "cpu20 runs its chain with bf16 matmuls on a CPU with bf16 units and says so; fp32 elsewhere, or with --chain fast (in-process, to fake the CPU)."
    import gpointnet_nb.speed as speed
    from gpointnet_nb.cli import main
    monkeypatch.setattr(speed, "native_bf16", lambda: native)
    args = ["train", "--preset", "cpu20", "--out", tmp_path / "run", "--device", "cpu", "--n-iters", 1, "--n-points", 32, "--batch-size", 2,
            "--n-steps", 2, "--point-widths", "8,8", "--global-widths", 8, "--no-compile", "--n-samples", 2, *flag]
    assert main(list(map(str, args))) == 0
    assert json.loads((tmp_path / "run" / "run.json").read_text())["config"]["chain"] == chain
    assert ("bf16 matmuls" in capsys.readouterr().err) == (chain == "fast-bf16")
