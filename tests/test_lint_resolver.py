"""The resolver on its own: variables, locals, files, count/for_each, local modules, functions."""

from __future__ import annotations

from pathlib import Path

import pytest

from batchform.hcl.loader import Loader
from batchform.hcl.syntax import Call, Template, Traversal
from batchform.lint.engine.configuration import SourceConfiguration
from batchform.lint.engine.resolver import Resolver
from batchform.lint.engine.scope import Scope
from batchform.lint.engine.views import Instance
from batchform.lint.model.values import UNKNOWN, AttrRef, EncodedJson, Partial, Unknown


def build_tree(root: Path, files: dict[str, str]) -> Path:
    """Write a file tree (paths relative to root) and return root."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def stack_of(root: Path) -> SourceConfiguration:
    """The stack rooted at `root` (child modules loaded on demand)."""
    loader = Loader(None)
    tree = loader.tree([root])
    resolver = Resolver(
        lambda directory: tree.modules.get(directory) or loader.module_dir(directory)
    )
    return SourceConfiguration(resolver.root(root.resolve(), tree.modules[root.resolve()]))


def evaluate(stack: SourceConfiguration, text: str) -> object:
    """Evaluate an expression written in the root module, as `locals { probe = ... }` would."""
    from batchform.hcl.parser import parse_text

    expr = (
        parse_text(f"locals {{\n  probe = {text}\n}}\n", "probe.tf")
        .blocks[0]
        .attributes["probe"]
        .expr
    )
    return stack.root.resolver.evaluate(expr, Scope(stack.root))


def one(stack: SourceConfiguration, resource_type: str) -> Instance:
    (instance,) = stack.instances(resource_type)
    return instance


@pytest.fixture
def stack(tmp_path: Path) -> SourceConfiguration:
    return stack_of(
        build_tree(
            tmp_path,
            {
                "variables.tf": """
variable "name" {
  type    = string
  default = "demo"
}
variable "azs" {
  default = ["a", "b", "c"]
}
variable "no_default" {
  type = string
}
variable "sizes" {
  default = { small = 1, large = 4 }
}
""",
                "main.tf": """
locals {
  prefix  = "${var.name}-batch"
  tags    = merge({ team = "science" }, { name = local.prefix })
  subnets = [for index, az in var.azs : cidrsubnet("10.0.0.0/16", 8, index)]
  mixed   = "arn:aws:iam::${var.no_default}:role/x"
}

resource "aws_vpc" "this" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "private" {
  count      = length(var.azs)
  vpc_id     = aws_vpc.this.id
  cidr_block = local.subnets[count.index]
}

resource "aws_sqs_queue" "sized" {
  for_each = var.sizes
  name     = "${local.prefix}-${each.key}"
  delay_seconds = each.value
}
""",
                "other.tf": """
resource "aws_iam_role" "r" {
  name = local.prefix
}

resource "aws_iam_instance_profile" "p" {
  name = "${aws_iam_role.r.name}-profile"
  role = aws_iam_role.r.name
}
""",
            },
        )
    )


def test_variable_default_and_locals(stack: SourceConfiguration) -> None:
    assert evaluate(stack, "var.name") == "demo"
    assert evaluate(stack, "local.prefix") == "demo-batch"
    assert evaluate(stack, "local.tags") == {"team": "science", "name": "demo-batch"}


def test_variable_without_default_is_unknown(stack: SourceConfiguration) -> None:
    assert isinstance(evaluate(stack, "var.no_default"), Unknown)
    partial = evaluate(stack, "local.mixed")
    assert isinstance(partial, Partial) and partial.known_text() == "arn:aws:iam:::role/x"


def test_cross_file_resource_attributes(stack: SourceConfiguration) -> None:
    profile = one(stack, "aws_iam_instance_profile")
    assert profile.get("name") == "demo-batch-profile"
    assert profile.get("role") == "demo-batch"
    arn = evaluate(stack, "aws_iam_role.r.arn")
    assert isinstance(arn, AttrRef) and arn.instance.address == "aws_iam_role.r"


def test_count_instances_and_splat(stack: SourceConfiguration) -> None:
    subnets = stack.instances("aws_subnet")
    assert [subnet.key for subnet in subnets] == [0, 1, 2]
    assert [subnet.get("cidr_block") for subnet in subnets] == [
        "10.0.0.0/24",
        "10.0.1.0/24",
        "10.0.2.0/24",
    ]
    ids = evaluate(stack, "aws_subnet.private[*].id")
    assert isinstance(ids, list) and [ref.instance.key for ref in ids] == [0, 1, 2]
    assert evaluate(stack, "aws_subnet.private[1].cidr_block") == "10.0.1.0/24"
    vpc = subnets[0].get("vpc_id")
    assert isinstance(vpc, AttrRef) and vpc.instance.type == "aws_vpc"


def test_for_each_instances(stack: SourceConfiguration) -> None:
    queues = {queue.key: queue for queue in stack.instances("aws_sqs_queue")}
    assert set(queues) == {"small", "large"}
    assert queues["large"].get("name") == "demo-batch-large"
    assert queues["large"].get("delay_seconds") == 4
    assert evaluate(stack, 'aws_sqs_queue.sized["small"].name') == "demo-batch-small"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('jsonencode({ b = 1, a = "x" })', '{"a":"x","b":1}'),
        ('concat(["a"], ["b", "c"])', ["a", "b", "c"]),
        ("merge({ a = 1 }, { a = 2, b = 3 })", {"a": 2, "b": 3}),
        ("tostring(5)", "5"),
        ('format("%s-%03d", "job", 7)', "job-007"),
        ('lookup({ a = 1 }, "b", 9)', 9),
        ('toset(["a", "a", "b"])', ["a", "b"]),
        ('cidrsubnet("10.0.0.0/16", 4, 2)', "10.0.32.0/20"),
        ('length(var.azs) > 2 ? "many" : "few"', "many"),
        ('upper(join("-", ["a", "b"]))', "A-B"),
        ("[for name, size in var.sizes : size if size > 1]", [4]),
        ('{ for az in var.azs : az => "${az}-x" }', {"a": "a-x", "b": "b-x", "c": "c-x"}),
        ("timestamp()", UNKNOWN),
        ("1 + 2 * 3", 7),
    ],
)
def test_functions_and_operators(stack: SourceConfiguration, text: str, expected: object) -> None:
    assert evaluate(stack, text) == expected


def test_jsonencode_with_unknowns_keeps_structure(stack: SourceConfiguration) -> None:
    value = evaluate(stack, "jsonencode({ image = var.no_default, vcpus = 2 })")
    assert isinstance(value, EncodedJson)
    assert value.value["vcpus"] == 2 and isinstance(value.value["image"], Unknown)


def test_local_module_arguments_flow_in(tmp_path: Path) -> None:
    stack = stack_of(
        build_tree(
            tmp_path,
            {
                "main.tf": """
variable "env" {
  default = "prod"
}
resource "aws_iam_role" "instance" {
  name = "instance"
}
module "ce" {
  source        = "./modules/ce"
  name          = "batch-${var.env}"
  instance_role = aws_iam_role.instance.arn
  types         = ["c5.large"]
}
output "ce_arn" {
  value = module.ce.arn
}
""",
                "modules/ce/main.tf": """
variable "name" {}
variable "instance_role" {}
variable "types" {}
variable "max_vcpus" {
  default = 16
}
resource "aws_batch_compute_environment" "this" {
  name_prefix = "${var.name}-"
  compute_resources {
    type          = "EC2"
    instance_role = var.instance_role
    instance_type = var.types
    max_vcpus     = var.max_vcpus
  }
}
output "arn" {
  value = aws_batch_compute_environment.this.arn
}
""",
            },
        )
    )
    ce = one(stack, "aws_batch_compute_environment")
    assert ce.address == "module.ce.aws_batch_compute_environment.this"
    assert ce.get("name_prefix") == "batch-prod-"
    resources = ce.first("compute_resources")
    assert resources is not None
    role = resources.get("instance_role")
    assert isinstance(role, AttrRef) and role.instance.address == "aws_iam_role.instance"
    assert resources.get("instance_type") == ["c5.large"]
    assert resources.get("max_vcpus") == 16
    output = evaluate(stack, "module.ce.arn")
    assert isinstance(output, AttrRef) and output.instance is ce
    # origin() follows the module variable back to the caller's expression.
    expr = resources.expr("instance_role")
    assert expr is not None
    origin, scope = stack.root.resolver.origin(expr, resources.scope)
    assert isinstance(origin, Traversal) and origin.dotted() == "aws_iam_role.instance.arn"
    assert scope.module is stack.root


def test_dependencies_follow_depends_on_and_module_calls(tmp_path: Path) -> None:
    stack = stack_of(
        build_tree(
            tmp_path,
            {
                "main.tf": """
resource "aws_iam_role" "service" {
  name = "service"
}
resource "aws_iam_role_policy_attachment" "service" {
  role       = aws_iam_role.service.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSBatchServiceRole"
}
module "ce" {
  source       = "./ce"
  service_role = aws_iam_role.service.arn
  depends_on   = [aws_iam_role_policy_attachment.service]
}
""",
                "ce/main.tf": """
variable "service_role" {}
resource "aws_batch_compute_environment" "this" {
  service_role = var.service_role
}
""",
            },
        )
    )
    ce = one(stack, "aws_batch_compute_environment")
    addresses = {resource.address for resource in stack.root.resolver.dependencies(ce.resource)}
    assert addresses == {"aws_iam_role.service", "aws_iam_role_policy_attachment.service"}


def test_unknown_count_keeps_a_representative(tmp_path: Path) -> None:
    stack = stack_of(
        build_tree(
            tmp_path,
            {
                "main.tf": """
variable "n" {
  type = number
}
resource "aws_subnet" "s" {
  count      = var.n
  cidr_block = "10.0.${count.index}.0/24"
}
""",
            },
        )
    )
    (subnet,) = stack.instances("aws_subnet")
    assert isinstance(subnet.key, Unknown)
    assert isinstance(subnet.get("cidr_block"), Partial)
    assert isinstance(evaluate(stack, "aws_subnet.s[*].id"), Unknown)
    ref = evaluate(stack, "aws_subnet.s[0].id")
    assert isinstance(ref, AttrRef) and ref.instance is subnet


def test_dynamic_blocks_expand(tmp_path: Path) -> None:
    stack = stack_of(
        build_tree(
            tmp_path,
            {
                "main.tf": """
variable "ports" {
  default = [443, 80]
}
resource "aws_security_group" "g" {
  dynamic "egress" {
    for_each = var.ports
    content {
      from_port = egress.value
      to_port   = egress.value
    }
  }
}
""",
            },
        )
    )
    group = one(stack, "aws_security_group")
    blocks, complete = group.nested("egress")
    assert complete and [block.get("from_port") for block in blocks] == [443, 80]


def test_counted_module_outputs_and_try(tmp_path: Path) -> None:
    stack = stack_of(
        build_tree(
            tmp_path,
            {
                "main.tf": """
variable "settings" {
  default = { size = 2 }
}
module "ce" {
  count  = 1
  source = "./ce"
  size   = try(var.settings.size, 1)
  other  = try(var.settings.missing, 1)
  opaque = try(var.unset.size, 1)
}
variable "unset" {}
""",
                "ce/main.tf": """
variable "size" {}
variable "other" {}
variable "opaque" {}
resource "aws_batch_compute_environment" "this" {
  name_prefix = "ce-"
}
output "arn" {
  value = aws_batch_compute_environment.this.arn
}
""",
            },
        )
    )
    arn = evaluate(stack, "module.ce[0].arn")
    assert isinstance(arn, AttrRef) and arn.instance.type == "aws_batch_compute_environment"
    child = stack.root.child("ce")
    assert child is not None
    assert stack.root.resolver.variable(child, "size") == 2
    # A known object without the attribute fails, so try() takes the fallback; an unknown
    # first value might not fail, so try() keeps it unknown.
    assert stack.root.resolver.variable(child, "other") == 1
    assert isinstance(stack.root.resolver.variable(child, "opaque"), Unknown)


def test_root_tfvars_override_defaults(tmp_path: Path) -> None:
    from batchform.lint import lint_paths

    build_tree(
        tmp_path,
        {
            "main.tf": """
variable "queue_name" {
  default = "good-name"
}
resource "aws_batch_job_queue" "this" {
  name     = var.queue_name
  state    = "ENABLED"
  priority = 1
}
""",
        },
    )
    assert lint_paths([tmp_path], select="BF014").findings == []
    (tmp_path / "terraform.tfvars").write_text('queue_name = "bad name"\n')
    (finding,) = lint_paths([tmp_path], select="BF014").findings
    assert "'bad name'" in finding.message
    (tmp_path / "z.auto.tfvars").write_text('queue_name = "fine"\n')
    assert lint_paths([tmp_path], select="BF014").findings == []


def test_a_module_calling_itself_is_instantiated_once(tmp_path: Path) -> None:
    stack = stack_of(
        build_tree(
            tmp_path,
            {
                "main.tf": """
module "again" {
  source = "./"
}
resource "aws_sqs_queue" "q" {
  name = "q"
}
""",
            },
        )
    )
    # Without the module graph, the module on the way here is enough to stop.
    assert [resource.address for resource in stack.resources("aws_sqs_queue")] == [
        "aws_sqs_queue.q"
    ]
    assert stack.root.cyclic_calls == ["again"] and stack.opaque


def test_module_cycle_outside_the_linted_path(tmp_path: Path) -> None:
    from batchform.lint import lint_paths

    queue = 'resource "aws_batch_job_queue" "q" {\n  name = "%s"\n}\n'
    build_tree(
        tmp_path,
        {
            "root/main.tf": 'module "a" {\n  source = "../a"\n}\n' + queue % "root q",
            "a/main.tf": 'module "b" {\n  source = "../b"\n}\n' + queue % "a q",
            "b/main.tf": 'module "a" {\n  source = "../a"\n}\n' + queue % "b q",
        },
    )
    result = lint_paths(
        [tmp_path / "root"], select="BF014,BF024", display_root=tmp_path
    )
    found = {(finding.code, finding.file, finding.address) for finding in result.findings}
    assert found == {
        ("BF014", "root/main.tf", "aws_batch_job_queue.q"),
        ("BF014", "a/main.tf", "module.a.aws_batch_job_queue.q"),
        # b is reached only from inside the cycle: linted as a root of its own.
        ("BF014", "b/main.tf", "aws_batch_job_queue.q"),
        ("BF024", "a/main.tf", "module.b"),
    }


def test_origin_and_expressions_follow_root_tfvars(tmp_path: Path) -> None:
    root = build_tree(
        tmp_path,
        {
            "main.tf": """
variable "tag" {
  default = "from-default"
}
resource "aws_sqs_queue" "q" {
  name = var.tag
}
""",
            "terraform.tfvars": 'tag = "from-tfvars"\n',
        },
    ).resolve()
    loader = Loader(None, root)
    tree = loader.tree([root])
    resolver = Resolver(lambda directory: tree.modules.get(directory, []))
    stack = SourceConfiguration(resolver.root(root, tree.modules[root], loader.tfvars(root)))
    queue = one(stack, "aws_sqs_queue")
    assert queue.get("name") == "from-tfvars"
    origin = queue.origin("name")
    assert origin is not None and resolver.evaluate(origin, Scope(stack.root)) == "from-tfvars"
    texts = {
        part
        for node in queue.expressions("name")
        if isinstance(node, Template)
        for part in node.parts
        if isinstance(part, str)
    }
    assert texts == {"from-tfvars"}


def test_expressions_leave_out_what_evaluation_passes_over(tmp_path: Path) -> None:
    stack = stack_of(
        build_tree(
            tmp_path,
            {
                "main.tf": """
variable "tag" {
  default = "v1"
}

resource "aws_x" "a" {
  known   = coalesce(var.tag, timestamp())
  empty   = coalesce("", uuid())
  decided = true ? "a" : uuid()
  open    = var.undecided ? "a" : uuid()
  tried   = try(var.tag, uuid())
  probed  = can(uuid())
}

variable "undecided" {}
""",
            },
        )
    )
    instance = one(stack, "aws_x")

    def calls(name: str) -> set[str]:
        return {node.name for node in instance.expressions(name) if isinstance(node, Call)}

    assert calls("known") == {"coalesce"}
    assert calls("empty") == {"coalesce", "uuid"}
    assert calls("decided") == set()
    assert calls("open") == {"uuid"}
    assert calls("tried") == {"try"}
    assert calls("probed") == {"can"}
    # Dependencies still count every branch: Terraform's graph does.
    every = instance.resolver.expressions(instance.block.attributes["decided"].expr, instance.scope)
    assert {node.name for node, _ in every if isinstance(node, Call)} == {"uuid"}


def test_inputs_are_shared_when_their_module_reads_them_for_something_else(
    tmp_path: Path,
) -> None:
    stack = stack_of(
        build_tree(
            tmp_path,
            {
                "main.tf": """
variable "only_here" {}
variable "everywhere" {}
variable "through_local" {}

locals {
  tags = merge(var.through_local, { a = "b" })
}

resource "aws_x" "a" {
  dedicated = var.only_here
  shared    = var.everywhere
  via_local = local.tags
}

resource "aws_x" "b" {
  also  = var.everywhere
  again = local.tags
}
""",
            },
        )
    )
    (first,) = [item for item in stack.instances("aws_x") if item.address == "aws_x.a"]
    assert [(i.address, i.shared) for i in first.inputs("dedicated")] == [("var.only_here", False)]
    assert [(i.address, i.shared) for i in first.inputs("shared")] == [("var.everywhere", True)]
    assert [(i.address, i.shared) for i in first.inputs("via_local")] == [
        ("var.through_local", True)
    ]


def test_partly_unknown_values_keep_their_known_parts(tmp_path: Path) -> None:
    stack = stack_of(
        build_tree(
            tmp_path,
            {
                "main.tf": """
variable "opaque" {}

variable "typed" {
  type = object({
    size    = optional(number, 2)
    name    = optional(string)
    count   = number
    enabled = bool
  })
  default = { count = "3", enabled = "true", extra = "dropped" }
}

locals {
  object = { known = 1, unknown = var.opaque }
}
""",
            },
        )
    )
    assert evaluate(stack, "local.object != null") is True
    assert evaluate(stack, "local.object == null") is False
    assert evaluate(stack, "var.opaque != null") is UNKNOWN
    assert evaluate(stack, "try(local.object, {})") == {"known": 1, "unknown": UNKNOWN}
    assert evaluate(stack, "try(local.object.missing, 7)") == 7
    assert evaluate(stack, "try(var.opaque.x, 7)") is UNKNOWN
    assert evaluate(stack, "can(local.object.missing)") is False
    assert evaluate(stack, "can(local.object.unknown)") is UNKNOWN
    assert evaluate(stack, "can(local.object.known)") is True
    # A declared type fills in optional() attributes, converts primitives, drops the rest.
    assert evaluate(stack, "var.typed") == {"size": 2, "name": None, "count": 3, "enabled": True}
