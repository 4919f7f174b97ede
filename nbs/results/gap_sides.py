"""Which side of 1-NNA catches the 20-minute model, and what it holds against its samples (writes nbs/results/gap_sides.json and gap_sides.png).

    .venv/bin/python nbs/results/gap_sides.py --data ../shared/realdata/data/modelnet10_pc_2048 --ckpt runs/cpu20_preset_seed3_repro/model.pt --mix-ckpt runs/cpu20_wide512_bf16_seed3/model.pt

Everything is scored like `gpointnet eval` (100 clouds of 512 points against the first 100 test chairs; the training-split
baseline is the same 100 training chairs as its --baselines) and sampled like it (the fp32 autograd chain). It records:
  sides      the two halves of 1-NNA-CD (`nna_sides`) for the model's samples of seeds 0, 1, 2 and for real training chairs
  halves     for each cloud, the two directed halves of Chamfer (`chamfer_parts`) to its nearest test chair, averaged
             (their sum is the CD to that chair), for real training chairs and the samples of seed 0
  thickness  `local_thickness` of real training chairs, of them jittered by 0.02 and 0.04, of the samples (seed 0)
  finish     all of these for the samples of seed 0 with a noise-free finish of 2 drift-only steps
  mix        with --mix-ckpt, 1-NNA-CD of 50 samples of each model together against each model's 100 alone (seeds 0, 1, 2)
and draws six samples beside their nearest training chairs (of all 889), seen from the side, into gap_sides.png.
"""
import argparse, json
from pathlib import Path
import matplotlib; matplotlib.use("Agg")
import matplotlib.pyplot as plt
import torch
from gpointnet_nb.core import atomic_path
from gpointnet_nb.generate import evaluate, local_thickness, sample_clouds
from gpointnet_nb.meshes import chamfer_parts
from gpointnet_nb.metrics import pairwise
from gpointnet_nb.train import load_checkpoint
from protocol import eval_chairs, write_result                                            # nbs/results/protocol.py

p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
p.add_argument("--data", required=True, help="full ModelNet10 folder <class>/<split>/*.npy")
p.add_argument("--ckpt", required=True, help="the chair checkpoint whose samples to examine")
p.add_argument("--mix-ckpt", default=None, help="a second chair checkpoint to mix half and half with the first")
p.add_argument("--out", default=str(Path(__file__).with_name("gap_sides.json")))
a = p.parse_args()
refs, train, real = eval_chairs(a.data)                                      # the chairs of `gpointnet eval --baselines`
SEEDS = (0, 1, 2)

MODELS = {ck: load_checkpoint(ck)[:2] for ck in (a.ckpt, a.mix_ckpt) if ck}     # (net, cfg), each loaded once

def draw(ckpt, seed, **kw):
    net, cfg = MODELS[ckpt]
    return sample_clouds(net, cfg, n=100, seed=seed, n_points=512, **kw)

def halves(x):
    "Mean directed Chamfer halves between each cloud of x and its nearest test chair, and x's local thickness."
    near = refs[pairwise(x, refs).argmin(1)]
    to_chair, from_chair = chamfer_parts(x.double(), near.double())
    return {"to_chair": to_chair.mean().item(), "from_chair": from_chair.mean().item(), "thickness": local_thickness(x)}

def sides(x):
    "1-NNA-CD, its two sides, and the diversity of x (mean CD from a cloud of x to its nearest other cloud of x)."
    m = evaluate(x, refs)
    return {k: m[k] for k in ("1-NNA-CD", "1-NNA-CD on samples", "1-NNA-CD on refs", "diversity")}

g = torch.Generator().manual_seed(0)
xs = {s: draw(a.ckpt, s) for s in SEEDS}                                     # each seed's samples, drawn once
model_sides = {s: sides(x) for s, x in xs.items()}
out = {"real": sides(real) | halves(real),
       "real_jitter": {s: {"thickness": local_thickness(real + s * torch.randn(real.shape, generator=g))} for s in (0.02, 0.04)},
       "model": {"ckpt": a.ckpt, "rows": [{"seed": s} | model_sides[s] for s in SEEDS]}}
x0 = xs[0]
out["model"]["seed0"] = model_sides[0] | halves(x0)
x0f = draw(a.ckpt, 0, n_steps=MODELS[a.ckpt][1].n_steps + 2, quench=2)
out["model"]["finish2_seed0"] = sides(x0f) | halves(x0f)
if a.mix_ckpt:
    rows = []
    for s in SEEDS:
        x, y = xs[s], draw(a.mix_ckpt, s)
        rows.append({"seed": s, "first": model_sides[s]["1-NNA-CD"], "second": evaluate(y, refs)["1-NNA-CD"],
                     "half_and_half": evaluate(torch.cat([x[:50], y[50:]]), refs)["1-NNA-CD"]})
    out["mix"] = {"ckpt": a.mix_ckpt, "rows": rows}

near = pairwise(x0[:6], train).argmin(1)                                     # nearest of all training chairs
fig, axes = plt.subplots(2, 6, figsize=(15, 5.4))
for i in range(6):
    for r, (c, title) in enumerate([(x0[i], f"sample {i}"), (train[near[i]], "its nearest training chair")]):
        ax = axes[r, i]; ax.scatter(c[:, 2], c[:, 1], s=2); ax.set_aspect("equal"); ax.set_xlim(-1, 1); ax.set_ylim(-1, 1)
        ax.set_title(title, fontsize=9); ax.axis("off")
fig.suptitle("side view (z, y): samples of seed 0 above, the nearest of the 889 training chairs below", fontsize=10)
fig.tight_layout()
png = Path(a.out).with_suffix(".png")
with atomic_path(png, suffix=".png") as tmp: fig.savefig(tmp, dpi=60, format="png")
out = write_result(a.out, out)
print(json.dumps({k: v for k, v in out.items() if k != "machine"}, indent=1))
