"""Training levers at a fixed number of updates, for nbs/10_generation.ipynb (writes nbs/results/levers/NAME.json).

    .venv/bin/python nbs/results/levers.py --data ../shared/realdata/data/modelnet10_pc_2048 --name reg0.01_lr3e-3 --energy-reg 0.01 --lr 3e-3

Trains the `cpu20` preset's network, with the paper's chain (K = 64, δ = 0.01), a batch of 32 and no weight averaging unless told otherwise, on the chair training split for `--n-iters` updates (no wall-clock budget, one
thread, so that two runs can share the two cores and still be compared update for update), then scores 100 samples
of 512 points against the 100 test chairs exactly like `gpointnet eval`.
"""
import argparse, dataclasses, json, sys, time
from pathlib import Path
import torch
from gpointnet_nb.cli import preset_config
from gpointnet_nb.core import atomic_path, git_commit
from gpointnet_nb.data import load_modelnet10
from gpointnet_nb.generate import evaluate, sample_clouds
from gpointnet_nb.train import fit

p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
p.add_argument("--data", required=True, help="full ModelNet10 folder <class>/<split>/*.npy")
p.add_argument("--name", required=True, help="row name in the results file")
p.add_argument("--n-iters", type=int, default=300)
p.add_argument("--lr", type=float, default=5e-4)
p.add_argument("--energy-reg", type=float, default=0.0)
p.add_argument("--n-steps", type=int, default=64, help="K (the runs in levers/ used the paper's chain, 64 steps of 0.01)")
p.add_argument("--step-size", type=float, default=0.01, help="δ")
p.add_argument("--batch-size", type=int, default=32, help="B (the runs in levers/ used 32, the cpu20 preset's batch then)")
p.add_argument("--ema", type=float, default=0.0, help="β of the averaged weights (the runs in levers/ used none)")
p.add_argument("--threads", type=int, default=1)
p.add_argument("--out-dir", default=str(Path(__file__).with_name("levers")))
a = p.parse_args()
torch.set_num_threads(a.threads)
cfg = preset_config("cpu20", n_iters=a.n_iters, lr=a.lr, energy_reg=a.energy_reg, n_steps=a.n_steps, step_size=a.step_size,
                    batch_size=a.batch_size, ema=a.ema, device="cpu",
                    point_widths=(64, 64, 128), global_widths=(128, 64),   # the network the levers/*.json runs were measured with
                    quad=False, whiten=False, centre=False)   # cpu20 took the pair term and the centred g after these runs
cfg = dataclasses.replace(cfg, max_minutes=None)      # a fixed number of updates, not a time budget
t0 = time.perf_counter()
net, hist = fit(cfg, load_modelnet10(a.data, "chair", "train", n_points=None), progress=False)
seconds = time.perf_counter() - t0
refs = load_modelnet10(a.data, "chair", "test", n_points=512)[:100]
m = evaluate(sample_clouds(net, cfg, n=100, seed=0, n_points=512), refs)
row = {"name": a.name, "n_iters": a.n_iters, "lr": a.lr, "energy_reg": a.energy_reg, "n_steps": a.n_steps, "step_size": a.step_size, "train_seconds": seconds, "threads": a.threads,
       "f_real_last10": sum(hist["f_real"][-10:]) / 10, "f_syn_last10": sum(hist["f_syn"][-10:]) / 10,
       **{k: m[k] for k in ("1-NNA-CD", "COV-CD", "MMD-CD", "diversity")},
       "command": "python nbs/results/levers.py " + " ".join(sys.argv[1:]),
       "commit": git_commit()}
print(json.dumps(row))
out = Path(a.out_dir) / f"{a.name}.json"; out.parent.mkdir(parents=True, exist_ok=True)
with atomic_path(out, suffix=".json") as tmp: tmp.write_text(json.dumps(row, indent=1) + "\n")
