"""Whether the global MLP of trained chair models bends where the clouds are (writes nbs/results/global_kinks.json).

    .venv/bin/python nbs/results/global_kinks.py --data ../shared/realdata/data/modelnet10_pc_2048 --ckpts runs/A/model.pt runs/B/model.pt ...

For each checkpoint it computes the pooled features that the global MLP g reads (centred, for a model trained with
`centre`) of 100 test chairs, 50 of the model's samples (seed 0, the sampler of `gpointnet eval`) and 50 clouds of the
chains' starting noise, all of 512 points, and for each hidden layer of g counts the units whose pre-activation
changes sign somewhere among those 200 clouds. A unit that never does is on for all of them or off for all of them;
if no unit of a layer does, g is one linear map on everything the model meets. It also records, per layer, the median
over units of |mean| / std of the pre-activation over the clouds: how far from its kink a unit sits, in units of the
spread the clouds give it.
"""
import json
import torch
from torch import nn
from gpointnet_nb.generate import sample_clouds
from gpointnet_nb.train import load_checkpoint, start_noise
from protocol import ckpts_args, eval_refs, write_result                                              # nbs/results/protocol.py

a = ckpts_args(__file__, __doc__)
refs = eval_refs(a.data)                                                     # the test chairs of `gpointnet eval`
rows = []
for ck in a.ckpts:
    net, cfg, _ = load_checkpoint(ck)
    clouds = torch.cat([refs, sample_clouds(net, cfg, n=50, seed=0, n_points=512),
                        start_noise((50, 512, 3), cfg, torch.Generator().manual_seed(1))])
    with torch.no_grad():
        h, layers = net.global_input(net.features(clouds)), []
        for m in net.global_mlp:
            h = m(h)
            if isinstance(m, nn.Linear) and h.shape[1] > 1:   # a hidden layer's pre-activations (the output layer has one unit)
                on = (h > 0).float().mean(0)
                layers.append({"units": h.shape[1], "units_that_bend": int(((on > 0) & (on < 1)).sum()),
                               "median_mean_over_std": float((h.mean(0).abs() / h.std(0)).median())})
    rows.append({"ckpt": ck, "centre": cfg.centre, "layers": layers})
    print(json.dumps(rows[-1]))
write_result(a.out, {"rows": rows, "clouds": "100 test chairs, 50 samples (seed 0), 50 starting-noise clouds, 512 points each"})
