"""A hostile but fair user (issue 12): bad flags, bad files, outputs that collide with inputs, interruptions.

Every case runs `python -m gpointnet_nb.cli ...` as a real subprocess under a memory limit and a timeout, and checks
the exit status, a one-line message that names the file or flag, no traceback, and that nothing is lost (earlier
outputs intact and loadable) and nothing is left behind (temp files, worker processes)."""
import json, os, resource, shutil, signal, subprocess, sys, time
from pathlib import Path
import numpy as np
import pytest

MEM_LIMIT = 3 * 2**30  # address space of each child: a tiny run needs < 1 GB; a runaway read or allocation hits this
TIMEOUT = 240          # seconds; the machine may be shared, a tiny run takes ~3-20 s


def _limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (MEM_LIMIT, MEM_LIMIT))
    # a job started in the background by a non-interactive shell inherits SIGINT *ignored*, and Python then never turns
    # Ctrl-C into KeyboardInterrupt: give the child the default disposition, as a terminal user's process has
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def cli(*args, cwd=None, timeout=TIMEOUT, **kw):
    "Run `python -m gpointnet_nb.cli *args` (memory-limited, with a timeout) and return the CompletedProcess."
    return subprocess.run([sys.executable, "-m", "gpointnet_nb.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=timeout, preexec_fn=_limit_memory, **kw)


def assert_user_error(r, *needles, status=1):
    "Exit `status`, no traceback, and exactly one `gpointnet...: error:` line containing every needle."
    assert "Traceback" not in r.stderr, r.stderr
    assert r.returncode == status, (r.returncode, r.stderr)
    lines = [l for l in r.stderr.splitlines() if l.startswith("gpointnet")]
    assert len(lines) == 1, r.stderr
    for n in needles: assert str(n) in lines[0], (n, lines[0])
    return lines[0]


def stray(root: Path) -> list[str]:
    "Hidden temp or staging files left under `root`."
    return sorted(str(p.relative_to(root)) for p in Path(root).rglob(".*") if ".tmp" in p.name or p.name.startswith(".staging"))


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    "A finished tiny training run (its files are copied by the tests that might damage them)."
    out = tmp_path_factory.mktemp("run") / "run"
    r = cli("train", "--preset", "tiny", "--out", out, "--n-samples", 4, "--quiet")
    assert r.returncode == 0, r.stderr
    return out


# ---------------------------------------------------------------------------------------------------------- flags
FLAG_CASES = [  # (argv, what the message must contain); every one is exit status 1, before any work
    (["train", "--out", "o", "--n-points", "0"], "argument --n-points: must be >= 1, got 0"),
    (["train", "--out", "o", "--batch-size", "0"], "argument --batch-size: must be >= 1"),
    (["train", "--out", "o", "--n-samples", "0"], "argument --n-samples: must be >= 1"),
    (["train", "--out", "o", "--n-iters", "-5"], "argument --n-iters: must be >= 1, got -5"),
    (["train", "--out", "o", "--n-steps", "-1"], "argument --n-steps: must be >= 1"),
    (["train", "--out", "o", "--lr", "nan"], "argument --lr: expected a finite number, got 'nan'"),
    (["train", "--out", "o", "--lr", "1e38"], "argument --lr: must be > 0 and <= 1.0"),
    (["train", "--out", "o", "--step-size", "-0.1"], "argument --step-size: must be > 0"),
    (["train", "--out", "o", "--seed", str(2**64)], "argument --seed: must be >= 0 and <= "),
    (["train", "--out", "o", "--n-points", "1.5"], "argument --n-points: expected an integer, got '1.5'"),
    (["train", "--out", "o", "--device", "cuda:0"], "argument --device:"),
    (["train", "--out", "o", "--device", "tpu"], "argument --device:"),
    (["sample", "--ckpt", "m.pt", "--out", "x.png", "--n", "0"], "argument --n: must be >= 1"),
    (["sample", "--ckpt", "m.pt", "--out", "x.png", "--n-steps", "-3"], "argument --n-steps: must be >= 1"),
    (["prepare", "a", "b", "--n-points", "0"], "argument --n-points: must be >= 1"),
    (["prepare", "a", "b", "--workers", "-1"], "argument --workers: must be >= 0"),
]


@pytest.mark.parametrize("argv, message", FLAG_CASES, ids=[" ".join(a[:1] + a[-2:]) for a, _ in FLAG_CASES])
def test_bad_flag_values_are_one_line_user_errors(tmp_path, argv, message):
    if "cuda" in argv:
        import torch
        if torch.cuda.is_available(): pytest.skip("this machine has CUDA")
    t0 = time.perf_counter()
    r = cli(*argv, cwd=tmp_path)
    assert_user_error(r, message)
    assert not any(tmp_path.iterdir()), "a refused command must not write anything"


@pytest.mark.parametrize("argv", [["train"], ["train", "--out", "o", "--no-such-flag"], ["frobnicate"], []])
def test_usage_errors_keep_status_2(tmp_path, argv):
    r = cli(*argv, cwd=tmp_path)
    assert r.returncode == 2 and "usage:" in r.stderr and "Traceback" not in r.stderr, r.stderr


def test_python_dash_m_runs_the_command():
    r = cli("--help")
    assert r.returncode == 0 and "train" in r.stdout and "sample" in r.stdout and "prepare" in r.stdout


def train_where_fit_raises(tmp_path, exc: str, *flags):
    "`gpointnet train --preset tiny` in a subprocess whose `fit` raises the exception `exc` (Python source, `t` = train)."
    code = ("import sys, gpointnet_nb.cli as c, gpointnet_nb.train as t\n"
            f"def fit(*a, **k): raise {exc}\n"
            "t.fit = fit\nsys.exit(c.main(sys.argv[1:]))")
    args = [sys.executable, "-c", code, "train", "--preset", "tiny", "--out", tmp_path / "run", "--quiet", *flags]
    return subprocess.run(list(map(str, args)), capture_output=True, text=True, timeout=TIMEOUT, preexec_fn=_limit_memory)


def test_divergence_is_one_line_and_debug_shows_the_traceback(tmp_path):
    "A FloatingPointError from training (injected: fit raises it) is one line, exit 1; --debug keeps the traceback."
    r = train_where_fit_raises(tmp_path, "FloatingPointError('loss became nan at iteration 3')")
    assert_user_error(r, "training diverged: loss became nan at iteration 3", "--lr")
    assert not (tmp_path / "run" / "model.pt").exists()
    r = train_where_fit_raises(tmp_path, "FloatingPointError('loss became nan at iteration 3')", "--debug")
    assert r.returncode == 1 and "Traceback" in r.stderr and "FloatingPointError" in r.stderr


def test_guard_giving_up_gives_its_reason_and_one_advice(tmp_path):
    "TrainingDiverged already says 'training diverged' and carries Python advice: the CLI says each once, with its flags."
    r = train_where_fit_raises(tmp_path, "t.TrainingDiverged('training diverged at update 7: spread 0.6; gave up after 5 rollbacks')")
    line = assert_user_error(r, "error: training diverged at update 7: spread 0.6; gave up after 5 rollbacks (try a smaller --lr")
    assert line.count("diverged") == 1 and line.count("(try") == 1, line


def test_internal_errors_keep_their_traceback(tmp_path):
    "An unexpected exception (a bug) is not disguised as a user error."
    r = train_where_fit_raises(tmp_path, "KeyError('bug')")
    assert r.returncode == 1 and "Traceback" in r.stderr and "KeyError: 'bug'" in r.stderr


def test_quiet_silences_progress(tmp_path):
    r = cli("train", "--preset", "tiny", "--out", tmp_path / "run", "--quiet", "--n-samples", 1)
    assert r.returncode == 0 and r.stderr == "", r.stderr
    assert r.stdout.strip() == f"samples written to {tmp_path / 'run' / 'samples.png'}"


# --------------------------------------------------------------------------------------------- losses (issue 12, 1-4)
def copy_run(run_dir, dst):
    shutil.copytree(run_dir, dst)
    return dst, {n: (dst / n).read_bytes() for n in ("model.pt", "samples.png", "samples.npy", "run.json")}


def assert_intact(out, before):
    "The run's files are byte-for-byte what they were, the checkpoint still loads, and nothing was left behind."
    from gpointnet_nb.train import load_checkpoint
    assert {n: (out / n).read_bytes() for n in before} == before
    load_checkpoint(out / "model.pt")
    assert stray(out) == [] and sorted(p.name for p in out.iterdir()) == sorted(before)


def test_sample_never_overwrites_its_checkpoint(run_dir, tmp_path):
    out, before = copy_run(run_dir, tmp_path / "run")
    assert_user_error(cli("sample", "--ckpt", out / "model.pt", "--n", 2, "--out", out / "model.pt"),
                      "--out", "model.pt", "expected a .png or .npy")
    shutil.copy(out / "model.pt", tmp_path / "ck.png")  # a checkpoint with a picture's name
    assert_user_error(cli("sample", "--ckpt", tmp_path / "ck.png", "--n", 2, "--out", tmp_path / "ck.png"),
                      "would overwrite the checkpoint")
    assert_user_error(cli("sample", "--ckpt", tmp_path / "ck.png", "--n", 2, "--out", tmp_path / "ck.npy"),
                      "would overwrite the checkpoint")
    assert_intact(out, before)


def test_sample_out_npy_writes_both_files(run_dir, tmp_path):
    r = cli("sample", "--ckpt", run_dir / "model.pt", "--n", 3, "--out", tmp_path / "s.npy", "--quiet")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "s.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"           # a PNG, not clobbered
    assert np.load(tmp_path / "s.npy").shape == (3, 64, 3)                         # and the points
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.npy", "s.png"]


def test_a_failed_run_leaves_the_previous_outputs(run_dir, tmp_path):
    "Sampling fails after training (injected): the previous model.pt, samples and run.json stay one consistent set."
    out, before = copy_run(run_dir, tmp_path / "run")
    code = ("import sys, gpointnet_nb.cli as c\n"
            "def boom(*a, **k): raise ValueError('sampling failed')\n"
            "c.draw_samples = boom\nsys.exit(c.main(sys.argv[1:]))")
    r = subprocess.run([sys.executable, "-c", code, "train", "--preset", "tiny", "--n-iters", "2", "--out", str(out), "--quiet"],
                       capture_output=True, text=True, timeout=TIMEOUT, preexec_fn=_limit_memory)
    assert_user_error(r, "sampling failed")
    assert_intact(out, before)
    assert_user_error(cli("train", "--preset", "tiny", "--out", out, "--n-samples", 0), "--n-samples")
    assert_intact(out, before)


@pytest.mark.parametrize("where, message", [("file", "exists and is not a folder"), ("/proc/gpointnet_x", "cannot write there"),
                                            ("/dev/null/x", "cannot write there")])
def test_train_checks_out_before_training(tmp_path, where, message):
    out = tmp_path / "file" if where == "file" else Path(where)
    if where == "file": out.write_text("not a folder")
    t0 = time.perf_counter()
    r = cli("train", "--preset", "tiny", "--n-iters", 10**6, "--out", out, "--quiet")  # would train for hours
    assert_user_error(r, f"--out {out}", message)
    assert time.perf_counter() - t0 < TIMEOUT / 2
    if where == "file": assert out.read_text() == "not a folder"



def test_an_empty_checkpoint_is_named(tmp_path):
    "A 0-byte model.pt (a disk that filled up, a copy that failed) is one line naming the file."
    (tmp_path / "model.pt").write_bytes(b"")
    assert_user_error(cli("sample", "--ckpt", tmp_path / "model.pt", "--out", tmp_path / "x.png", "--quiet"),
                      "model.pt: not a readable checkpoint")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.pt"]

# ----------------------------------------------------------------------------------------- prepare (2, 5, 7, 9-13)
BOX_V = [[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 1]]
BOX_F = [[0, 1, 2, 3], [0, 1, 4], [1, 2, 4], [2, 3, 4], [3, 0, 4]]


def box_tree(root: Path, n_train=3, n_test=1) -> Path:
    from gpointnet_nb.meshes import write_off
    for split, n in (("train", n_train), ("test", n_test)):
        for i in range(n): write_off(root / "box" / split / f"box_{i:04d}.off", BOX_V, BOX_F)
    return root


def test_prepare_cleans_leftover_temp_files_and_loaders_skip_hidden_files(tmp_path):
    off, npy = box_tree(tmp_path / "off"), tmp_path / "npy"
    assert cli("prepare", off, npy, "--n-points", 128, "--quiet").returncode == 0
    leftover = npy / "box" / "train" / ".box_0000.npy.999999999.abcdefgh.tmp.npy"  # a writer killed mid-write
    leftover.write_bytes(b"\x93NUMPY half")
    r = cli("prepare", off, npy, "--n-points", 128, "--quiet")
    assert r.returncode == 0 and "4 already there" in r.stdout and not leftover.exists(), r.stderr
    (npy / "box" / "train" / ".hidden.npy").write_bytes(b"not data")  # any hidden file is ignored by the loader
    r = cli("train", "--preset", "tiny", "--data", npy, "--category", "box", "--out", tmp_path / "run", "--quiet")
    assert r.returncode == 0, r.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_prepare_skips_fifos_devices_and_bad_numbers(tmp_path):
    off, npy = box_tree(tmp_path / "off"), tmp_path / "npy"
    d = off / "box" / "train"
    os.mkfifo(d / "fifo.off")                                        # would block a plain read forever
    os.symlink("/dev/zero", d / "zero.off")                          # would read until memory runs out
    (d / "huge.off").write_text("OFF\n3 1 0\n0 0 0\n1e39 0 0\n0 1 0\n3 0 1 2\n")   # inf once cast to float32
    (d / "digit.off").write_text("OFF\n\u0663 1 0\n0 0 0\n", encoding="utf-8")      # a non-ASCII digit
    (d / "bom.off").write_text("\ufeffOFF\n3 1 0\n0 0 0\n1 0 0\n0 1 0\n3 0 1 2\n", encoding="utf-8")  # fine
    r = cli("prepare", off, npy, "--n-points", 64, "--workers", 2, "--quiet", timeout=120)
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    assert "prepared 5 clouds" in r.stdout and "4 broken files skipped" in r.stdout, r.stdout
    for name, why in [("fifo", "not a regular file"), ("zero", "not a regular file"), ("huge", "non-finite"),
                      ("digit", "bad counts line")]:
        assert f"{name}.off: {why}" in r.stderr, (name, r.stderr)
    assert (npy / "box" / "train" / "bom.npy").is_file() and stray(npy) == []


@pytest.mark.parametrize("where", ["/proc/gpointnet_x", "/dev/null/x", "file"])
def test_prepare_refuses_an_unwritable_output(tmp_path, where):
    off = box_tree(tmp_path / "off")
    out = tmp_path / "file" if where == "file" else Path(where)
    if where == "file": out.write_text("x")
    assert_user_error(cli("prepare", off, out, "--quiet"), str(out), "cannot write the prepared clouds there")


def test_prepare_fails_when_nothing_could_be_written(tmp_path):
    d = tmp_path / "off" / "box" / "train"; d.mkdir(parents=True)
    for i in range(2): (d / f"b{i}.off").write_text("OFF\n3 1 0\n0 0 0\n")
    r = cli("prepare", tmp_path / "off", tmp_path / "npy", "--quiet")
    assert_user_error(r, "none of its 2 meshes could be converted")
    assert "b0.off: truncated" in r.stderr


def test_prepare_refuses_to_mix_cloud_sizes(tmp_path):
    off, npy = box_tree(tmp_path / "off"), tmp_path / "npy"
    assert cli("prepare", off, npy, "--n-points", 128, "--quiet").returncode == 0
    (npy / "box" / "train" / "box_0000.npy").unlink()  # one missing: a rerun would write it
    assert_user_error(cli("prepare", off, npy, "--n-points", 256, "--quiet"), "holds clouds of 128 points")
    assert not (npy / "box" / "train" / "box_0000.npy").exists()
    (npy / "prepare.json").unlink()  # a folder from before the record: one of its clouds says the size
    assert_user_error(cli("prepare", off, npy, "--n-points", 256, "--quiet"), "holds clouds of 128 points")


# ------------------------------------------------------------------------------------------- files the loaders refuse
@pytest.mark.parametrize("name, write, message", [
    ("big", lambda p: np.save(p, np.array([[1e39, 0, 0], [0, 0, 0]])), "contains NaN or infinite coordinates (in float32)"),
    ("arch", lambda p: (np.savez(p.with_suffix(".npz"), x=np.zeros((4, 3))), p.with_suffix(".npz").rename(p)), "an .npz archive"),
    ("fifo", lambda p: os.mkfifo(p), "not a regular file"),
    ("zero", lambda p: os.symlink("/dev/zero", p), "not a regular file"),
])
def test_train_names_a_bad_cloud_file(tmp_path, name, write, message):
    if name == "fifo" and not hasattr(os, "mkfifo"): pytest.skip("no FIFOs on this system")
    d = tmp_path / "npy" / "box" / "train"; d.mkdir(parents=True)
    for i in range(3): np.save(d / f"ok{i}.npy", np.random.default_rng(i).normal(size=(128, 3)).astype(np.float32))
    write(d / f"{name}.npy")
    r = cli("train", "--preset", "tiny", "--data", tmp_path / "npy", "--category", "box", "--out", tmp_path / "run", "--quiet", timeout=120)
    assert_user_error(r, f"{name}.npy", message)
    assert stray(tmp_path / "run") == []


# -------------------------------------------------------------------------------------------------- permissions (13)
@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600)])
def test_outputs_respect_the_umask(tmp_path, umask, mode):
    def pre(): os.umask(umask); _limit_memory()
    r = subprocess.run([sys.executable, "-m", "gpointnet_nb.cli", "train", "--preset", "tiny", "--n-iters", "1",
                        "--out", str(tmp_path), "--n-samples", "1", "--quiet"], capture_output=True, text=True,
                       timeout=TIMEOUT, preexec_fn=pre)
    assert r.returncode == 0, r.stderr
    assert {p.name: oct(p.stat().st_mode & 0o777) for p in tmp_path.iterdir()} == {
        n: oct(mode) for n in ("model.pt", "samples.png", "samples.npy", "run.json")}


# ------------------------------------------------------------------------------------------------ interruptions (7, 11)
def children(pid: int) -> list[int]:
    "Process ids whose parent is `pid` (Linux /proc)."
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try: fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError: continue
        if int(fields[1]) == pid: out.append(int(stat.parent.name))
    return out


from gpointnet_nb.core import pid_alive as alive   # a zombie (exited, unreaped) counts as dead


N_SLOW = 160   # meshes in the slow tree: a fast CPU converts 40 of them in about a second, too soon to interrupt reliably


def slow_tree(root: Path, n: int = N_SLOW) -> Path:
    "n copies of a mesh with about 30,000 faces: each takes a worker a noticeable fraction of a second."
    from gpointnet_nb.meshes import write_off
    g = np.stack(np.meshgrid(np.arange(120), np.arange(120)), -1).reshape(-1, 2)
    v = np.c_[g, np.sin(g[:, :1] / 9.0)].astype(np.float64)
    i = (np.arange(119)[:, None] * 120 + np.arange(119)[None]).ravel()
    f = np.r_[np.c_[i, i + 1, i + 121], np.c_[i, i + 121, i + 120]]
    first = write_off(root / "m" / "train" / "m_0000.off", v, f)
    for k in range(1, n): shutil.copy(first, root / "m" / "train" / f"m_{k:04d}.off")
    return root


needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc to find worker processes")


def start_prepare(tmp_path):
    off, npy = slow_tree(tmp_path / "off"), tmp_path / "npy"
    p = subprocess.Popen([sys.executable, "-m", "gpointnet_nb.cli", "prepare", str(off), str(npy), "--workers", "2",
                          "--n-points", "256", "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         preexec_fn=_limit_memory, start_new_session=True)
    deadline = time.time() + TIMEOUT
    while len(children(p.pid)) < 2 and time.time() < deadline and p.poll() is None: time.sleep(0.2)
    workers = children(p.pid)
    assert len(workers) >= 2 and p.poll() is None, "the pool did not start"
    while not list(npy.glob("*/*/*.npy")) and time.time() < deadline and p.poll() is None: time.sleep(0.05)
    assert p.poll() is None, "prepare finished before the test could interrupt it: make the tree larger"   # the pool is at work
    return p, workers, npy


@needs_proc
@pytest.mark.parametrize("how, status", [("SIGTERM", 143), ("SIGINT", 130)])
def test_interrupted_prepare_stops_its_workers(tmp_path, how, status):
    p, workers, npy = start_prepare(tmp_path)
    if how == "SIGINT": os.killpg(p.pid, signal.SIGINT)  # Ctrl-C in a terminal reaches the whole process group
    else: p.send_signal(signal.SIGTERM)                  # `kill PID` reaches the main process only
    out, err = p.communicate(timeout=60)
    assert p.returncode == status and "Traceback" not in err, (p.returncode, err)
    assert "gpointnet: interrupted; the clouds finished so far are in" in err, err
    deadline = time.time() + 10
    while any(alive(w) for w in workers) and time.time() < deadline: time.sleep(0.2)
    assert not any(alive(w) for w in workers), "worker processes outlived the command"
    assert stray(npy) == []
    from gpointnet_nb.data import load_modelnet10
    if list(npy.glob("*/*/*.npy")): load_modelnet10(npy, "m", n_points=64)  # whatever was finished is loadable


@needs_proc
def test_workers_die_with_a_killed_parent(tmp_path):
    p, workers, npy = start_prepare(tmp_path)
    p.kill(); p.communicate(timeout=60)                  # SIGKILL: no cleanup code runs in the parent
    deadline = time.time() + 15
    while any(alive(w) for w in workers) and time.time() < deadline: time.sleep(0.2)
    assert not any(alive(w) for w in workers), "worker processes outlived a killed parent"
    r = cli("prepare", tmp_path / "off", npy, "--n-points", 256, "--workers", 2, "--quiet")   # a rerun finishes the job
    assert r.returncode == 0 and stray(npy) == [] and len(list(npy.glob("*/*/*.npy"))) == N_SLOW, r.stderr


def test_ctrl_c_during_training_keeps_the_previous_run(run_dir, tmp_path):
    out, before = copy_run(run_dir, tmp_path / "run")
    p = subprocess.Popen([sys.executable, "-m", "gpointnet_nb.cli", "train", "--preset", "tiny", "--n-iters", "100000",
                          "--out", str(out), "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         preexec_fn=_limit_memory)
    deadline = time.time() + TIMEOUT
    while not list(out.glob(".staging-*")) and time.time() < deadline and p.poll() is None: time.sleep(0.2)
    time.sleep(4)  # loading data, then training
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=60)
    assert p.returncode == 130 and "Traceback" not in err, (p.returncode, err)
    assert f"gpointnet: interrupted; the previous outputs in {out} are unchanged" in err or "last checkpoint" in err, err
    assert_intact(out, before)


# ------------------------------------------------------------------------------------------ fuzzing the .npy loader
from hypothesis import HealthCheck, given, settings, strategies as st
from hypothesis.extra.numpy import arrays, floating_dtypes
from gpointnet_nb.data import _read_cloud

FUZZ = settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(a=arrays(floating_dtypes(sizes=(16, 32, 64), endianness="="), st.tuples(st.integers(1, 40), st.just(3)),
                elements=st.floats(allow_nan=False, allow_infinity=False, width=16)))
def test_valid_clouds_load_exactly(tmp_path, a):
    np.save(tmp_path / "c.npy", a)
    np.testing.assert_array_equal(_read_cloud(tmp_path / "c.npy"), a.astype(np.float32))


@FUZZ
@given(a=arrays(st.sampled_from([np.float64, np.float32, np.float16, np.int32, np.uint8, np.complex64, np.bool_]),
                st.lists(st.integers(0, 5), min_size=0, max_size=3).map(tuple)), data=st.data())
def test_any_npy_file_loads_soundly_or_fails_naming_the_file(tmp_path, a, data):
    "Arbitrary arrays, then corrupted bytes: the loader returns a finite (N, 3) float32 cloud or a ValueError naming the file."
    path = tmp_path / "c.npy"; np.save(path, a)
    raw = path.read_bytes()
    kind = data.draw(st.sampled_from(["none", "truncate", "flip", "insert", "header"]), "kind")
    if kind == "truncate": raw = raw[:data.draw(st.integers(0, len(raw)), "cut")]
    elif kind == "flip":
        i = data.draw(st.integers(0, len(raw) - 1), "at"); raw = raw[:i] + bytes([raw[i] ^ data.draw(st.integers(1, 255))]) + raw[i + 1:]
    elif kind == "insert":
        i = data.draw(st.integers(0, len(raw)), "at"); raw = raw[:i] + data.draw(st.binary(min_size=1, max_size=8)) + raw[i:]
    elif kind == "header":  # a header that claims a huge or odd shape
        shape = data.draw(st.sampled_from(["(10**12, 3)", "(99999999999, 3)", "(-1, 3)", "(3,)", "()", "(2, 3, 1)"]))
        raw = raw.replace(repr(a.shape).encode(), shape.encode(), 1)
    path.write_bytes(raw)
    try:
        x = _read_cloud(path)
    except ValueError as e:
        assert "c.npy" in str(e), str(e)
        return
    assert x.dtype == np.float32 and x.ndim == 2 and x.shape[1] == 3 and len(x) > 0 and np.isfinite(x).all()
