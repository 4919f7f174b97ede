"Shared helpers: paths, the optional full ModelNet10 copy, and a papermill runner."
import os
from pathlib import Path
import pytest

REPO = Path(__file__).resolve().parents[1]
NBS = REPO / "nbs"
EXECUTED = REPO / "book" / "executed"  # the book is built from these papermill outputs
# the project's full real data sits beside the repository; a user's clone does not have it
FULL_ROOT = Path(os.environ.get("GPOINTNET_MODELNET10", REPO.parent / "shared/realdata/data/modelnet10_pc_2048"))
OFF_ROOT = REPO.parent / "shared/realdata/data/ModelNet10"

needs_full_data = pytest.mark.skipif(not FULL_ROOT.is_dir(), reason=f"full ModelNet10 copy not found at {FULL_ROOT} "
                                     "(set GPOINTNET_MODELNET10); the embedded sample is tested instead")

needs_off_data = pytest.mark.skipif(not OFF_ROOT.is_dir(), reason=f"real OFF meshes not found at {OFF_ROOT}")


def run_notebook(name: str, out: Path, **params) -> Path:
    "Execute nbs/<name>.ipynb with papermill (cwd nbs/, like nbdev_test) and return the output path."
    import papermill as pm
    os.environ.pop("MPLBACKEND", None)  # a non-inline backend in the kernel would leave the book without figures
    os.environ["GPOINTNET_VIZ"] = "static"  # papermill's kernel looks live: static figures and book snapshots, no widgets
    # one BLAS/OpenMP thread per kernel: the notebooks' small models gain nothing from a second thread, and when other
    # work shares the cores, spinning thread pools made them up to ~14x slower (measured while 7 jobs shared 2 cores)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    out.parent.mkdir(parents=True, exist_ok=True)
    pm.execute_notebook(str(NBS / f"{name}.ipynb"), str(out), parameters=params, cwd=str(NBS),
                        kernel_name="python3", progress_bar=False, execution_timeout=600)
    return out
