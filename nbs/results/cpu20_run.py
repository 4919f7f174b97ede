"""The 20-minute CPU chair model of nbs/10_generation.ipynb, end to end: train, score, draw the gallery, write the result.

    .venv/bin/python nbs/results/cpu20_run.py --data ../shared/realdata/data/modelnet10_pc_2048 --name cpu20 [-- extra train flags]

runs `gpointnet train --preset cpu20 ... --out runs/NAME [extra flags]`, then `gpointnet eval --ckpt runs/NAME/model.pt
--baselines --json` (100 samples of 512 points against the 100 test chairs, beside the training split and noise; when the config averages
the weights (ema, the preset's default), also the run's online weights, written to runs/NAME/online.pt) and
`gpointnet sample` for an 8-chair gallery, and writes nbs/results/NAME.json (+ NAME_samples.npy/.png with --gallery).
With --gallery-only it trains nothing: it draws the gallery of the existing runs/NAME/model.pt and adds its command to NAME.json.
A training that fails (e.g. diverges) writes nbs/results/failed/NAME.json instead: its command, commit, machine and error.
Run it alone on the machine: the preset stops at a wall-clock budget, so other work means fewer updates.
"""
import argparse, json, platform, subprocess, sys
from pathlib import Path
from gpointnet_nb.core import git_commit
from gpointnet_nb.speed import machine_info

p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
p.add_argument("--data", required=True, help="full ModelNet10 folder <class>/<split>/*.npy")
p.add_argument("--name", default="cpu20", help="run folder runs/NAME and result nbs/results/NAME.json")
p.add_argument("--gallery", action="store_true", help="also write nbs/results/NAME_samples.npy/.png (8 chairs)")
p.add_argument("--gallery-only", action="store_true", help="only draw the gallery of an existing run and record its command in NAME.json")
p.add_argument("train_flags", nargs="*", help="extra flags for gpointnet train (after --)")
a = p.parse_args()
here, bin_ = Path(__file__).resolve().parent, Path(sys.executable).parent
rel = here.relative_to(Path.cwd().resolve()) if here.is_relative_to(Path.cwd().resolve()) else here
run = Path("runs") / a.name
keep = [] if "--ckpt-every" in a.train_flags else ["--ckpt-every", "100000"]   # the final checkpoint keeps the training state
cmds = [f"gpointnet train --preset cpu20 --data {a.data} --category chair --out {run} " + " ".join(a.train_flags + keep),
        f"gpointnet eval --ckpt {run}/model.pt --data {a.data} --baselines --json"]
this_command = "python nbs/results/cpu20_run.py " + " ".join(sys.argv[1:])   # what reproduces the result file
sample = f"gpointnet sample --ckpt {run}/model.pt --n 8 --n-points 512 --out {rel / (a.name + '_samples.png')}"
def sh(cmd, record=False):
    r = subprocess.run([str(bin_ / cmd.split()[0])] + cmd.split()[1:], capture_output=True, text=True)
    if r.returncode:
        if record:   # a training that fails (e.g. diverges) is a result too: nbs/results/failed/NAME.json keeps why and how
            (here / "failed").mkdir(exist_ok=True)
            (here / "failed" / f"{a.name}.json").write_text(json.dumps(
                {"command": this_command, "commands": [cmd], "commit": git_commit(),
                 "machine_info": machine_info(), "exit_status": r.returncode, "stderr_tail": r.stderr[-3000:]}, indent=1) + "\n")
        sys.exit(f"{cmd}\nfailed with exit status {r.returncode}:\n{r.stderr[-3000:]}")   # keep the reason, not just the status
    return r.stdout
if a.gallery_only:   # an existing run: keep its result file, add the gallery and the command that drew it
    res = here / f"{a.name}.json"
    if not (run / "model.pt").exists() or not res.exists(): sys.exit(f"--gallery-only needs {run}/model.pt and {res}")
    sh(sample)
    res.write_text(json.dumps(json.loads(res.read_text()) | {"sample_command": sample}, indent=1) + "\n")
    sys.exit(0)
sh(cmds[0].strip(), record=True)
ev = json.loads(sh(cmds[1]))
if a.gallery: sh(sample)
r = json.loads((run / "run.json").read_text())
ev_online = None
if r["config"].get("ema"):  # the checkpoint holds the averaged weights; also score the weights the chains trained with
    import torch
    from gpointnet_nb.train import load_checkpoint, save_checkpoint
    net, cfg, extra = load_checkpoint(run / "model.pt")
    ts = torch.load(run / "model.pt", weights_only=True).get("train_state")
    if ts is None: sys.exit(f"{run}/model.pt has no training state (it needs --ckpt-every)")
    net.load_state_dict(ts["online"]); save_checkpoint(run / "online.pt", net, cfg, dict(extra))
    ev_online = json.loads(sh(cmds[1].replace("model.pt", "online.pt")))
mi = machine_info()   # the CPU's model and vector units: per-update times differ across machines
cpu = mi["cpu"] if mi["cpu"] != "?" else platform.processor()
out = {"commands": [c.strip() for c in cmds], "command": this_command,
       "commit": git_commit(), "machine_info": mi,
       "machine": f"{cpu}, {len(__import__('os').sched_getaffinity(0))} cores", "updates": r["updates"],
       "train_minutes": r["timings_s"]["train"] / 60, "per_update_s": r["timings_s"]["per_update"], "config": r["config"],
       "final": r["final"], "eval": ev} \
      | ({"eval_online_weights": ev_online} if ev_online else {}) | ({"sample_command": sample} if a.gallery else {})
(here / f"{a.name}.json").write_text(json.dumps(out, indent=1) + "\n")
print(json.dumps(ev["model"], indent=1))
