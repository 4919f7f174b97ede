"""What the chain's length does at sampling time, for nbs/10_generation.ipynb (writes nbs/results/chain_length.json).

    .venv/bin/python nbs/results/chain_length.py --ckpt runs/cpu20_seed2/model.pt --data ../shared/realdata/data/modelnet10_pc_2048

runs `gpointnet eval --ckpt CKPT --data DATA --n-steps K --seed S --json` for every K of --steps and S of --seeds (consecutive
seeds in one command, with --repeats): the same
trained model, the same starting noise for a given seed, sampled with chains shorter and longer than the K it was trained
with. `--chains autograd fast-bf16` also samples with the bf16 fast path of 08a (same seeds, so paired with the reference);
10 uses that with `--steps 32` for `sampler_fidelity.json`. The chain-length checkpoint is the seed-2 run of 10 with the narrower network, trained when that network was the cpu20 preset
(`python nbs/results/cpu20_run.py ... --name cpu20_seed2 -- --seed 2 --point-widths 64,64,128 --global-widths 128,64` today).
`--finish 0 2 4` appends that many drift-only steps after the K noisy ones (a noise-free finish at sampling time only;
`--out nbs/results/finish.json` for 10's table), and `--split train` scores against training chairs instead: a choice
made there is not made on the test chairs it is then reported on.
"""
import argparse, json, subprocess, sys
from pathlib import Path
from gpointnet_nb.cli import CHAINS
from gpointnet_nb.core import atomic_path, git_commit
from gpointnet_nb.speed import machine_info

p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
p.add_argument("--ckpt", required=True, help="a checkpoint trained with the cpu20 recipe")
p.add_argument("--data", required=True, help="full ModelNet10 folder <class>/<split>/*.npy")
p.add_argument("--steps", type=int, nargs="+", default=[16, 24, 32, 48, 64, 128], help="chain lengths K to sample with")
p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2], help="seeds of the samples")
p.add_argument("--chains", nargs="+", default=["autograd"], choices=CHAINS, help="the sampler's gradient paths")
p.add_argument("--finish", type=int, nargs="+", default=[0], help="drift-only steps appended after the K noisy ones (gpointnet eval --n-steps K+q --quench q)")
p.add_argument("--split", default="test", choices=("train", "test"), help="the real chairs the samples are scored against")
p.add_argument("--out", default=str(Path(__file__).with_name("chain_length.json")))
a = p.parse_args()
gp = str(Path(sys.executable).with_name("gpointnet"))
def runs_of(seeds):   # consecutive seeds s, s+1, ... go to one `gpointnet eval --seed s --repeats n` (its draws use exactly these seeds)
    out = []
    for s in seeds:
        if out and s == out[-1][0] + out[-1][1]: out[-1][1] += 1
        else: out.append([s, 1])
    return out
rows, commands = [], []
for k, chain, q, (s0, n) in ((k, c, q, r) for k in a.steps for c in a.chains for q in a.finish for r in runs_of(a.seeds)):
    cmd = ["eval", "--ckpt", a.ckpt, "--data", a.data, "--n-steps", str(k + q), "--seed", str(s0), "--json"] + (
        ["--repeats", str(n)] if n > 1 else []) + (["--chain", chain] if chain != "autograd" else []) + (
        ["--quench", str(q)] if q else []) + (["--split", a.split] if a.split != "test" else [])
    r = subprocess.run([gp] + cmd, capture_output=True, text=True)
    if r.returncode: sys.exit(f"gpointnet {' '.join(cmd)}\nfailed with exit status {r.returncode}:\n{r.stderr[-3000:]}")
    ev = json.loads(r.stdout)
    commands.append("gpointnet " + " ".join(cmd))
    for s, draw in zip(range(s0, s0 + n), ev.get("model_draws", [ev["model"]])):
        rows.append({"n_steps": k, "seed": s} | ({"chain": chain} if len(a.chains) > 1 else {}) | ({"finish": q} if a.finish != [0] else {})
                    | ({"split": a.split} if a.split != "test" else {}) | draw | {"trained_n_steps": ev["protocol"]["trained_n_steps"]})
        print(k, chain, q, s, {m: round(rows[-1][m], 4) for m in ("1-NNA-CD", "COV-CD", "MMD-CD", "diversity")}, flush=True)
run = Path(a.ckpt).with_name("run.json")
out = {"command": "python nbs/results/chain_length.py " + " ".join(sys.argv[1:]), "commit": git_commit(), "machine": machine_info(),
       "checkpoint_run": json.loads(run.read_text())["config"] if run.exists() else None, "commands": commands, "rows": rows}
with atomic_path(a.out, suffix=".json") as tmp: tmp.write_text(json.dumps(out, indent=1) + "\n")
