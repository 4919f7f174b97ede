"gpointnet_nb.viz stays importable and useful without k3d / ipywidgets (they are imported lazily)."
import subprocess, sys


def test_viz_without_k3d_or_ipywidgets():
    code = """
import sys
sys.modules["k3d"] = None; sys.modules["ipywidgets"] = None   # `import k3d` now raises ImportError
import matplotlib; matplotlib.use("Agg")
import numpy as np
import gpointnet_nb.viz as viz
assert "k3d" not in [m for m in sys.modules if sys.modules[m] is not None]
assert viz.interactive_mode() is False
axes = viz.view_clouds(np.zeros((3, 10, 3)))                   # falls back to the static grid
assert len(axes) == 3 and all(a.get_visible() for a in axes)
assert len(viz.chain_slider(np.zeros((9, 10, 3)), panels=3)) == 3
"""
    subprocess.run([sys.executable, "-c", code], check=True, env={"GPOINTNET_VIZ": "interactive", "PATH": ""})


def test_jupyterlab_can_show_the_widgets():
    "`make lab` runs this environment's JupyterLab: the widget manager and anywidget (which k3d 3 renders through) are there."
    from pathlib import Path
    jupyter = Path(sys.executable).parent / "jupyter"
    out = subprocess.run([str(jupyter), "labextension", "list"], capture_output=True, text=True, check=True)
    listing = out.stdout + out.stderr
    for ext in ("@jupyter-widgets/jupyterlab-manager", "anywidget"):
        assert f"{ext} v" in listing and "enabled" in listing, f"JupyterLab lacks {ext}:\n{listing}"
