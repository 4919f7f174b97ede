"""What the scripts of nbs/results/ share (imported by them, not run): the chair sets that `gpointnet eval` scores against."""
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
