"""What the generation scores of nbs/10_generation.ipynb see: known damage done to real chairs (writes nbs/results/gap_probe.json).

    .venv/bin/python nbs/results/gap_probe.py --data ../shared/realdata/data/modelnet10_pc_2048 [--ckpt runs/NAME/model.pt]

takes the training-split baseline of `gpointnet eval --baselines` (the same 100 training chairs of 512 points, scored the
same way against the same 100 test chairs) and damages it in one way at a time, each by a seeded amount:
  jitter s   every point moves by s·N(0, I): the fuzz a chain's last noisy step leaves (s = δ)
  shift s    every cloud moves as a whole by s·N(0, I): an off-centre cloud
  aspect a   each cloud's per-axis log-std is pulled towards the set's mean by the factor a: less variety of proportions
  clump m    each cloud keeps 512/m distinct points, each m times: points gathered on fewer places
With --ckpt it also draws 100 samples of that model (seed 0, the sampler of `gpointnet eval`) and records the statistics
the damages are about (centroid spread, spread of per-axis log-std over clouds, the mean distance from a point to the
nearest other point of its cloud) for the samples and for real chairs; every damaged set records that distance too.
It then scores the model's samples of seeds 0, 1, 2 as drawn and with a noise-free finish of 2 drift-only steps (the
sampler of `gpointnet eval --n-steps K+2 --quench 2`), against the same test chairs, with their point spacing.
"""
import argparse, json, sys
from pathlib import Path
import torch
from gpointnet_nb.core import atomic_path, git_commit
from gpointnet_nb.generate import evaluate, point_spacing
from gpointnet_nb.speed import machine_info
from protocol import eval_chairs                                             # nbs/results/protocol.py

p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
p.add_argument("--data", required=True, help="full ModelNet10 folder <class>/<split>/*.npy")
p.add_argument("--ckpt", default=None, help="a chair checkpoint whose samples' statistics to record beside the real chairs'")
p.add_argument("--out", default=str(Path(__file__).with_name("gap_probe.json")))
a = p.parse_args()
refs, train, real = eval_chairs(a.data)                                      # the chairs of `gpointnet eval --baselines`

def damage(x, kind, level, g):
    if kind == "jitter": return x + level * torch.randn(x.shape, generator=g)
    if kind == "shift": return x + level * torch.randn(len(x), 1, 3, generator=g)
    if kind == "aspect":
        ls = x.std(1).log(); mu = ls.mean(0)
        return x * torch.exp((level - 1) * (ls - mu))[:, None, :]    # log-std: mu + level·(ls − mu)
    if kind == "clump": return x[:, : x.shape[1] // int(level)].repeat_interleave(int(level), 1)
    raise ValueError(kind)

def stats(x):
    ls = x.std(1).log()
    return {"centroid_sd": x.mean(1).std(0).tolist(), "log_std_sd": ls.std(0).tolist(), "log_std_mean": ls.mean(0).tolist(), "nn_dist": point_spacing(x)}

keys = ("1-NNA-CD", "COV-CD", "MMD-CD", "diversity")
grid = [("none", 0)] + [("jitter", s) for s in (0.01, 0.02, 0.03, 0.04)] + [("shift", s) for s in (0.01, 0.02, 0.04)] \
     + [("aspect", f) for f in (0.8, 0.6)] + [("clump", m) for m in (2, 4)]
rows = []
for i, (kind, level) in enumerate(grid):
    x = real if kind == "none" else damage(real, kind, level, torch.Generator().manual_seed(100 + i))
    ev = evaluate(x, refs)
    rows.append({"damage": kind, "level": level} | {k: ev[k] for k in keys} | {"nn_dist": point_spacing(x)})
    print(kind, level, {k: round(ev[k], 4) for k in keys}, flush=True)
out = {"command": "python nbs/results/gap_probe.py " + " ".join(sys.argv[1:]), "commit": git_commit(), "machine": machine_info(),
       "rows": rows, "real_train": stats(real), "real_test": stats(refs)}
if a.ckpt:   # the model's samples: the statistics above, and whether a finish that removes the last noise moves the score
    from gpointnet_nb.generate import sample_clouds
    from gpointnet_nb.train import load_checkpoint
    net, cfg, _ = load_checkpoint(a.ckpt)
    out["model_finish"] = []
    for q in (0, 2):   # q drift-only steps after the model's own K noisy ones (`gpointnet eval --n-steps K+q --quench q`)
        xs = [sample_clouds(net, cfg, n=100, seed=s, n_points=512, n_steps=cfg.n_steps + q, quench=q) for s in range(3)]
        if q == 0: out["model"] = stats(xs[0]) | {"ckpt": a.ckpt}
        out["model_finish"].append({"finish": q, "seeds": [0, 1, 2], "1-NNA-CD": [evaluate(x, refs)["1-NNA-CD"] for x in xs],
                                    "nn_dist": [point_spacing(x) for x in xs]})
        print("model, finish", q, out["model_finish"][-1], flush=True)
    run = Path(a.ckpt).with_name("run.json")
    out["checkpoint_run"] = json.loads(run.read_text())["config"] if run.exists() else None
with atomic_path(a.out, suffix=".json") as tmp: tmp.write_text(json.dumps(out, indent=1) + "\n")
