"book/prepare_pages.py: what the build does to the executed notebooks before Jupyter Book renders them."
import copy, json, sys
from conftest import REPO
sys.path.insert(0, str(REPO / "book"))
from prepare_pages import polish, toc_text, reproduce_page, performance_page, _papermill_command


def _nb():
    code = lambda src, tags=(), outputs=(): {"cell_type": "code", "metadata": {"tags": list(tags)}, "source": src,
                                             "outputs": list(outputs), "execution_count": 1}
    return {"metadata": {}, "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": "# Title\n> sub"},
        code("#| default_exp viz"),
        code("# Parameters\nckpt_path = '/tmp/pytest-of-root/x.pt'\n", tags=["injected-parameters"]),
        code("#| export\ndef f(): return 1\n#|  hide\nx = 1"),
        code("print(path)", outputs=[{"output_type": "stream", "name": "stdout",
                                      "text": ["saved /tmp/pytest-of-root/pytest-3/test_a0/first.pt\n"]}]),
    ]}


def test_polish_strips_directives_and_parameters_and_adds_one_next_link():
    nb = polish(_nb(), "executed/06_pointnet")
    sources = ["".join(c["source"]) for c in nb["cells"]]
    assert not any("#|" in s for s in sources), sources
    assert "def f(): return 1\nx = 1" in sources                          # the code itself stays
    assert not any("ckpt_path" in s for s in sources)                     # papermill's injected cell is gone
    assert sources[-1].endswith("**Next:** {doc}`/executed/06_pointnet`")
    text = json.dumps(nb, ensure_ascii=False)
    assert "/tmp/" not in text and "$TMPDIR/…/first.pt" in text
    again = polish(copy.deepcopy(nb), "executed/06_pointnet")
    assert again == nb                                                     # idempotent: one Next link per page
    assert not any("Next:" in "".join(c["source"]) for c in polish(_nb(), None)["cells"])  # the last page has none


def test_toc_lists_only_notebooks_that_exist(tmp_path):
    for name in ["index", "00_core", "01_gan", "02a_x", "04a_meshes", "05_viz", "12_interpolation", "99_new"]:
        (tmp_path / f"{name}.ipynb").write_text("{}")
    toc = toc_text(tmp_path)
    parts = {p.split("\n")[0]: p for p in toc.split("  - caption: ")[1:]}
    assert set(parts) == {"Foundations", "Point clouds and PointNet", "Applications", "Appendix"}  # no empty part
    assert "executed/02a_x" in parts["Foundations"] and "executed/12_interpolation" in parts["Applications"]
    assert "executed/04a_meshes" in parts["Appendix"] and "executed/99_new" in parts["Appendix"]
    assert "executed/08_training" not in toc and "executed/index" not in "".join(parts.values())


def test_generated_pages(tmp_path):
    assert "gpointnet bench --json > nbs/results/bench.json" in performance_page(tmp_path / "absent.json")
    bench = tmp_path / "bench.json"
    bench.write_text(json.dumps({"machine": {"cores": 2}, "train": [{"preset": "cpu", "s_per_update": 0.7712}]}))
    page = performance_page(bench)
    assert "| preset | s_per_update |" in page and "| cpu | 0.7712 |" in page and "| cores | 2 |" in page
    cmd = _papermill_command("08_training", {"n_iters": 30, "ckpt_path": "/tmp/pytest-of-root/p/first.pt"})
    assert cmd.endswith("-p n_iters 30 -p ckpt_path runs/08_training.pt") and "/tmp/" not in cmd
