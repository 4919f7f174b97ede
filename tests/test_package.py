"The package imports as documented, and the notebooks keep the metadata the book and papermill need."
import json, re, subprocess, sys
from conftest import NBS, REPO


def test_documented_imports():
    code = ("import gpointnet_nb; from gpointnet_nb.pointnet import EnergyPointNet; "
            "from gpointnet_nb.langevin import langevin_sample; from gpointnet_nb.train import TrainConfig, fit; "
            "from gpointnet_nb.data import load_modelnet10")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_hidden_cells_are_removed_from_the_book():
    for nb in NBS.glob("*.ipynb"):
        for i, c in enumerate(json.loads(nb.read_text())["cells"]):
            if c["cell_type"] == "code" and re.match(r"\s*#\|\s*hide\b", "".join(c["source"])):
                assert "remove-cell" in c.get("metadata", {}).get("tags", []), f"{nb.name} cell {i}"


def test_every_notebook_is_in_the_book():
    "`make book` writes book/_toc.yml from nbs/: every notebook is in it, in a part chosen by its number (no fallback)."
    sys.path.insert(0, str(REPO / "book"))
    from prepare_pages import part_of, toc_text, page_order
    toc = toc_text()
    for nb in NBS.glob("*.ipynb"):
        assert f"executed/{nb.stem}" in toc, f"{nb.name} is not in book/_toc.yml"
        assert nb.stem == "index" or part_of(nb.stem), f"{nb.name}: add its number to PARTS in book/prepare_pages.py"
    assert part_of("02a_theory") == "Foundations" and part_of("04a_meshes") == "Appendix" and part_of("99_x") is None
    assert part_of("10_generation") == "Energy-based learning" and part_of("12_interpolation") == "Applications"
    order = page_order()
    assert order[0] == "executed/index" and order[-1] == "references" and len(order) == len(set(order))


def test_notebooks_follow_the_skeleton():
    "Title + subtitle first, a default_exp exactly when the notebook exports (theory inserts may not), nbdev_export last."
    for nb in NBS.glob("[0-9]*.ipynb"):
        cells = json.loads(nb.read_text())["cells"]
        first = "".join(cells[0]["source"])
        assert first.startswith("# ") and "\n> " in first, nb.name
        exports = any(re.match(r"\s*#\|\s*export\b", "".join(c["source"])) for c in cells if c["cell_type"] == "code")
        default_exp = any("#| default_exp" in "".join(c["source"]) for c in cells)
        assert default_exp == exports, f"{nb.name}: {'no' if exports else 'a'} default_exp but {'' if exports else 'no '}export cells"
        assert "nbdev_export()" in "".join(cells[-1]["source"]), nb.name


def test_no_hard_coded_cuda():
    "Device-agnostic code: devices come from arguments, never from `.cuda()` literals."
    for py in (REPO / "gpointnet_nb").glob("*.py"):
        assert ".cuda(" not in py.read_text(), py.name

