"""What the scripts of nbs/results/ share (imported by them, not run): the chair sets that `gpointnet eval` scores against."""
import argparse, json, sys
from pathlib import Path
from gpointnet_nb.core import atomic_path, git_commit
from gpointnet_nb.speed import machine_info
from gpointnet_nb.data import load_modelnet10
from gpointnet_nb.generate import baseline_clouds

def eval_refs(data: str):
    "The 100 test chairs of 512 points `gpointnet eval` scores against (seed 0)."
    return load_modelnet10(data, "chair", "test", n_points=512)[:100]

def eval_chairs(data: str):
    "(refs, train, real): `eval_refs`, the training chairs `gpointnet eval --baselines` draws from (seed + 1), and the 100 of them it scores."
    refs = eval_refs(data)
    train = load_modelnet10(data, "chair", "train", n_points=512, seed=1)
    return refs, train, baseline_clouds(train, refs)["train split"]

def ckpts_args(script: str, doc: str, ckpts_help: str = "chair checkpoints") -> argparse.Namespace:
    "The flags of a script that measures checkpoints against the test chairs: --data, --ckpts, --out (default: the script's name .json)."
    p = argparse.ArgumentParser(description=doc.splitlines()[0])
    p.add_argument("--data", required=True, help="full ModelNet10 folder <class>/<split>/*.npy")
    p.add_argument("--ckpts", nargs="+", required=True, help=ckpts_help)
    p.add_argument("--out", default=str(Path(script).with_suffix(".json")))
    return p.parse_args()

def write_result(path, out: dict) -> dict:
    "`out` with the provenance every result file carries (the command that reruns it, commit, machine), written atomically as JSON to `path`."
    out = out | {"command": f"python nbs/results/{Path(sys.argv[0]).name} " + " ".join(sys.argv[1:]), "commit": git_commit(), "machine": machine_info()}
    with atomic_path(path, suffix=".json") as tmp: Path(tmp).write_text(json.dumps(out, indent=1) + "\n")
    return out
