"""Every stack `batchform generate` writes lints clean: zero findings, no suppressions."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from batchform.lint import lint_paths

REPO = Path(__file__).resolve().parents[1]
TREES = sorted((REPO / "tests" / "golden").glob("*/expected"))


def test_golden_trees_exist() -> None:
    assert TREES, "no golden stacks found under tests/golden/*/expected"


@pytest.mark.parametrize("tree", TREES, ids=[tree.parent.name for tree in TREES])
def test_golden_stack_lints_clean(tree: Path) -> None:
    result = lint_paths([tree], display_root=REPO)
    assert result.suppressed == 0
    assert result.findings == [], "\n".join(
        f"{f.file}:{f.line}: {f.code} {f.address}: {f.message}" for f in result.findings
    )
    assert len(result.files) >= 5


def test_default_modules_lint_clean() -> None:
    result = lint_paths([REPO / "modules"], display_root=REPO)
    assert result.findings == []


# Breaking a generated stack in one place must make the matching rule fire: the clean result
# above comes from rules that see through the generated modules, not from rules that see nothing.
MUTATIONS = [
    (
        "BF001",
        "modules/compute_environment/main.tf",
        "create_before_destroy = true",
        "create_before_destroy = false",
    ),
    (
        "BF002",
        "modules/compute_environment/main.tf",
        "    aws_iam_role_policy_attachment.service,\n",
        "",
    ),
    (
        "BF011",
        "modules/compute_environment/main.tf",
        "instance_role       = aws_iam_instance_profile.instance.arn",
        "instance_role       = aws_iam_role.instance.arn",
    ),
    (
        "BF007",
        "modules/network/main.tf",
        "prefix_list_id    = aws_vpc_endpoint.s3.prefix_list_id",
        'cidr_ipv4         = "10.0.0.0/8"',
    ),
    (
        "BF006",
        "modules/network/main.tf",
        "enable_dns_hostnames = true",
        "enable_dns_hostnames = false",
    ),
]


@pytest.mark.parametrize(
    ("code", "file_name", "old", "new"), MUTATIONS, ids=[item[0] for item in MUTATIONS]
)
def test_broken_golden_stack_is_caught(
    tmp_path: Path, code: str, file_name: str, old: str, new: str
) -> None:
    source = REPO / "tests" / "golden" / "ec2_endpoints_ecr" / "expected"
    target = tmp_path / "stack"
    shutil.copytree(source, target)
    path = target / file_name
    text = path.read_text()
    assert old in text, f"the golden stack changed: {old!r} is no longer in {file_name}"
    path.write_text(text.replace(old, new, 1))
    result = lint_paths([target])
    assert code in result.codes(), [f"{f.code} {f.message}" for f in result.findings]


SPECS = sorted(path for path in (REPO / "tests" / "golden").glob("*/spec.*"))


@pytest.mark.parametrize("spec", [None, *SPECS], ids=["default", *[s.parent.name for s in SPECS]])
def test_freshly_generated_stack_lints_clean(tmp_path: Path, spec: Path | None) -> None:
    from batchform.generate import generate_stack

    out = tmp_path / "stack"
    generate_stack(spec, out)
    result = lint_paths([out], display_root=tmp_path)
    assert result.findings == [], "\n".join(
        f"{f.file}:{f.line}: {f.code} {f.address}: {f.message}" for f in result.findings
    )
