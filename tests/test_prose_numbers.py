"""Every number in a notebook's prose is computed.

The rule. A Markdown cell of `nbs/<name>.ipynb` may contain a number with 3 or more significant digits only if
1. the same notebook produces it: the number appears (as written, or with its thousands separators dropped or
   written as `_`) in the text of the executed notebook's outputs `book/executed/<name>.ipynb` or in the source of
   the notebook's code cells with their `#` comments removed (a comment is not a computation); or
2. it is listed in a JSON file under `nbs/results/` together with the command that reproduces it:
   `{"claims": [{"notebook": "index", "value": "19,106", "command": "gpointnet train ...", "note": "..."}]}`.

Not checked: math (`$...$`, `$$...$$`), code spans and fenced code (parameter values belong there), links and
URLs, citations such as `[18]`, arXiv ids such as `2004.01301`, and years 1900-2099. Significant digits are counted
without leading zeros and, for integers, without trailing zeros (`1,000` has one, `0.30429` five, `1.00` three).

Outputs come from the papermill copies that `tests/test_notebooks.py` writes to `book/executed/` (run it first, as
`make test` does); a notebook without an executed copy is skipped with a reason. Markdown that a cell renders from
computed values (`IPython.display.Markdown(f"...")`) is an output, so it never needs an entry here.
"""
import json, re
from pathlib import Path
import pytest
from conftest import NBS, EXECUTED

RESULTS = NBS / "results"

# Known violations in notebooks this check's author does not own: (notebook, value) -> owner and why.
# Each one is a claim measured elsewhere that still needs a cell or an entry under nbs/results/ from its owner.
ALLOWLIST: dict[tuple[str, str], str] = {
    # helper "hostile" (04_data): ModelNet10's size, quoted from Wu et al. (2015); could be counted from the full copy
    ("04_data", "4,899"): "hostile: ModelNet10 mesh count, cited, not computed",
    ("04_data", "3,991"): "hostile: ModelNet10 train split size, cited, not computed",
    # helper "hostile" (04a_meshes): area-ratio statistics of the real meshes, measured outside the notebook
    ("04a_meshes", "1.00"): "hostile: median ratio, measured elsewhere",
    ("04a_meshes", "1.33"): "hostile: percentile ratio, measured elsewhere",
    ("04a_meshes", "1.56"): "hostile: maximum ratio, measured elsewhere",
    # helper "book" (index): the demo picture's caption, produced by `make demo`, not by a cell
    ("index", "512"): "book: points per cloud of the make-demo picture",
}

_STRIP = [
    r"```.*?```",                      # fenced code
    r"\$\$.*?\$\$", r"\$[^$\n]*\$",    # display and inline math
    r"`[^`\n]*`",                      # code spans: parameter values
    r"\]\([^)]*\)", r"<[^>\n]*>", r"https?://\S+",  # link targets, html, urls
    r"\[\d+(?:[,\u2013-]\s*\d+)*\]",   # citations [18], [3, 4]
    r"(?:arXiv:?\s*)?\b\d{4}\.\d{4,5}(?:v\d+)?\b",  # arXiv ids
    r"\{[a-z]+\}",                     # MyST roles
]
_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\w]|[.,]\d)")


def significant_digits(num: str) -> int:
    "Significant digits of a number as written: no leading zeros; for integers, no trailing zeros either."
    digits = num.replace(",", "")
    if "." in digits: return len(digits.replace(".", "").lstrip("0"))
    return len(digits.strip("0"))


def prose_numbers(markdown: str) -> list[str]:
    "Numbers with ≥ 3 significant digits in the prose of a Markdown cell, after removing the exempt parts."
    text = markdown
    for pat in _STRIP: text = re.sub(pat, " ", text, flags=re.S)
    out = []
    for m in _NUMBER.finditer(text):
        num = m.group(0)
        if not m.group(2) and "," not in num and 1900 <= int(num) <= 2099: continue   # a year
        if significant_digits(num) >= 3: out.append(num)
    return out


def produced(num: str, haystack: str) -> bool:
    "Does `num` appear in `haystack` as a whole number (as written, without separators, or with `_` separators)?"
    forms = {num, num.replace(",", ""), num.replace(",", "_")}
    return any(re.search(rf"(?<![\d.]){re.escape(f)}(?![\d]|\.\d)", haystack) for f in forms)


def _source(c) -> str: return "".join(c["source"]) if isinstance(c["source"], list) else c["source"]


def _code_text(c) -> str:
    "A code cell's source without `#` comments (a rough cut: a `#` inside a string also starts a comment)."
    return re.sub(r"#.*", "", _source(c))


def _output_text(nb: dict) -> str:
    parts = []
    for c in nb["cells"]:
        for o in c.get("outputs", []):
            parts.append(_source({"source": o.get("text", "")}))
            for mime, v in o.get("data", {}).items():
                if mime.startswith("text/"): parts.append(_source({"source": v}))
    return "\n".join(parts)


def claims() -> dict[str, set[str]]:
    "Values listed under nbs/results/*.json, by notebook; each claim must name the command that reproduces it."
    out: dict[str, set[str]] = {}
    for path in sorted(RESULTS.glob("*.json")) if RESULTS.is_dir() else []:
        for i, c in enumerate(json.loads(path.read_text()).get("claims", [])):
            missing = {"notebook", "value", "command"} - set(c)
            assert not missing, f"{path.name}: claim {i} lacks {sorted(missing)}"
            assert c["command"].strip(), f"{path.name}: claim {i} has an empty command"
            out.setdefault(c["notebook"], set()).add(c["value"])
    return out


def unexplained(name: str, nb: dict, executed: dict, listed: set[str]) -> list[str]:
    "The prose numbers of notebook `name` that neither its code, its outputs, a results JSON nor the allowlist explain."
    haystack = "\n".join(_code_text(c) for c in nb["cells"] if c["cell_type"] == "code") + "\n" + _output_text(executed)
    bad = []
    for c in nb["cells"]:
        if c["cell_type"] != "markdown": continue
        for num in prose_numbers(_source(c)):
            if num in listed or (name, num) in ALLOWLIST or produced(num, haystack): continue
            bad.append(num)
    return bad


def test_the_rule_on_examples():
    "The rule itself, on text whose answer we know (so a broken regex cannot make the check vacuous)."
    md = ("mean f of 19,106 against 10,737; std 0.30429; 3, 1 and 4 modes; 98% of 1,797 digits; 1,000 meshes; "
          "$\\delta = 0.0123$ and `n_iters=1500`; CVPR 2021 [18]; arXiv 2004.01301; torch 2.13.0; ModelNet10; 1.00 to 1.56")
    assert prose_numbers(md) == ["19,106", "10,737", "0.30429", "1,797", "1.00", "1.56"]
    assert significant_digits("1,000") == 1 and significant_digits("0.050") == 2 and significant_digits("2,048") == 4
    assert produced("19,106", "print -> 19106.0") is False   # 19106.0 is not 19,106 rounded by us: stay exact
    assert produced("19,106", "score 19106 vs") and produced("1,026,753", "x == 1_026_753")
    assert not produced("0.304", "std 0.30426") and not produced("512", "n = 1512")


def test_the_rule_on_a_notebook():
    "A prose number is explained by code or outputs, not by a comment; a results claim explains it too."
    cell = lambda kind, text, outputs=(): {"cell_type": kind, "source": text, "outputs": list(outputs)}
    prose = cell("markdown", "We measured 12,345 runs and a loss of 0.30429.")
    comment_only = {"cells": [prose, cell("code", "x = 1   # 12,345 runs, loss 0.30429")]}
    assert unexplained("t", comment_only, {"cells": []}, set()) == ["12,345", "0.30429"]
    computed = {"cells": [prose, cell("code", "n_runs = 12_345")]}
    printed = {"cells": [cell("code", "print(loss)", [{"output_type": "stream", "text": ["loss 0.30429\n"]}])]}
    assert unexplained("t", computed, printed, set()) == []
    assert unexplained("t", comment_only, {"cells": []}, {"12,345", "0.30429"}) == []


def test_allowlist_entries_are_still_needed():
    "An allowlisted number that no longer appears in its notebook's prose must be removed from the list."
    for (name, num), owner in ALLOWLIST.items():
        nb = json.loads((NBS / f"{name}.ipynb").read_text())
        found = any(num in prose_numbers(_source(c)) for c in nb["cells"] if c["cell_type"] == "markdown")
        assert found, f"allowlist entry {name}: {num} ({owner}) is no longer in the prose: remove it"


@pytest.mark.parametrize("name", sorted(p.stem for p in NBS.glob("*.ipynb")))
def test_prose_numbers_are_computed(name):
    executed = EXECUTED / f"{name}.ipynb"
    if not executed.exists(): pytest.skip(f"{executed} is missing: run tests/test_notebooks.py first (make test does)")
    nb, ex = json.loads((NBS / f"{name}.ipynb").read_text()), json.loads(executed.read_text())
    bad = unexplained(name, nb, ex, claims().get(name, set()))
    assert not bad, (f"{name}: prose numbers produced by no cell and listed in no nbs/results/*.json: {bad}. "
                     "Print them from a cell (or render the Markdown from computed values), or add a claim with "
                     "its command under nbs/results/.")
