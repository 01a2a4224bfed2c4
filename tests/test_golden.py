"""Golden stacks: every case's spec renders to exactly its expected tree, both directions."""

from __future__ import annotations

import difflib
import shutil
import subprocess
from pathlib import Path

import hcl2
import pytest

from batchform.generate import render_stack
from batchform.specfile import load_spec
from conftest import REPO, golden_cases, golden_spec

REFRESH = "pytest tests/test_golden.py --update-golden"
CASES = golden_cases()


def read_tree(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): path.read_text("utf-8")
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def write_tree(root: Path, files: dict[str, str]) -> None:
    if root.exists():
        shutil.rmtree(root)
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, "utf-8")


def assert_same_tree(expected: dict[str, str], actual: dict[str, str], where: str) -> None:
    missing = sorted(set(expected) - set(actual))
    extra = sorted(set(actual) - set(expected))
    diffs = [
        "".join(difflib.unified_diff(
            expected[name].splitlines(keepends=True), actual[name].splitlines(keepends=True),
            fromfile=f"expected/{name}", tofile=f"generated/{name}"))
        for name in sorted(set(expected) & set(actual))
        if expected[name] != actual[name]
    ]
    if missing or extra or diffs:
        pytest.fail(
            f"{where} differs from what batchform generates.\n"
            f"no longer generated: {missing}\nnewly generated: {extra}\n"
            + "\n".join(diffs)
            + f"\nIf the change is intended, refresh the goldens: {REFRESH}",
            pytrace=False,
        )


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_golden_case(case: Path, update_golden: bool) -> None:
    generated = render_stack(load_spec(golden_spec(case)))
    expected_dir = case / "expected"
    if update_golden:
        write_tree(expected_dir, generated)
    assert_same_tree(read_tree(expected_dir), generated, f"tests/golden/{case.name}/expected")


def test_top_level_modules_are_the_default_stacks(update_golden: bool) -> None:
    generated = render_stack(load_spec(None))
    modules = {
        name.removeprefix("modules/"): text
        for name, text in generated.items()
        if name.startswith("modules/")
    }
    if update_golden:
        write_tree(REPO / "modules", modules)
    assert_same_tree(read_tree(REPO / "modules"), modules, "modules/")


def test_default_case_is_the_built_in_spec() -> None:
    case = next(case for case in CASES if case.name == "ec2_nat")
    assert load_spec(golden_spec(case)) == load_spec(None)


def test_cases_cover_every_network_mode_and_compute_type() -> None:
    specs = [load_spec(golden_spec(case)) for case in CASES]
    assert {spec.network.mode for spec in specs} == {"public", "endpoints", "nat", "existing"}
    types = {ce.type for spec in specs for ce in spec.compute_environments}
    assert types == {"EC2", "SPOT", "FARGATE", "FARGATE_SPOT"}


def test_goldens_are_terraform_fmt_output(terraform_bin: str, tf_env: dict[str, str]) -> None:
    trees = [case / "expected" for case in CASES] + [REPO / "modules"]
    result = subprocess.run(
        [terraform_bin, "fmt", "-check", "-recursive", "-diff", *map(str, trees)],
        capture_output=True, text=True, env=tf_env, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_golden_files_parse_with_python_hcl2(case: Path) -> None:
    files = sorted((case / "expected").rglob("*.tf"))
    assert files
    for path in files:
        parsed = hcl2.loads(path.read_text("utf-8"))
        assert parsed, path
