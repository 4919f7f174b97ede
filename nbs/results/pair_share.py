"""How much the pair term of `quad` (06) does in trained chair models (writes nbs/results/pair_share.json).

    .venv/bin/python nbs/results/pair_share.py --data ../shared/realdata/data/modelnet10_pc_2048 --ckpts runs/A/model.pt runs/B/model.pt ...

For each checkpoint trained with `quad` it takes 100 test chairs and 100 of the model's samples (seed 0, the sampler of
`gpointnet eval`), all of 512 points, and records
- the pair term's share of the chain's gradient: ‖∇f − ∇f₀‖ / ‖∇f‖ over the samples, f₀ the same network without the pair
  term (the force the pair term adds, next to the whole force of f);
- the spread of the pair term's input u (the centred pooled features, scaled by `pair_scale`): the trace of its covariance
  over the samples and over the test chairs, and their ratio (1: the samples' features vary as much as real chairs');
- the eigenvalues of the symmetric part of W at both ends.
"""
import json, sys
import torch
from gpointnet_nb.generate import sample_clouds
from gpointnet_nb.train import load_checkpoint
from protocol import ckpts_args, eval_refs, write_result                                              # nbs/results/protocol.py

a = ckpts_args(__file__, __doc__, "chair checkpoints trained with quad")
refs = eval_refs(a.data)                                                     # the test chairs of `gpointnet eval`

def grad(net, x):
    x = x.clone().requires_grad_(True)
    return torch.autograd.grad(net(x).sum(), x)[0]

rows = []
for ck in a.ckpts:
    net, cfg, _ = load_checkpoint(ck)
    if not cfg.quad: sys.exit(f"{ck}: trained without quad, so it has no pair term")
    syn = sample_clouds(net, cfg, n=100, seed=0, n_points=512)
    g = grad(net, syn)
    net.quad = False; g0 = grad(net, syn); net.quad = True                   # the same network without its pair term
    with torch.no_grad():
        spread = {k: float(torch.cov(net.pair_input(net.features(x)).T).trace()) for k, x in (("samples", syn), ("test chairs", refs))}
        eig = torch.linalg.eigvalsh((net.quad_weight + net.quad_weight.T) / 2)
    rows.append({"ckpt": ck, "whiten": cfg.whiten, "grad_share": float((g - g0).norm() / g.norm()),
                 "spread_samples": spread["samples"], "spread_test": spread["test chairs"],
                 "spread_ratio": spread["samples"] / spread["test chairs"], "w_eig_min": float(eig[0]), "w_eig_max": float(eig[-1])})
    print(json.dumps(rows[-1]))
write_result(a.out, {"rows": rows, "clouds": "100 test chairs, 100 samples (seed 0), 512 points each"})
