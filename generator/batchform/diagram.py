"""The stack as a Mermaid flowchart: job definitions, the queues they go to, the compute
environments those queues try in order, and the network compute runs in. The root README opens
with it and `batchform graph` prints it.

Every piece of text from the spec goes through `label`, which keeps only characters that mean
nothing to Mermaid or Markdown and writes every other one as a Mermaid entity code; node ids
are made by batchform from positions, never from names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from batchform.render import Stack, plan_stack
from batchform.spec import ComputeEnvironment, JobDefinition, JobQueue, Spec

# Characters a label keeps as they are: none of them starts Mermaid syntax, an entity code
# (`#...;`), HTML or Markdown inside a quoted label.
_PLAIN = re.compile(r"[A-Za-z0-9 .,:/_+=@()-]")
# Mermaid writes a character as `#` + its decimal code + `;` inside a label (Mermaid, Flowchart
# syntax, "Entity codes to escape characters": `#quot;`, `#9829;`).
ENTITY = re.compile(r"#(\d+);")
# Mermaid refuses a diagram of more text or more edges than this with its default
# configuration, which GitHub and GitLab use (Mermaid config schema: maxTextSize 50000,
# maxEdges 500); mermaid 10.6 stopped at 280 edges (mermaid-js/mermaid issue 5042).
MAX_TEXT = 50_000
MAX_EDGES = 280
# More job definitions than this are drawn as one node per set of queues they go to.
MAX_JOB_NODES = 30
# How a queue's edges to its compute environments (1 to 3, tried in order) are labelled.
ORDINALS = {1: "1st", 2: "2nd", 3: "3rd"}
# Names listed in a node that stands for several job definitions.
LISTED_NAMES = 3


def label(*lines: str) -> str:
    """A quoted Mermaid label of one or more lines, every character outside `_PLAIN` written
    as an entity code, so no text can end the label or start anything else."""
    return '"' + "<br>".join(_escape(line) for line in lines) + '"'


def _escape(text: str) -> str:
    return "".join(char if _PLAIN.fullmatch(char) else f"#{ord(char)};" for char in text)


def unescape(text: str) -> str:
    """The text a label's line stands for (what Mermaid shows)."""
    return ENTITY.sub(lambda match: chr(int(match.group(1))), text)


@dataclass
class Flowchart:
    """A flowchart being written: node and subgraph lines, then the edges."""

    lines: list[str] = field(default_factory=lambda: ["flowchart LR"])
    edges: list[str] = field(default_factory=list)

    def node(self, node_id: str, *text: str, depth: int = 2) -> None:
        """A node with a label of one or more lines."""
        self.lines.append(f"{' ' * depth}{node_id}[{label(*text)}]")

    def subgraph(self, node_id: str, title: str) -> None:
        """Start a subgraph (`end_subgraph` closes it)."""
        self.lines.append(f"  subgraph {node_id}[{label(title)}]")

    def end_subgraph(self) -> None:
        """Close the last subgraph."""
        self.lines.append("  end")

    def edge(self, source: str, target: str, text: str | None = None) -> None:
        """An arrow, labelled when text is given."""
        middle = f" -->|{label(text)}| " if text is not None else " --> "
        self.edges.append(f"  {source}{middle}{target}")

    def text(self) -> str:
        """The diagram's text, without the Markdown fence."""
        return "\n".join([*self.lines, *self.edges]) + "\n"


def spec_diagram(spec: Spec) -> str:
    """The Mermaid flowchart of the stack a spec generates."""
    return stack_diagram(plan_stack(spec))


def fits_renderers(diagram: str) -> bool:
    """Whether GitHub's and GitLab's Mermaid would draw it (text and edge limits)."""
    edges = sum(1 for line in diagram.splitlines() if " --> " in line or " -->|" in line)
    return len(diagram) <= MAX_TEXT and edges <= MAX_EDGES


def stack_diagram(stack: Stack) -> str:
    """The Mermaid flowchart of a planned stack, without the Markdown fence."""
    spec = stack.spec
    chart = Flowchart()
    queue_ids = {queue.name: f"queue_{index}" for index, queue in
                 enumerate(spec.job_queues, start=1)}
    ce_ids = {ce.name: f"ce_{index}" for index, ce in
              enumerate(spec.compute_environments, start=1)}
    if spec.job_definitions:
        chart.subgraph("jobs", "job definitions")
        for node_id, text, queues in _job_nodes(spec):
            chart.node(node_id, *text, depth=4)
            for queue in queues:
                chart.edge(node_id, queue_ids[queue.name])
        chart.end_subgraph()
    chart.subgraph("queues", "job queues")
    for queue in spec.job_queues:
        chart.node(queue_ids[queue.name], *_queue_text(queue), depth=4)
        for order, name in enumerate(queue.compute_environments, start=1):
            chart.edge(queue_ids[queue.name], ce_ids[name], ORDINALS[order])
    chart.end_subgraph()
    chart.subgraph("compute", "compute environments")
    for ce in spec.compute_environments:
        chart.node(ce_ids[ce.name], *_compute_text(ce), depth=4)
    chart.end_subgraph()
    _network(chart, stack)
    return chart.text()


def _job_nodes(spec: Spec) -> Iterable[tuple[str, list[str], list[JobQueue]]]:
    """(node id, label lines, queues) per job definition, or per set of queues they go to
    when there are too many to draw one by one."""
    jobs = spec.job_definitions
    if len(jobs) <= MAX_JOB_NODES:
        for index, job in enumerate(jobs, start=1):
            yield f"job_{index}", _job_text(job), spec.queues_of(job)
        return
    groups: dict[tuple[str, ...], list[JobDefinition]] = {}
    for job in jobs:
        groups.setdefault(tuple(queue.name for queue in spec.queues_of(job)), []).append(job)
    for index, members in enumerate(groups.values(), start=1):
        names = ", ".join(job.name for job in members[:LISTED_NAMES])
        if len(members) > LISTED_NAMES:
            names += f" and {len(members) - LISTED_NAMES} more"
        yield f"jobs_{index}", [f"{len(members)} job definitions", names], \
            spec.queues_of(members[0])


def _job_text(job: JobDefinition) -> list[str]:
    size = f"{_count(job.vcpus, 'vCPU')}, {job.memory} MiB"
    if job.gpus:
        size += f", {_count(job.gpus, 'GPU')}"
    kind = f"{job.platform}, multi-node ({job.nodes} nodes)" if job.is_multinode else job.platform
    return [job.name, f"{kind}, {size}", job.image]


def _count(number: float, unit: str) -> str:
    return f"{number:g} {unit}" if number <= 1 else f"{number:g} {unit}s"


def _queue_text(queue: JobQueue) -> list[str]:
    text = [queue.name, f"priority {queue.priority}"]
    if queue.fair_share is not None:
        text[1] += ", fair share"
    return text


def _compute_text(ce: ComputeEnvironment) -> list[str]:
    if ce.is_fargate:
        return [ce.name, f"{ce.type}, up to {ce.max_vcpus} vCPUs"]
    return [
        ce.name,
        f"{ce.type}, {ce.resolved_min_vcpus}-{ce.max_vcpus} vCPUs, {ce.resolved_image_type}",
        ", ".join(ce.resolved_instance_types),
    ]


def _network(chart: Flowchart, stack: Stack) -> None:
    """The VPC and its subnets; compute runs in the compute subnets."""
    net = stack.network
    spec_net = stack.spec.network
    zones = (f"{net.zone_count} availability zones" if net.zone_names is None
             else "availability zones " + ", ".join(net.zone_names))
    if net.mode == "existing":
        chart.subgraph("network", f"network mode existing: {spec_net.vpc_id}")
        chart.node("subnets", "subnets", *_wrapped(spec_net.subnet_ids or []), depth=4)
        chart.end_subgraph()
        chart.edge("compute", "subnets")
        return
    chart.subgraph("network", f"VPC {net.cidr}, network mode {net.mode}, {zones}")
    if net.private_subnet_cidrs:
        chart.node("private", "private subnets", *_wrapped(net.private_subnet_cidrs), depth=4)
    if net.public_subnet_cidrs:
        gateway = "internet gateway"
        if net.mode == "nat":
            gateway += ", a NAT gateway per zone" if net.nat_per_az else ", one NAT gateway"
        chart.node("public", "public subnets", *_wrapped(net.public_subnet_cidrs), gateway,
                   depth=4)
    if net.interface_endpoints:
        chart.node("endpoints", "VPC endpoints", *_wrapped(net.interface_endpoints),
                   "S3 gateway endpoint", depth=4)
    chart.end_subgraph()
    chart.edge("compute", net.compute_subnets)
    if net.mode == "nat":
        chart.edge("private", "public", "NAT")
    elif net.mode == "endpoints":
        chart.edge("private", "endpoints", "private DNS")


def _wrapped(items: Sequence[str], per_line: int = 4) -> list[str]:
    """Items listed a few to a line, so a node stays narrow."""
    return [", ".join(items[start : start + per_line]) for start in range(0, len(items), per_line)]
