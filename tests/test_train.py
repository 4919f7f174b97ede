"Training that survives: kill -9 and resume bit for bit, fault injection into the divergence guard, progress output."
import io, logging, os, shutil, signal, subprocess, sys, time
from dataclasses import replace
from pathlib import Path
import pytest
import torch
import gpointnet_nb.train as T
from gpointnet_nb.train import TrainConfig, fit, load_checkpoint, save_checkpoint, TrainingDiverged
from gpointnet_nb.data import load_modelnet10

EXE = shutil.which("gpointnet") or str(Path(sys.executable).parent / "gpointnet")
SMALL = TrainConfig(n_points=32, batch_size=4, n_iters=6, n_steps=2, point_widths=(8, 8), global_widths=(8,), device="cpu")


@pytest.fixture(scope="module")
def data():
    return load_modelnet10(category="chair", n_points=32)[:8]


def weights(path):
    return load_checkpoint(path)[0].state_dict()


def test_kill_9_then_resume_equals_an_uninterrupted_run(tmp_path):
    """A real `gpointnet train` process killed with SIGKILL after a checkpoint, then resumed, ends bit for bit where an
    uninterrupted run ends (CPU)."""
    args = ["train", "--preset", "tiny", "--n-iters", "20", "--n-points", "64", "--n-steps", "8", "--ckpt-every", "2",
            "--quiet", "--n-samples", "1"]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    killed = subprocess.Popen([EXE, *args, "--out", tmp_path / "a"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    ckpt, t0 = tmp_path / "a" / "model.pt", time.time()
    while not ckpt.exists() and killed.poll() is None and time.time() - t0 < 300: time.sleep(0.01)
    killed.send_signal(signal.SIGKILL); killed.wait()
    assert killed.returncode == -signal.SIGKILL, "the run ended before it could be killed: make it longer"
    step = torch.load(ckpt, weights_only=True)["train_state"]["step"]
    assert 2 <= step < 20
    resumed = subprocess.run([EXE, *args, "--out", tmp_path / "a", "--resume"], capture_output=True, text=True, env=env)
    assert resumed.returncode == 0, resumed.stderr
    whole = subprocess.run([EXE, *args, "--out", tmp_path / "b"], capture_output=True, text=True, env=env)
    assert whole.returncode == 0, whole.stderr
    a, b = weights(tmp_path / "a" / "model.pt"), weights(tmp_path / "b" / "model.pt")
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
    ha, hb = (load_checkpoint(tmp_path / p / "model.pt")[2]["history"] for p in ("a", "b"))
    assert ha["loss"] == hb["loss"] and len(ha["loss"]) == 20


def test_resume_with_nothing_to_resume_is_one_line(tmp_path):
    r = subprocess.run([EXE, "train", "--preset", "tiny", "--resume", "--out", tmp_path / "new"], capture_output=True, text=True)
    assert r.returncode != 0 and "nothing to resume" in r.stderr and "Traceback" not in r.stderr
    assert r.stderr.strip().splitlines()[-1].startswith("gpointnet: error: nothing to resume: "), r.stderr


def test_nan_batch_is_rolled_back(data, monkeypatch, caplog):
    "A batch with a NaN (injected at update 3) never reaches the weights: the guard rolls back and training finishes."
    real = T._batches
    def poisoned(*a, **k):
        for i, x in enumerate(real(*a, **k)):
            if i == 3: x = x.clone(); x[0, 0, 0] = float("nan")
            yield x
    monkeypatch.setattr(T, "_batches", poisoned)
    with caplog.at_level(logging.WARNING, logger="gpointnet_nb.train"):
        net, hist = fit(SMALL, data, progress=False)
    assert all(torch.isfinite(p).all() for p in net.parameters())
    assert len(hist["loss"]) == SMALL.n_iters and all(map(torch.isfinite, torch.tensor(hist["loss"])))
    assert "update 4: non-finite loss or gradients" in caplog.text and "rolled back to update 0" in caplog.text


def test_absurd_learning_rate_recovers(data, caplog):
    with caplog.at_level(logging.WARNING, logger="gpointnet_nb.train"):
        net, hist = fit(replace(SMALL, lr=1e3, n_iters=10), data, progress=False)
    assert all(torch.isfinite(p).all() for p in net.parameters()) and len(hist["loss"]) == 10
    assert "rolled back" in caplog.text and hist["lr"][-1] < 1e3


def test_guard_gives_up_with_one_line(data, monkeypatch):
    "Every batch is NaN: the guard rolls back max_recoveries times, then raises TrainingDiverged (a FloatingPointError)."
    real = T._batches
    monkeypatch.setattr(T, "_batches", lambda *a, **k: (x * float("nan") for x in real(*a, **k)))
    with pytest.raises(TrainingDiverged) as e: fit(replace(SMALL, max_recoveries=2), data, progress=False)
    assert isinstance(e.value, FloatingPointError) and "gave up after 2 rollbacks" in str(e.value) and "\n" not in str(e.value)
    assert e.value.what in str(e.value) and "try a lower learning rate" in str(e.value)


def test_runaway_f_is_caught(data, caplog):
    "|f| per point above max_f counts as divergence."
    with caplog.at_level(logging.WARNING, logger="gpointnet_nb.train"), pytest.raises(TrainingDiverged, match="f running away"):
        fit(replace(SMALL, max_f=1e-9, max_recoveries=1), data, progress=False)
    assert "f running away" in caplog.text


class Terminal(io.StringIO):
    def isatty(self): return True


def test_progress_plain_lines_tqdm_or_nothing():
    m = {"loss": 1.0, "f_real": 2.0, "f_syn": 1.0}
    log = io.StringIO(); p = T._Progress(100, on=True, stream=log)
    for step in range(1, 101): p.update(step, m)
    lines = log.getvalue().splitlines()
    assert len(lines) == 10 and "\r" not in log.getvalue() and lines[-1].startswith("train 100/100: loss=1 f_real=2 f_syn=1")
    assert "s/update" in lines[0]
    tty = Terminal(); p = T._Progress(100, on=True, stream=tty)
    for step in range(1, 101): p.update(step, m)
    p.close(); assert "\r" in tty.getvalue() and "100/100" in tty.getvalue()
    quiet = io.StringIO(); p = T._Progress(100, on=False, stream=quiet)
    for step in range(1, 101): p.update(step, m)
    assert quiet.getvalue() == ""


def test_checkpoint_mode_follows_umask(tmp_path):
    old = os.umask(0o022)
    try: p = save_checkpoint(tmp_path / "m.pt", T.build_model(SMALL), SMALL)
    finally: os.umask(old)
    assert p.stat().st_mode & 0o777 == 0o644
    old = os.umask(0o077)
    try: p = save_checkpoint(tmp_path / "m.pt", T.build_model(SMALL), SMALL)
    finally: os.umask(old)
    assert p.stat().st_mode & 0o777 == 0o600


def test_save_refuses_a_file_that_would_not_load(tmp_path, monkeypatch):
    "The verification before the rename catches a checkpoint that does not load back; the old file survives."
    good = save_checkpoint(tmp_path / "m.pt", T.build_model(SMALL), SMALL, extra={"v": 1})
    monkeypatch.setattr(T, "asdict", lambda cfg: {"not_a_field": 1})
    with pytest.raises(ValueError, match="m.pt: not written, it would not load back"):
        save_checkpoint(tmp_path / "m.pt", T.build_model(SMALL), SMALL, extra={"v": 2})
    monkeypatch.undo()
    assert load_checkpoint(good)[2]["v"] == 1 and [p.name for p in tmp_path.iterdir()] == ["m.pt"]


def torchrun(*args, nproc=2):
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc_per_node={nproc}", *map(str, args)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600, env={**os.environ, "OMP_NUM_THREADS": "1"})


@pytest.mark.parametrize("init", ["noise", "persistent"])
def test_two_processes_equal_one_with_the_same_global_batch(tmp_path, init):
    """torchrun with 2 CPU processes (gloo) gives the one-process result for the same global batch: same batches and
    chain starts, half the chains per process, gradients averaged. With step_size=0 the chains keep their starts, so the
    per-process Langevin noise plays no part and the runs agree to float32 rounding (tolerance 1e-5), except the biases
    that PointNorm cancels (see below)."""
    import json
    from dataclasses import asdict
    cfg = replace(SMALL, batch_size=4, n_iters=4, step_size=0.0, init=init, buffer_size=8, reinit_prob=0.5)
    r = torchrun(Path(__file__).parent / "ddp_fit.py", json.dumps(asdict(cfg)), tmp_path / "ddp.pt")
    assert r.returncode == 0, r.stderr[-3000:]
    one, _ = fit(cfg, load_modelnet10(category="chair", n_points=32)[:16], progress=False, ckpt_path=tmp_path / "one.pt")
    two = load_checkpoint(tmp_path / "ddp.pt")[0].state_dict()
    # the bias of a layer followed by PointNorm has an exactly zero gradient: its rounding noise, normalised by Adam,
    # moves it by up to lr per update in either run, so it is only bounded
    mlp = one.point_mlp
    cancelled = {f"point_mlp.{i}.bias" for i in range(len(mlp) - 1) if type(mlp[i + 1]).__name__ == "PointNorm"}
    assert cancelled
    for k, v in one.state_dict().items():
        if k in cancelled: assert (two[k] - v).abs().max() <= 2 * cfg.lr * cfg.n_iters
        else: torch.testing.assert_close(two[k], v, atol=1e-5, rtol=1e-5)
    assert not torch.equal(two["point_mlp.0.weight"], T.build_model(cfg).state_dict()["point_mlp.0.weight"])  # it trained
    st = torch.load(tmp_path / "ddp.pt", weights_only=True)["train_state"]
    assert st["step"] == 4 and len(st["rng"]) == 2                    # one RNG state per process
    if init == "persistent": assert st["buffer"]["count"] == 8


def test_torchrun_the_cli(tmp_path):
    "`torchrun -m gpointnet_nb.cli train ...` trains with 2 processes; rank 0 alone writes the outputs."
    r = torchrun("-m", "gpointnet_nb.cli", "train", "--preset", "tiny", "--batch-size", 4, "--n-samples", 2,
                 "--quiet", "--out", tmp_path / "run")
    assert r.returncode == 0, r.stderr[-3000:]
    assert sorted(p.name for p in (tmp_path / "run").iterdir()) == ["model.pt", "run.json", "samples.npy", "samples.png"]
