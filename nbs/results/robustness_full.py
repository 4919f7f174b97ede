"""Full-split robustness measurement for nbs/14_robustness.ipynb (writes nbs/results/robustness.json).

    .venv/bin/python nbs/results/robustness_full.py --data ../shared/realdata/data/modelnet10_pc_2048

1. trains a supervised PointNet with the energy network's architecture on the clean training clouds (cross-entropy,
   for at most `--minutes` of wall clock; skipped when `--clf` exists);
2. waits for the energy network that nbs/results/classify_full.py trains (`--ckpt`), fits the SVM on its clean training
   features (C by 3-fold CV on train) and on those of a random network of the same architecture;
3. corrupts the test clouds (keep a fraction, add uniform outliers, add Gaussian noise; seed 0) and records accuracies.
"""
import argparse, json, sys, time
from pathlib import Path
import numpy as np
import torch
import torch.nn.functional as F
from gpointnet_nb.core import atomic_path, seed_everything
from gpointnet_nb.data import load_modelnet10, modelnet_classes, subsample_points
from gpointnet_nb.train import load_checkpoint
from gpointnet_nb.classify import extract_features, fit_svm, random_feature_net
from gpointnet_nb.robustness import supervised_pointnet, predict_classifier, robustness_curve

p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
p.add_argument("--data", required=True, help="full ModelNet10 folder <class>/<split>/*.npy")
p.add_argument("--ckpt", default="../runs/downstream/energy_all.pt", help="energy net of classify_full.py")
p.add_argument("--clf", default="../runs/downstream/supervised.pt", help="supervised classifier (trained if missing)")
p.add_argument("--minutes", type=float, default=10, help="wall-clock budget of the supervised training")
p.add_argument("--n-points", type=int, default=512, help="points per clean test cloud")
p.add_argument("--train-points", type=int, default=256, help="points per cloud in the supervised training")
p.add_argument("--threads", type=int, default=1)
p.add_argument("--out", default=str(Path(__file__).with_name("robustness.json")))
a = p.parse_args()
torch.set_num_threads(a.threads)
WIDTHS = dict(point_widths=(64, 64, 128), global_widths=(128, 64))   # the `cpu` preset's network, as in classify_full.py
train = load_modelnet10(a.data, split="train", n_points=a.n_points)
test = load_modelnet10(a.data, split="test", n_points=a.n_points, seed=1)
K = len(modelnet_classes(a.data))
clf = supervised_pointnet(**WIDTHS, n_classes=K)
if Path(a.clf).exists():
    ck = torch.load(a.clf, weights_only=True); clf.load_state_dict(ck["state_dict"]); clf_info = ck["info"]
else:
    seed_everything(0); opt, losses, ts = torch.optim.Adam(clf.parameters(), lr=1e-3), [], time.perf_counter()
    clf.train()
    while time.perf_counter() - ts < 60 * a.minutes:
        i = torch.randint(len(train[0]), (32,))
        loss = F.cross_entropy(clf(subsample_points(train[0][i], a.train_points, seed=None)), train[1][i])
        opt.zero_grad(); loss.backward(); opt.step(); losses.append(loss.item())
        if len(losses) % 50 == 0: print(len(losses), f"{time.perf_counter() - ts:.0f} s", np.mean(losses[-50:]), flush=True)
    clf_info = {"updates": len(losses), "batch_size": 32, "n_points": a.train_points, "lr": 1e-3,
                "seconds": time.perf_counter() - ts, "final_loss": float(np.mean(losses[-50:]))}
    with atomic_path(a.clf) as tmp: torch.save({"state_dict": clf.state_dict(), "info": clf_info}, tmp)
clf.eval()
print("supervised:", clf_info, flush=True)
while not Path(a.ckpt).exists(): time.sleep(20)   # written atomically by classify_full.py
net, cfg, extra = load_checkpoint(a.ckpt)
def svm_method(n):
    svm = fit_svm(extract_features(n, train[0]), train[1], seed=0, Cs=(1e-3, 1e-2, 1e-1), n_folds=3)
    print("svm C", svm.best_params_, flush=True)
    return lambda c: svm.predict(extract_features(n, c).numpy())
methods = {"EBM features + SVM": svm_method(net), "random features + SVM": svm_method(random_feature_net(cfg, 0)),
           "supervised PointNet": lambda c: predict_classifier(clf, c)}
LEVELS = {"keep": [1.0, 0.5, 0.25, 0.12, 0.06], "outliers": [0, 25, 50, 100, 200], "noise": [0.0, 0.005, 0.01, 0.02, 0.04, 0.08]}
curves = {}
for c, lv in LEVELS.items():
    curves[c] = robustness_curve(methods, test[0], test[1], c, lv, seed=0)
    print(c, curves[c], flush=True)
out = {"command": "python nbs/results/robustness_full.py " + " ".join(sys.argv[1:]),
       "budget": f"supervised PointNet {clf_info['updates']} updates in {clf_info['seconds'] / 60:.1f} min wall; energy net "
                 f"{cfg.n_iters} updates in {extra.get('train_seconds', float('nan')) / 60:.1f} min wall; {a.threads} thread(s) "
                 "on a shared 2-core CPU",
       "n_points": a.n_points, "n_test": len(test[0]), "architecture": {k: list(v) for k, v in WIDTHS.items()},
       "clean": {m: r[0] for m, r in curves["keep"].items() if m != "levels"}, "curves": curves, "supervised": clf_info}
Path(a.out).write_text(json.dumps(out, indent=1) + "\n")
