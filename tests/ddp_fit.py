"Run by tests/test_train.py under torchrun: fit a tiny config from argv[1] (a JSON TrainConfig) into checkpoint argv[2]."
import json, sys
import torch
from gpointnet_nb.data import load_modelnet10
from gpointnet_nb.train import config_from_dict, fit

torch.set_num_threads(1)
cfg = config_from_dict(json.loads(sys.argv[1]))
fit(cfg, load_modelnet10(category="chair", n_points=32)[:16], progress=False, ckpt_path=sys.argv[2])
