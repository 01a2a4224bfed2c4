"""The stack's Mermaid diagram: what it shows, the same in the README and `batchform graph`, and
no spec text able to end a label or write Mermaid of its own."""

from __future__ import annotations

import copy
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings

from batchform import diagram
from batchform.diagram import fits_renderers, label, spec_diagram, unescape
from batchform.spec import Spec
from test_escaping import BASE, FIXED, _no_space, hostile_text

# Everything the diagram may hold: a label is quoted and holds only plain characters, entity
# codes and batchform's own line breaks; ids are batchform's.
LABEL = r'"(?:[A-Za-z0-9 .,:/_+=@()-]|#\d+;|<br>)*"'
NODE_ID = r"[a-z]+(?:_\d+)?"
LINES = {
    "subgraph": re.compile(rf"^  subgraph ({NODE_ID})\[({LABEL})\]$"),
    "end": re.compile(r"^  end$"),
    "node": re.compile(rf"^ {{2,4}}({NODE_ID})\[({LABEL})\]$"),
    "edge": re.compile(rf"^  ({NODE_ID}) -->(?:\|({LABEL})\|)? ({NODE_ID})$"),
}


@dataclass
class Chart:
    """A diagram read back: labels (as Mermaid shows them, one string per line) and edges."""

    labels: dict[str, list[str]] = field(default_factory=dict)
    edges: list[tuple[str, str, str | None]] = field(default_factory=list)

    def named(self, first_line: str) -> str:
        """The id of the node whose label starts with this line."""
        (found,) = [node for node, text in self.labels.items() if text[0] == first_line]
        return found


def lines_of(quoted: str) -> list[str]:
    return [unescape(part) for part in quoted[1:-1].split("<br>")]


def read_chart(text: str) -> Chart:
    """Parse the diagram by the grammar batchform writes; any other line fails the test."""
    assert text.endswith("\n")
    first, *rest = text.splitlines()
    assert first == "flowchart LR"
    chart = Chart()
    depth = 0
    for line in rest:
        kind, match = next(
            ((kind, found) for kind, pattern in LINES.items() if (found := pattern.match(line))),
            (None, None),
        )
        assert match is not None, f"not a line batchform writes: {line!r}"
        if kind == "edge":
            source, text_label, target = match.groups()
            chart.edges.append((source, target, lines_of(text_label)[0] if text_label else None))
            continue
        if kind == "end":
            depth -= 1
            assert depth >= 0, "end without subgraph"
            continue
        depth += kind == "subgraph"
        node, quoted = match.groups()
        assert node not in chart.labels, f"{node} defined twice"
        chart.labels[node] = lines_of(quoted)
    assert depth == 0, "subgraph left open"
    known = set(chart.labels)
    for source, target, _ in chart.edges:
        assert {source, target} <= known, f"edge to an undefined node: {source} --> {target}"
    return chart


# -- escaping -----------------------------------------------------------------------------------


@settings(FIXED)
@given(text=hostile_text())
def test_a_label_keeps_any_text_inside_its_quotes_and_reads_back(text: str) -> None:
    quoted = label(text)
    assert re.fullmatch(LABEL, quoted), quoted
    assert "<br>" not in quoted
    assert lines_of(quoted) == [text]


def test_mermaid_and_markdown_syntax_become_entity_codes() -> None:
    assert label('a"b') == '"a#34;b"'
    assert label("x]; click x call alert()") == '"x#93;#59; click x call alert()"'
    assert label("```\n%%{init}%%") == '"#96;#96;#96;#10;#37;#37;#123;init#125;#37;#37;"'
    # Text that looks like an entity code stays text.
    assert label("#quot;") == '"#35;quot#59;"'
    assert lines_of(label("#quot;")) == ["#quot;"]


def images_spec(image: str) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    data["job_definitions"][0]["image"] = image
    return data


def check_image_in_diagram(image: str) -> None:
    chart = read_chart(spec_diagram(Spec.model_validate(images_spec(image))))
    job = chart.named("hello")
    assert chart.labels[job][2] == image
    assert chart.edges[0] == (job, chart.named("default"), None)


@settings(FIXED)
@given(image=hostile_text(min_size=1, allow=_no_space))
def test_hostile_images_stay_in_their_label(image: str) -> None:
    check_image_in_diagram(image)


def test_a_planted_escaping_bug_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    # Quotes let through: the property above must then fail.
    monkeypatch.setattr(diagram, "_PLAIN", re.compile(r'[A-Za-z0-9 .,:/_+=@()"-]'))
    with pytest.raises(AssertionError, match="not a line batchform writes"):
        check_image_in_diagram('alpine"]-->x["owned')


# -- what it shows, through the CLI -------------------------------------------------------------

ROUTED = """\
name = "routed"
region = "us-east-1"

[network]
mode = "endpoints"
availability_zones = ["us-east-1a", "us-east-1b"]

[[compute_environments]]
name = "spot"
type = "SPOT"
instance_types = ["c6i.large"]
max_vcpus = 32

[[compute_environments]]
name = "ondemand"
instance_types = ["c6i.large", "m6i.large"]
min_vcpus = 2
max_vcpus = 16

[[compute_environments]]
name = "serverless"
type = "FARGATE"
max_vcpus = 8

[[job_queues]]
name = "batch"
priority = 10
compute_environments = ["spot", "ondemand"]

[[job_queues]]
name = "urgent"
priority = 50
compute_environments = ["ondemand"]

[[job_queues]]
name = "small"
compute_environments = ["serverless"]

[[job_definitions]]
name = "nightly"
image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/nightly:1"
vcpus = 2
memory = 2048

[[job_definitions]]
name = "hotfix"
image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/hotfix:1"
queues = ["urgent"]

[[job_definitions]]
name = "ping"
platform = "FARGATE"
image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/ping:1"
vcpus = 0.25
memory = 512
"""


def batchform(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "batchform", *args], cwd=cwd, capture_output=True, text=True,
        timeout=300, check=False,
    )


def test_graph_shows_queues_in_order_and_where_each_job_goes(tmp_path: Path) -> None:
    (tmp_path / "spec.toml").write_text(ROUTED)
    result = batchform("graph", "spec.toml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert list(tmp_path.iterdir()) == [tmp_path / "spec.toml"]  # nothing written
    chart = read_chart(result.stdout)
    node = chart.named
    assert chart.labels[node("batch")] == ["batch", "priority 10"]
    assert chart.labels[node("urgent")] == ["urgent", "priority 50"]
    assert chart.labels[node("spot")] == ["spot", "SPOT, 0-32 vCPUs, ECS_AL2023", "c6i.large"]
    assert chart.labels[node("ondemand")][1:] == [
        "EC2, 2-16 vCPUs, ECS_AL2023", "c6i.large, m6i.large"
    ]
    assert chart.labels[node("serverless")] == ["serverless", "FARGATE, up to 8 vCPUs"]
    assert chart.labels[node("ping")][1] == "FARGATE, 0.25 vCPU, 512 MiB"
    edges = set(chart.edges)
    # Each queue's compute environments, in the order it tries them.
    assert (node("batch"), node("spot"), "1st") in edges
    assert (node("batch"), node("ondemand"), "2nd") in edges
    assert (node("urgent"), node("ondemand"), "1st") in edges
    # A job goes to the queues it names, else to every queue of its platform.
    jobs = {(source, target) for source, target, _ in chart.edges
            if source in {node("nightly"), node("hotfix"), node("ping")}}
    assert jobs == {
        (node("nightly"), node("batch")), (node("nightly"), node("urgent")),
        (node("hotfix"), node("urgent")), (node("ping"), node("small")),
    }
    assert chart.labels["network"] == [
        "VPC 10.0.0.0/16, network mode endpoints, availability zones us-east-1a, us-east-1b"
    ]
    assert chart.labels["private"] == ["private subnets", "10.0.0.0/20, 10.0.16.0/20"]
    assert "ecr.dkr" in ", ".join(chart.labels["endpoints"])
    assert ("compute", "private", None) in edges
    assert ("private", "endpoints", "private DNS") in edges


def test_the_readme_opens_with_the_same_diagram(tmp_path: Path) -> None:
    (tmp_path / "spec.toml").write_text(ROUTED)
    graph = batchform("graph", "spec.toml", cwd=tmp_path)
    generated = batchform("generate", "spec.toml", "--out", "stack", cwd=tmp_path)
    assert generated.returncode == 0, generated.stderr
    readme = (tmp_path / "stack" / "README.md").read_text()
    assert readme.startswith(f"# routed: AWS Batch on Terraform\n\n```mermaid\n{graph.stdout}```\n")
    assert "pypi.org" not in readme
    assert "Generated by batchform from a spec" in readme


def test_graph_of_a_bad_spec_is_the_spec_error(tmp_path: Path) -> None:
    (tmp_path / "spec.toml").write_text(ROUTED.replace("max_vcpus = 8", "max_vcpu = 8"))
    result = batchform("graph", "spec.toml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(
        'batchform: spec.toml:23: compute_environments "serverless": max_vcpu: unknown key'
    )


def test_existing_network_shows_the_vpc_and_subnets(tmp_path: Path) -> None:
    spec = Path(__file__).parent / "golden" / "existing_network" / "spec.yaml"
    result = batchform("graph", str(spec), cwd=tmp_path)
    chart = read_chart(result.stdout)
    assert chart.labels["network"] == ["network mode existing: vpc-0a1b2c3d4e5f60718"]
    assert chart.labels["subnets"] == [
        "subnets", "subnet-0aaa1111bbbb2222c, subnet-0ddd3333eeee4444f"
    ]
    assert ("compute", "subnets", None) in chart.edges


# -- large stacks -------------------------------------------------------------------------------


def many_jobs(count: int) -> Spec:
    data = copy.deepcopy(BASE)
    data["job_queues"].append({"name": "other", "compute_environments": ["ondemand"]})
    job = data["job_definitions"][0]
    data["job_definitions"] = [
        {**job, "name": f"job{index}", **({"queues": ["other"]} if index % 2 else {})}
        for index in range(count)
    ]
    return Spec.model_validate(data)


def test_many_job_definitions_are_drawn_by_the_queues_they_go_to() -> None:
    chart = read_chart(spec_diagram(many_jobs(diagram.MAX_JOB_NODES)))
    assert sum(node.startswith("job_") for node in chart.labels) == diagram.MAX_JOB_NODES
    chart = read_chart(spec_diagram(many_jobs(diagram.MAX_JOB_NODES + 11)))
    assert not any(node.startswith("job_") for node in chart.labels)
    groups = {node: text for node, text in chart.labels.items() if node.startswith("jobs_")}
    assert sorted(groups.values()) == [
        ["20 job definitions", "job1, job3, job5 and 17 more"],
        ["21 job definitions", "job0, job2, job4 and 18 more"],
    ]
    default, other = chart.named("default"), chart.named("other")
    assert {(source, target) for source, target, _ in chart.edges if source in groups} == {
        (chart.named("21 job definitions"), default), (chart.named("21 job definitions"), other),
        (chart.named("20 job definitions"), other),
    }


def test_renderer_limits() -> None:
    small = spec_diagram(many_jobs(3))
    assert fits_renderers(small)
    assert not fits_renderers(small + "  a --> b\n" * diagram.MAX_EDGES)
    assert not fits_renderers(small + " " * diagram.MAX_TEXT)
