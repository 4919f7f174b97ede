"""Full-split classification measurement for nbs/13_classification.ipynb (writes nbs/results/classification.json).

    .venv/bin/python nbs/results/classify_full.py --data ../shared/realdata/data/modelnet10_pc_2048

1. trains an energy network WITHOUT labels on all 3,991 ModelNet10 training clouds (the network of the `cpu` preset of
   `gpointnet train` unless --point-widths/--global-widths say otherwise, shorter chains, the fast chain (fp32 unless --chain fast-bf16), for at most `--minutes` of wall clock, optionally with the energy
   penalty `--energy-reg`; skipped when `--ckpt` already exists);
2. for each seed: features of the trained net and of a randomly initialised net of the same architecture,
   a linear SVM with C chosen by k-fold CV on the training split only, accuracy on the 908 test clouds.
"""
import argparse, dataclasses, json, sys, time
from pathlib import Path
import numpy as np
import torch
from gpointnet_nb.cli import CHAINS, preset_config
from gpointnet_nb.data import load_modelnet10, modelnet_classes
from gpointnet_nb.core import seed_everything
from gpointnet_nb.speed import machine_info
from gpointnet_nb.train import fit, load_checkpoint, save_checkpoint
from gpointnet_nb.classify import evaluate_svm, extract_features, fit_svm, random_feature_net

p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
p.add_argument("--data", required=True, help="full ModelNet10 folder <class>/<split>/*.npy")
p.add_argument("--ckpt", default="../runs/downstream/energy_all.pt", help="energy net on all classes (trained if missing)")
p.add_argument("--n-iters", type=int, default=5000, help="at most this many energy-net updates when training")
p.add_argument("--minutes", type=float, default=12, help="wall-clock budget of the training")
p.add_argument("--train-points", type=int, default=256, help="points per cloud in training")
p.add_argument("--n-steps", type=int, default=16, help="Langevin steps per update in training")
p.add_argument("--lr", type=float, default=5e-4, help="learning rate of the training")
p.add_argument("--batch-size", type=int, default=32, help="clouds per update in training")
p.add_argument("--step-size", type=float, default=0.01, help="Langevin step δ in training")
p.add_argument("--ema", type=float, default=0.0, help="weight averaging β of the training (0: none; the features use the average)")
p.add_argument("--chain", choices=CHAINS, default="fast", help="the training chain (fast-bf16: bf16 matmuls, for CPUs with bf16 units)")
p.add_argument("--compile", action=argparse.BooleanOptionalAction, default=False, help="torch.compile the training chain")
p.add_argument("--train-seed", type=int, default=0, help="seed of the energy net's training")
p.add_argument("--energy-reg", type=float, default=0.0, help="energy penalty α of eq. (3) in 08_training (0: eq. (2) alone)")
p.add_argument("--n-points", type=int, default=512, help="points per cloud for the features")
p.add_argument("--point-widths", type=int, nargs="+", default=None, help="per-point MLP widths (default: the preset's)")
p.add_argument("--global-widths", type=int, nargs="+", default=None, help="global MLP widths (default: the preset's)")
p.add_argument("--folds", type=int, default=3, help="cross-validation folds on the training split")
p.add_argument("--Cs", type=float, nargs="+", default=[1e-3, 1e-2, 1e-1], help="candidate C values")
p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
p.add_argument("--threads", type=int, default=1)
p.add_argument("--out", default=str(Path(__file__).with_name("classification.json")))
a = p.parse_args()
torch.set_num_threads(a.threads)
t0 = time.perf_counter()
train = load_modelnet10(a.data, split="train", n_points=a.n_points)
test = load_modelnet10(a.data, split="test", n_points=a.n_points, seed=1)
ck = Path(a.ckpt)
if ck.exists():
    net, cfg, extra = load_checkpoint(ck)
else:   # the `cpu` preset's network, shorter chains, the fast chain of 08a (--chain; compiled with --compile); stop at the wall-clock budget
    cfg = preset_config("cpu", n_iters=a.n_iters, n_points=a.train_points, n_steps=a.n_steps, precision="fp32", compile=a.compile,
                        chain=a.chain, max_minutes=a.minutes, device="cpu", batch_size=a.batch_size, step_size=a.step_size, ema=a.ema,
                        lr=a.lr, energy_reg=a.energy_reg, seed=a.train_seed,   # defaults: the cpu preset's values before it took the cpu20 recipe
                        point_widths=a.point_widths and tuple(a.point_widths), global_widths=a.global_widths and tuple(a.global_widths))
    data = load_modelnet10(a.data, split="train", n_points=None)[0]
    ts = time.perf_counter()
    net, history = fit(cfg, data)
    cfg = dataclasses.replace(cfg, n_iters=len(history["loss"]), max_minutes=None)   # what was actually run
    extra = {"train_seconds": time.perf_counter() - ts, "train_cpu_seconds": time.process_time(), "threads": a.threads,
             "data": "all ModelNet10 training clouds, no labels", "history": history, "machine_info": machine_info()}
    save_checkpoint(ck, net, cfg, extra)
print("feature net ready:", {k: v for k, v in extra.items() if k != "history"}, flush=True)
rows, feats = [], {}
for s in a.seeds:   # the trained net's features are extracted once; its seeds differ by the CV folds only
    for kind in ("trained", "random init"):
        if kind not in feats or kind == "random init":
            n = net if kind == "trained" else random_feature_net(cfg, s)
            feats[kind] = extract_features(n, train[0]), extract_features(n, test[0])
        t1 = time.perf_counter()
        r = evaluate_svm(fit_svm(feats[kind][0], train[1], seed=s, Cs=tuple(a.Cs), n_folds=a.folds), feats[kind][1], test[1], 10)
        rows.append({"features": kind, "seed": s} | r | {"svm_seconds": time.perf_counter() - t1})
        print(kind, s, r["accuracy"], r["C"], f"{time.perf_counter() - t1:.0f} s", flush=True)
summary = {}
for kind in ("trained", "random init"):
    acc = np.array([r["accuracy"] for r in rows if r["features"] == kind]) * 100
    summary[kind] = {"mean": acc.mean(), "std": acc.std(ddof=1), "n": len(acc), "Cs": [r["C"] for r in rows if r["features"] == kind],
                     "accuracies": acc.tolist()}
cfg_d = {k: getattr(cfg, k) for k in ("n_points", "batch_size", "n_iters", "n_steps", "step_size", "lr", "energy_reg", "ema", "seed", "point_widths", "global_widths", "compile", "chain")}
out = {"command": "python nbs/results/classify_full.py " + " ".join(sys.argv[1:]),
       "budget": f"energy net: {cfg.n_iters} updates, {extra.get('train_seconds', float('nan')) / 60:.1f} min wall of training on {extra.get('threads', '?')} CPU thread(s) "
                 f"of a shared 2-core machine, preset cpu {cfg_d}; features of {a.n_points} points per cloud; C from {a.Cs} by {a.folds}-fold CV",
       "classes": modelnet_classes(a.data), "n_train": len(train[0]), "n_test": len(test[0]), "summary": summary,
       "confusion_trained": next(r["confusion"] for r in rows if r["features"] == "trained"), "rows": rows,
       "seconds": time.perf_counter() - t0, "torch": torch.__version__, "machine_info": machine_info(),   # where the features and SVMs ran
       "train_machine_info": extra.get("machine_info", "not recorded (the checkpoint predates the field)")}
Path(a.out).write_text(json.dumps(out, indent=1) + "\n")
print(json.dumps(summary, indent=1))
