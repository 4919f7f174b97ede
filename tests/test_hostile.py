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


def test_divergence_is_one_line_and_debug_shows_the_traceback(tmp_path):
    "A FloatingPointError from training (injected: fit raises it) is one line, exit 1; --debug keeps the traceback."
    code = ("import sys, gpointnet_nb.cli as c, gpointnet_nb.train as t\n"
            "def fit(*a, **k): raise FloatingPointError('loss became nan at iteration 3')\n"
            "t.fit = fit\nsys.exit(c.main(sys.argv[1:]))")
    args = [sys.executable, "-c", code, "train", "--preset", "tiny", "--out", tmp_path / "run", "--quiet"]
    r = subprocess.run(list(map(str, args)), capture_output=True, text=True, timeout=TIMEOUT, preexec_fn=_limit_memory)
    assert_user_error(r, "training diverged: loss became nan at iteration 3", "--lr")
    assert not (tmp_path / "run" / "model.pt").exists()
    r = subprocess.run(list(map(str, args + ["--debug"])), capture_output=True, text=True, timeout=TIMEOUT, preexec_fn=_limit_memory)
    assert r.returncode == 1 and "Traceback" in r.stderr and "FloatingPointError" in r.stderr


def test_internal_errors_keep_their_traceback(tmp_path):
    "An unexpected exception (a bug) is not disguised as a user error."
    code = ("import sys, gpointnet_nb.cli as c, gpointnet_nb.train as t\n"
            "def fit(*a, **k): raise KeyError('bug')\n"
            "t.fit = fit\nsys.exit(c.main(sys.argv[1:]))")
    r = subprocess.run([sys.executable, "-c", code, "train", "--preset", "tiny", "--out", str(tmp_path), "--quiet"],
                       capture_output=True, text=True, timeout=TIMEOUT, preexec_fn=_limit_memory)
    assert r.returncode == 1 and "Traceback" in r.stderr and "KeyError: 'bug'" in r.stderr


def test_quiet_silences_progress(tmp_path):
    r = cli("train", "--preset", "tiny", "--out", tmp_path / "run", "--quiet", "--n-samples", 1)
    assert r.returncode == 0 and r.stderr == "", r.stderr
    assert r.stdout.strip() == f"samples written to {tmp_path / 'run' / 'samples.png'}"
