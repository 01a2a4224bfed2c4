#!/usr/bin/env python3
"""Regenerate generator/batchform/data/aws_provider_schema.json from the @cdktn/provider-aws package.

The npm package carries the hashicorp/aws schema in two forms that complement each other:

* the jsii assembly (``.jsii``, possibly ``.jsii.gz`` behind a redirect) holds one *struct* per
  block (the ``...Config`` interface of a resource, one interface per nested block) whose
  properties carry the Terraform name as the anchor of their registry doc link, an ``optional``
  flag (absent = required), and the shape: a single struct (max one block), an array of structs,
  a primitive, an array or a map;
* the compiled JavaScript next to it (``lib/<module>/index.js``) says per attribute whether it is
  a block or an attribute, list or set or map or single (``toHclTerraform`` metadata), and carries
  the generator's ``// name - computed: C, optional: O, required: R`` comment above each getter,
  which is the only place optional+computed and computed-only attributes are visible.

Not present in the package, hence not in the snapshot: ForceNew (kept as data in
force_new.json), Sensitive (except the few listed in SENSITIVE, taken from the provider source),
Deprecated, enum values, MaxItems other than 1 and any MaxItems of provider-block blocks, the
resource schema version (written as 0) and most descriptions (kept where the assembly has one).

Usage: python scripts/update_provider_schema.py [--version 25.7.0] [--out PATH]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from batchform.aws import provider

PACKAGE = "@cdktn/provider-aws"
DEFAULT_PACKAGE_VERSION = "25.7.0"
PROVIDER_ADDRESS = provider.ADDRESS
OUT = Path(__file__).resolve().parents[1] / "generator/batchform/data/aws_provider_schema.json"

# The curated type list: every type batchform emits or lints. Extend here.
RESOURCE_TYPES = (
    "aws_batch_compute_environment",
    "aws_batch_job_definition",
    "aws_batch_job_queue",
    "aws_batch_scheduling_policy",
    "aws_cloudwatch_event_rule",
    "aws_cloudwatch_event_target",
    "aws_cloudwatch_log_group",
    "aws_default_network_acl",
    "aws_default_route_table",
    "aws_default_security_group",
    "aws_ecr_repository",
    "aws_ecr_lifecycle_policy",
    "aws_efs_access_point",
    "aws_efs_file_system",
    "aws_efs_mount_target",
    "aws_eip",
    "aws_flow_log",
    "aws_iam_instance_profile",
    "aws_iam_policy",
    "aws_iam_role",
    "aws_iam_role_policy",
    "aws_iam_role_policy_attachment",
    "aws_iam_service_linked_role",
    "aws_internet_gateway",
    "aws_kms_alias",
    "aws_kms_key",
    "aws_launch_template",
    "aws_nat_gateway",
    "aws_placement_group",
    "aws_route",
    "aws_route_table",
    "aws_route_table_association",
    "aws_s3_bucket",
    "aws_scheduler_schedule",
    "aws_secretsmanager_secret",
    "aws_secretsmanager_secret_version",
    "aws_security_group",
    "aws_security_group_rule",
    "aws_ssm_parameter",
    "aws_subnet",
    "aws_vpc",
    "aws_vpc_endpoint",
    "aws_vpc_endpoint_route_table_association",
    "aws_vpc_endpoint_subnet_association",
    "aws_vpc_security_group_egress_rule",
    "aws_vpc_security_group_ingress_rule",
)
DATA_SOURCE_TYPES = (
    "aws_ami",
    "aws_availability_zones",
    "aws_batch_compute_environment",
    "aws_batch_job_queue",
    "aws_caller_identity",
    "aws_ec2_managed_prefix_list",
    "aws_ecr_repository",
    "aws_efs_file_system",
    "aws_iam_instance_profile",
    "aws_iam_policy",
    "aws_iam_policy_document",
    "aws_iam_role",
    "aws_partition",
    "aws_prefix_list",
    "aws_region",
    "aws_route_table",
    "aws_s3_bucket",
    "aws_secretsmanager_secret",
    "aws_security_group",
    "aws_ssm_parameter",
    "aws_subnet",
    "aws_subnets",
    "aws_vpc",
    "aws_vpc_endpoint_service",
)

# Sensitive is not in the package either; these few are carried over from the provider source
# (internal/service/ssm/parameter.go and parameter_data_source.go: "value";
# internal/service/secretsmanager/secret_version.go: "secret_string", "secret_binary").
SENSITIVE: dict[tuple[str, str], tuple[str, ...]] = {
    ("data-sources", "aws_ssm_parameter"): ("value",),
    ("resources", "aws_ssm_parameter"): ("value",),
    ("resources", "aws_secretsmanager_secret_version"): ("secret_string", "secret_binary"),
}

_DOC_LINK = re.compile(
    r"registry\.terraform\.io/providers/hashicorp/aws/([\d.]+)/docs(?:/(resources|data-sources)/(\w+))?(?:#(\w+))?"
)
_COMMENT = re.compile(
    r"^\s*// (\w+) - computed: (true|false), optional: (true|false), required: (true|false)"
)
_GETTER = re.compile(r"^\s*get (\w+)\(\) \{")
_NEW_COMPLEX = re.compile(r'new (?:cdktn\.)?(\w+)\(this, "(\w+)"(?:, (true|false))?\)')
_HCL_ENTRY = re.compile(
    r"^ +(\w+): \{\n +value: .*\n +isBlock: (true|false),\n +type: \"(\w+)\",\n +storageClassType: \"(\w+)\",$",
    re.MULTILINE,
)
_COMPUTED_MAPS = {"StringMap": "string", "NumberMap": "number", "BooleanMap": "bool"}
_SCALARS = {"string": "string", "number": "number", "boolean": "bool"}


@dataclass
class JsClass:
    """What the compiled JavaScript says about one generated class."""

    flags: dict[str, tuple[bool, bool, bool]] = field(default_factory=dict)  # camel -> c, o, r
    tf_names: dict[str, str] = field(default_factory=dict)  # camel -> terraform name
    bodies: dict[str, str] = field(default_factory=dict)  # camel -> getter body
    complex: dict[str, tuple[str, bool]] = field(default_factory=dict)  # tf name -> class, set


@dataclass
class JsModule:
    """Per-module facts parsed from ``lib/<module>/index.js``."""

    classes: dict[str, JsClass]
    hcl: dict[str, dict[str, tuple[bool, str, str]]]  # owner -> tf name -> isBlock, type, storage


def parse_js(text: str) -> JsModule:
    """Split a module into classes and ``toHclTerraform`` tables and read their facts."""
    classes: dict[str, JsClass] = {}
    hcl: dict[str, dict[str, tuple[bool, str, str]]] = {}
    # Top-level declarations start at column 0: `class X extends` or `function xToHclTerraform(`.
    chunks = re.split(r"^(?=class \w+ |function \w+\()", text, flags=re.MULTILINE)
    for chunk in chunks:
        head = re.match(r"(class|function) (\w+)", chunk)
        if not head:
            continue
        kind, name = head.groups()
        entries = {m[0]: (m[1] == "true", m[2], m[3]) for m in _HCL_ENTRY.findall(chunk)}
        if kind == "function" and name.endswith("ToHclTerraform"):
            hcl[name[: -len("ToHclTerraform")]] = entries
            continue
        if kind != "class":
            continue
        if entries:  # synthesizeHclAttributes of a resource, data source or provider
            hcl[name[0].lower() + name[1:]] = entries
        js = JsClass()
        pending: tuple[str, tuple[bool, bool, bool]] | None = None
        lines = chunk.splitlines()
        for i, line in enumerate(lines):
            comment = _COMMENT.match(line)
            if comment:
                tf, c, o, r = comment.groups()
                pending = (tf, (c == "true", o == "true", r == "true"))
                continue
            made = _NEW_COMPLEX.search(line)
            if made and "=" in line.split("new", 1)[0]:
                js.complex[made[2]] = (made[1], made[3] == "true")
            getter = _GETTER.match(line)
            if getter and pending:
                camel = getter[1]
                js.tf_names[camel] = pending[0]
                js.flags[camel] = pending[1]
                js.bodies[camel] = "\n".join(lines[i + 1 : i + 3])
                pending = None
        classes[name] = js
    return JsModule(classes, hcl)


class Assembly:
    """The jsii assembly plus the package's compiled modules, read on demand."""

    def __init__(self, package_dir: Path) -> None:
        self.root = package_dir
        self.types: dict[str, Any] = load_jsii(package_dir)["types"]
        self._modules: dict[str, JsModule] = {}
        self.provider_version = ""
        self.by_tf_name: dict[tuple[str, str], str] = {}
        for fqn, spec in self.types.items():
            base = spec.get("base")
            if base not in ("cdktn.TerraformResource", "cdktn.TerraformDataSource"):
                continue
            link = _DOC_LINK.search(spec.get("docs", {}).get("summary", ""))
            if link and link[2]:
                self.provider_version = link[1]
                self.by_tf_name[(link[2], "aws_" + link[3])] = fqn

    def module(self, fqn: str) -> JsModule:
        """The parsed JavaScript module that defines ``fqn``."""
        ts = self.types[fqn]["locationInModule"]["filename"]
        js_path = self.root / ts.replace("src/", "lib/", 1).replace(".ts", ".js")
        key = str(js_path)
        if key not in self._modules:
            self._modules[key] = parse_js(js_path.read_text(encoding="utf-8"))
        return self._modules[key]


def load_jsii(package_dir: Path) -> dict[str, Any]:
    """Read ``.jsii``, following a redirect to a gzip-compressed assembly when there is one."""
    raw = json.loads((package_dir / ".jsii").read_text(encoding="utf-8"))
    if raw.get("schema") == "jsii/file-redirect":
        target = package_dir / raw["filename"]
        data = target.read_bytes()
        if raw.get("compression") == "gzip" or target.suffix == ".gz":
            data = gzip.decompress(data)
        raw = json.loads(data)
    return raw


def doc_anchor(prop: dict[str, Any]) -> str | None:
    """The Terraform name of a jsii property: the anchor of its registry doc link."""
    docs = prop.get("docs", {})
    for text in (docs.get("summary", ""), docs.get("remarks", "")):
        link = _DOC_LINK.search(text)
        if link and link[4]:
            return link[4]
    return None


def description(prop: dict[str, Any]) -> str | None:
    """The attribute's description when the assembly has a real one."""
    summary = prop.get("docs", {}).get("summary", "")
    if (
        not summary
        or summary.startswith("Docs at Terraform Registry")
        or summary.endswith(" block.")
    ):
        return None
    return summary


def struct_of(jtype: dict[str, Any]) -> tuple[str, bool] | None:
    """(struct fqn, is an array) when a jsii type refers to a struct, else None."""
    options = jtype["union"]["types"] if "union" in jtype else [jtype]
    for option in options:
        if option.get("fqn", "").startswith(PACKAGE + "."):
            return option["fqn"], False
        element = option.get("collection", {}).get("elementtype", {})
        if element.get("fqn", "").startswith(PACKAGE + "."):
            return element["fqn"], True
    return None


def storage_type(kind: str, storage: str) -> Any:
    """cty type JSON of a non-block attribute from its toHclTerraform metadata."""
    if kind == "simple":
        return _SCALARS[storage]
    for suffix, _element in (("List", None), ("Map", None)):
        if storage.endswith(suffix) and storage[: -len(suffix)] in ("string", "number", "boolean"):
            return [kind, _SCALARS[storage[: -len(suffix)]]]
    if storage == "anyMap":
        return ["map", "dynamic"]
    raise ValueError(f"unhandled storage class {kind}/{storage}")


def getter_type(asm: Assembly, module: JsModule, cls: JsClass, camel: str, tf: str) -> Any:
    """cty type JSON of a computed attribute from its getter."""
    body = cls.bodies[camel]
    wrapped_set = "Fn.tolist(" in body
    for call, ctype in (
        ("getStringAttribute", "string"),
        ("getNumberAttribute", "number"),
        ("getBooleanAttribute", "bool"),
        ("getListAttribute", ["set" if wrapped_set else "list", "string"]),
        ("getNumberListAttribute", ["set" if wrapped_set else "list", "number"]),
        ("getStringMapAttribute", ["map", "string"]),
        ("getNumberMapAttribute", ["map", "number"]),
        ("getBooleanMapAttribute", ["map", "bool"]),
        ("getAnyMapAttribute", ["map", "dynamic"]),
    ):
        if f"this.{call}(" in body:
            return ctype
    if tf in cls.complex:
        class_name, wraps_set = cls.complex[tf]
        if class_name in _COMPUTED_MAPS:
            return ["map", _COMPUTED_MAPS[class_name]]
        element = object_type(asm, module, class_name.removesuffix("List").removesuffix("Map"))
        if class_name.endswith("List"):
            return ["set" if wraps_set else "list", element]
        if class_name.endswith("Map"):
            return ["map", element]
        return element
    raise ValueError(f"unhandled getter for {tf}: {body!r}")


def object_type(asm: Assembly, module: JsModule, struct_name: str) -> Any:
    """cty object type of a computed nested object, from its OutputReference getters."""
    cls = module.classes[struct_name + "OutputReference"]
    attrs = {
        cls.tf_names[camel]: getter_type(asm, module, cls, camel, cls.tf_names[camel])
        for camel in cls.tf_names
    }
    return ["object", dict(sorted(attrs.items()))]


def input_object_type(asm: Assembly, struct_fqn: str) -> Any:
    """cty object type of an attribute whose value is a list/set of objects (attributes-as-blocks)."""
    spec = asm.types[struct_fqn]
    module = asm.module(struct_fqn)
    table = module.hcl[spec["name"][0].lower() + spec["name"][1:]]
    attrs: dict[str, Any] = {}
    for prop in spec.get("properties", []):
        tf = doc_anchor(prop)
        assert tf, prop["name"]
        _, kind, storage = table[tf]
        nested = struct_of(prop["type"])
        if nested:
            element = input_object_type(asm, nested[0])
            attrs[tf] = [kind, element] if kind in ("list", "set", "map") else element
        else:
            attrs[tf] = storage_type(kind, storage)
    return ["object", dict(sorted(attrs.items()))]


def nested_block(
    asm: Assembly, nested: tuple[str, bool], kind: str, required: bool
) -> dict[str, Any]:
    """The block type of a nested struct: its nesting mode, item limits and schema."""
    nested_fqn, is_array = nested
    nested_name = asm.types[nested_fqn]["name"]
    block: dict[str, Any] = {
        "nesting_mode": "single" if kind == "struct" else kind,
        "block": block_schema(
            asm,
            nested_fqn,
            nested_name + "OutputReference",
            nested_name[0].lower() + nested_name[1:],
        ),
    }
    if kind != "struct":
        if required:
            block["min_items"] = 1
        if not is_array:
            block["max_items"] = 1
    return block


def attribute_schema(
    asm: Assembly, prop: dict[str, Any], kind: str, storage: Any, required: bool, computed: bool
) -> dict[str, Any]:
    """One attribute: its cty type, description and required/optional/computed flags."""
    nested = struct_of(prop["type"])
    if nested:
        element = input_object_type(asm, nested[0])
        ctype = [kind, element] if kind in ("list", "set", "map") else element
    else:
        ctype = storage_type(kind, storage)
    attribute: dict[str, Any] = {"type": ctype}
    text = description(prop)
    if text:
        attribute["description"] = text
        attribute["description_kind"] = "plain"
    if required:
        attribute["required"] = True
    else:
        attribute["optional"] = True
    if computed:
        attribute["computed"] = True
    return attribute


def block_schema(
    asm: Assembly, struct_fqn: str, class_name: str | None, hcl_key: str
) -> dict[str, Any]:
    """The schema block of one struct: attributes and nested block types."""
    spec = asm.types[struct_fqn]
    module = asm.module(struct_fqn)
    table = module.hcl[hcl_key]
    js = module.classes.get(class_name or "", JsClass())
    flags_by_tf = {js.tf_names[c]: js.flags[c] for c in js.tf_names}
    attributes: dict[str, Any] = {}
    blocks: dict[str, Any] = {}
    for prop in spec.get("properties", []):
        tf = doc_anchor(prop)
        if tf is None:
            continue  # meta-arguments (count, provider, ...) and alias-like extras
        is_block, kind, storage = table[tf]
        required = not prop.get("optional", False)
        computed = flags_by_tf.get(tf, (False, not required, required))[0]
        nested = struct_of(prop["type"])
        if is_block and computed:
            # The generator renders "attributes as blocks" (a list/set-of-object attribute, e.g.
            # aws_security_group.ingress) as blocks; only an attribute can be computed.
            is_block = False
        if is_block:
            assert nested, tf
            blocks[tf] = nested_block(asm, nested, kind, required)
            continue
        attributes[tf] = attribute_schema(asm, prop, kind, storage, required, computed)
    for camel, (computed, optional, required) in js.flags.items():
        tf = js.tf_names[camel]
        if computed and not optional and not required and tf not in attributes:
            attributes[tf] = {"type": getter_type(asm, module, js, camel, tf), "computed": True}
    result: dict[str, Any] = {}
    if attributes:  # terraform's JSON leaves out an empty attribute map
        result["attributes"] = dict(sorted(attributes.items()))
    if blocks:
        result["block_types"] = dict(sorted(blocks.items()))
    result["description_kind"] = "plain"
    return result


def type_schema(asm: Assembly, kind: str, tf_type: str) -> dict[str, Any]:
    """The schema of one resource or data source type."""
    fqn = asm.by_tf_name.get((kind, tf_type))
    if fqn is None:
        raise SystemExit(f"{PACKAGE} has no {kind[:-1]} {tf_type}")
    name = asm.types[fqn]["name"]
    config = fqn + "Config"
    block = block_schema(asm, config, name, name[0].lower() + name[1:])
    for attribute in SENSITIVE.get((kind, tf_type), ()):
        block["attributes"][attribute]["sensitive"] = True
    return {"version": 0, "block": block}


def build(package_dir: Path, package_version: str) -> dict[str, Any]:
    """The whole snapshot in `terraform providers schema -json` form plus version keys."""
    asm = Assembly(package_dir)
    provider_fqn = f"{PACKAGE}.provider.AwsProvider"
    return {
        "format_version": "1.0",
        "provider_versions": {PROVIDER_ADDRESS: asm.provider_version},
        "source": f"npm {PACKAGE}@{package_version} (jsii assembly and compiled modules)",
        "provider_schemas": {
            PROVIDER_ADDRESS: {
                "provider": {
                    "version": 0,
                    "block": block_schema(
                        asm, provider_fqn + "Config", "AwsProvider", "awsProvider"
                    ),
                },
                "resource_schemas": {
                    t: type_schema(asm, "resources", t) for t in sorted(RESOURCE_TYPES)
                },
                "data_source_schemas": {
                    t: type_schema(asm, "data-sources", t) for t in sorted(DATA_SOURCE_TYPES)
                },
            }
        },
    }


def fetch_package(version: str, workdir: Path) -> Path:
    """`npm pack` the package into ``workdir`` and unpack the parts this script reads."""
    subprocess.run(
        ["npm", "pack", f"{PACKAGE}@{version}", "--silent"],
        cwd=workdir,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    tarball = next(workdir.glob("*.tgz"))
    with tarfile.open(tarball) as archive:
        members = [
            m
            for m in archive.getmembers()
            if m.name.startswith("package/.jsii")
            or m.name == "package/package.json"
            or (m.name.startswith("package/lib/") and m.name.endswith("/index.js"))
        ]
        archive.extractall(workdir, members=members, filter="data")
    return workdir / "package"


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: fetch, derive, write."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", default=DEFAULT_PACKAGE_VERSION, help="package version")
    parser.add_argument("--package-dir", type=Path, help="an already unpacked package/ directory")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        package_dir = args.package_dir or fetch_package(args.version, Path(tmp))
        snapshot = build(package_dir, args.version)
    args.out.write_text(json.dumps(snapshot, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    print(
        f"wrote {args.out} ({args.out.stat().st_size} bytes), provider "
        f"{snapshot['provider_versions'][PROVIDER_ADDRESS]}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
