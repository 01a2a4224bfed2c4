"""Pairs of real `batchform generate` processes racing into one --out: how many pairs both
succeeded, how many had one run say "locked", and whether the tree was ever inconsistent.

Run from the repository root after the README's install: `python bench/generate_pairs.py`
(`--pairs N`, default 100). Each pair runs two different specs at once; afterwards the tree
must equal a clean generate of a spec whose run succeeded, with the user's files intact.
Exits 1 if any pair left anything else. Inputs live in a temporary directory.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from batchform.generate import generate_stack
from batchform.specfile import starter_spec_text

USER_FILES = {".batchform-notes": b"mine\n", "main_override.tf": b"# mine\n",
              "terraform.tfvars": b"x = 1\n"}


def snapshot(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted(root.rglob("*")) if path.is_file()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=100)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="batchform-pairs-") as work:
        root = Path(work)
        os.environ.setdefault("BATCHFORM_CACHE_DIR", str(root / "cache"))
        text = starter_spec_text()
        specs = {"a": text, "b": text.replace("max_vcpus = 64", "max_vcpus = 128")}
        expected = {}
        for name, spec_text in specs.items():
            (root / f"{name}.toml").write_text(spec_text)
            generate_stack(root / f"{name}.toml", root / f"clean-{name}")
            expected[name] = {**snapshot(root / f"clean-{name}"), **USER_FILES}
        stack = root / "stack"
        generate_stack(root / "a.toml", stack)
        for name, data in USER_FILES.items():
            (stack / name).write_bytes(data)
        outcomes: Counter[str] = Counter()
        started = time.monotonic()
        for pair in range(options.pairs):
            order = ("a", "b") if pair % 2 else ("b", "a")
            processes = {
                name: subprocess.Popen(
                    [sys.executable, "-m", "batchform", "generate", str(root / f"{name}.toml"),
                     "--out", str(stack)],
                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                for name in order
            }
            succeeded = []
            for name, process in processes.items():
                _, stderr = process.communicate(timeout=300)
                if process.returncode == 0:
                    succeeded.append(name)
                elif "locked by another batchform run" in stderr:
                    outcomes["a run said locked"] += 1
                else:
                    outcomes["a run failed otherwise"] += 1
                    print(f"pair {pair}: {name} exited {process.returncode}: {stderr}")
            outcomes["both succeeded" if len(succeeded) == 2 else "one succeeded"] += 1
            if snapshot(stack) not in [expected[name] for name in succeeded]:
                outcomes["inconsistent tree"] += 1
                print(f"pair {pair}: the tree is not what a clean generate writes")
        seconds = time.monotonic() - started
    print(f"{options.pairs} pairs in {seconds:.0f} s: " + ", ".join(
        f"{key}: {outcomes[key]}" for key in ("both succeeded", "one succeeded",
                                               "a run said locked", "a run failed otherwise",
                                               "inconsistent tree")))
    sys.exit(1 if outcomes["inconsistent tree"] or outcomes["a run failed otherwise"] else 0)


if __name__ == "__main__":
    main()
