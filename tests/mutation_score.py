"""Print `make mutate`'s score per module: killed, survived, timeout, no tests (from mutants/)."""

import json
import sys
from collections import Counter
from pathlib import Path

# mutmut's exit codes (mutmut/stats.py): pytest failed = killed, passed = survived.
STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", None: "not run"}
TIMEOUT = {36, 24, -24, 152, 255}
COLUMNS = ("killed", "survived", "timeout", "no tests", "not run", "other")


def status(exit_code: int | None) -> str:
    return "timeout" if exit_code in TIMEOUT else STATUS.get(exit_code, "other")


def main(root: Path) -> int:
    metas = sorted(root.glob("**/*.py.meta"))
    if not metas:
        print(f"No mutation results under {root}/: run `make mutate` first.")
        return 1
    print(f"{'module':<32}" + "".join(f"{c:>10}" for c in COLUMNS) + "     score")
    for meta in metas:
        codes = json.loads(meta.read_text())["exit_code_by_key"].values()
        counts = Counter(status(code) for code in codes)
        tested = counts["killed"] + counts["survived"] + counts["timeout"]
        caught = counts["killed"] + counts["timeout"]
        score = f"{100 * caught / tested:5.1f}%" if tested else "   -"
        name = str(meta.relative_to(root)).removesuffix(".meta")
        print(f"{name:<32}" + "".join(f"{counts[c]:>10}" for c in COLUMNS) + f"    {score}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "mutants")))
