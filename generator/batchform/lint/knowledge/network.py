"""Network facts for the rules: routes out of a subnet, VPC endpoints, security-group egress."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any

from batchform.lint.engine.resolver import Instance, Stack
from batchform.lint.knowledge.batch import instance_of
from batchform.lint.model.values import AttrRef, Unknown, text_of

ANY_IPV4 = "0.0.0.0/0"
SERVICES = (
    "ecs-agent",
    "ecs-telemetry",
    "ecs",
    "ecr.api",
    "ecr.dkr",
    "s3",
    "logs",
    "secretsmanager",
    "ssm",
    "sts",
)
_OTHER_TARGETS = (
    "transit_gateway_id",
    "network_interface_id",
    "vpc_peering_connection_id",
    "instance_id",
    "egress_only_gateway_id",
    "core_network_arn",
)


def opaque_modules(stack: Stack) -> bool:
    """True when the stack calls modules batchform cannot read (registry, git): their resources
    may supply the routes or endpoints, so network rules stay silent."""
    for module in stack.modules:
        for name in module.calls:
            if module.child(name) is None:
                return True
    return False


def subnets_of(values: Any) -> tuple[list[Instance], bool]:
    """The `aws_subnet` instances a list refers to, and False if some entry is not one."""
    if not isinstance(values, list):
        return [], False
    found = []
    complete = True
    for value in values:
        subnet = instance_of(value, "aws_subnet")
        if subnet is None:
            complete = False
        else:
            found.append(subnet)
    return found, complete


def vpc_of(subnet: Instance) -> Instance | None:
    """The `aws_vpc` a subnet (or endpoint, security group) is in, when known."""
    return instance_of(subnet.get("vpc_id"), "aws_vpc")


def _refers(value: Any, target: Instance) -> bool | None:
    if isinstance(value, AttrRef):
        return value.instance is target
    if isinstance(value, Unknown):
        return None
    return False


def route_tables(stack: Stack, subnet: Instance) -> tuple[list[Instance], bool]:
    """The route tables a subnet uses, and False when that cannot be told."""
    tables: list[Instance] = []
    complete = True
    for association in stack.instances("aws_route_table_association"):
        if not association.has("subnet_id"):
            continue
        match = _refers(association.get("subnet_id"), subnet)
        if match is None:
            complete = False
        elif match:
            table = association.get("route_table_id")
            instance = instance_of(table, "aws_route_table") or instance_of(
                table, "aws_default_route_table"
            )
            if instance is None:
                complete = False
            else:
                tables.append(instance)
    if tables or not complete:
        return tables, complete
    vpc = vpc_of(subnet)
    if vpc is None:
        return [], False
    for main in stack.instances("aws_main_route_table_association"):
        match = _refers(main.get("vpc_id"), vpc)
        if match is None:
            return [], False
        if match:
            table = instance_of(main.get("route_table_id"), "aws_route_table")
            return ([table], True) if table else ([], False)
    for default in stack.instances("aws_default_route_table"):
        value = default.get("default_route_table_id")
        if isinstance(value, AttrRef) and value.instance is vpc:
            return [default], True
        if not isinstance(value, AttrRef):
            return [], False
    # A VPC's own main route table holds only the local route.
    return [], True


def default_route_kinds(stack: Stack, table: Instance) -> tuple[set[str], bool]:
    """How a route table reaches 0.0.0.0/0: {"nat", "igw", "other"}; False when unclear."""
    kinds: set[str] = set()
    complete = True
    routes, routes_complete = table.nested("route")
    complete &= routes_complete
    candidates: list[Any] = [(route, "cidr_block") for route in routes]
    for route in stack.instances("aws_route"):
        match = _refers(route.get("route_table_id"), table)
        if match is None:
            complete = False
        elif match:
            candidates.append((route, "destination_cidr_block"))
    for route, cidr_name in candidates:
        cidr = route.get(cidr_name)
        if cidr is None:
            continue
        if not isinstance(cidr, str):
            complete = False
            continue
        if cidr != ANY_IPV4:
            continue
        kind = _route_kind(route)
        if kind is None:
            complete = False
        else:
            kinds.add(kind)
    return kinds, complete


def _route_kind(route: Any) -> str | None:
    nat = route.get("nat_gateway_id")
    if nat not in (None, ""):
        return "nat"
    gateway = route.get("gateway_id")
    if gateway not in (None, ""):
        if instance_of(gateway, "aws_internet_gateway") is not None:
            return "igw"
        text = text_of(gateway)
        if text is not None and text.startswith("igw-"):
            return "igw"
        return None if isinstance(gateway, Unknown) else "other"
    for name in _OTHER_TARGETS:
        if route.get(name) not in (None, ""):
            return "other"
    return "other"


@dataclass(frozen=True)
class SubnetReach:
    """What a subnet's default route goes through."""

    nat: bool
    igw: bool


def subnet_reach(stack: Stack, subnet: Instance) -> SubnetReach | None:
    """The subnet's way out (NAT or internet gateway), None when it cannot be told."""
    tables, complete = route_tables(stack, subnet)
    if not complete:
        return None
    kinds: set[str] = set()
    for table in tables:
        table_kinds, table_complete = default_route_kinds(stack, table)
        if not table_complete:
            return None
        kinds |= table_kinds
    return SubnetReach(nat=bool(kinds & {"nat", "other"}), igw="igw" in kinds)


def public_ip_on_launch(subnet: Instance) -> bool | None:
    """Whether EC2 instances launched in the subnet get a public IPv4 address."""
    value = subnet.get("map_public_ip_on_launch", False)
    return value if isinstance(value, bool) else None


def endpoint_services(stack: Stack, vpc: Instance) -> tuple[dict[str, list[Instance]], bool]:
    """The VPC's endpoints by service suffix ("ecs-agent", "s3", ...), and False if unclear."""
    found: dict[str, list[Instance]] = {}
    complete = True
    for endpoint in stack.instances("aws_vpc_endpoint"):
        match = _refers(endpoint.get("vpc_id"), vpc)
        if match is None:
            complete = False
            continue
        if not match:
            continue
        text = text_of(endpoint.get("service_name"))
        if text is None:
            complete = False
            continue
        for service in SERVICES:
            if text.endswith("." + service):
                found.setdefault(service, []).append(endpoint)
                break
    return found, complete


def endpoint_type(endpoint: Instance) -> str | None:
    """Interface, Gateway (the default) or None when unknown."""
    value = endpoint.get("vpc_endpoint_type", "Gateway")
    return value if isinstance(value, str) else None


@dataclass(frozen=True)
class Egress:
    """One egress rule of a security group."""

    protocol: Any
    from_port: Any
    to_port: Any
    cidrs: tuple[Any, ...]
    prefix_lists: tuple[Any, ...]
    other: bool
    line: int
    file: str


def security_group_egress(stack: Stack, group: Instance) -> tuple[list[Egress], bool]:
    """The group's egress rules from inline blocks and separate rule resources."""
    rules: list[Egress] = []
    blocks, complete = group.nested("egress")
    for block in blocks:
        rules.append(
            Egress(
                block.get("protocol"),
                block.get("from_port"),
                block.get("to_port"),
                tuple(_list(block.get("cidr_blocks")) + _list(block.get("ipv6_cidr_blocks"))),
                tuple(_list(block.get("prefix_list_ids"))),
                bool(block.get("security_groups")) or block.get("self") is True,
                block.line,
                block.file,
            )
        )
        if not all(
            isinstance(block.get(name, []), list)
            for name in ("cidr_blocks", "ipv6_cidr_blocks", "prefix_list_ids")
        ):
            complete = False
    for rule in stack.instances("aws_security_group_rule"):
        match = _refers(rule.get("security_group_id"), group)
        kind = rule.get("type")
        if match is None or (match and not isinstance(kind, str)):
            complete = False
            continue
        if not match or kind != "egress":
            continue
        cidrs = rule.get("cidr_blocks", [])
        prefixes = rule.get("prefix_list_ids", [])
        if not isinstance(cidrs, list) or not isinstance(prefixes, list):
            complete = False
        rules.append(
            Egress(
                rule.get("protocol"),
                rule.get("from_port"),
                rule.get("to_port"),
                tuple(_list(cidrs) + _list(rule.get("ipv6_cidr_blocks"))),
                tuple(_list(prefixes)),
                rule.has("source_security_group_id") or rule.get("self") is True,
                rule.line,
                rule.file,
            )
        )
    for rule in stack.instances("aws_vpc_security_group_egress_rule"):
        match = _refers(rule.get("security_group_id"), group)
        if match is None:
            complete = False
            continue
        if not match:
            continue
        cidrs = [rule.get(name) for name in ("cidr_ipv4", "cidr_ipv6") if rule.has(name)]
        prefixes = [rule.get("prefix_list_id")] if rule.has("prefix_list_id") else []
        rules.append(
            Egress(
                rule.get("ip_protocol"),
                rule.get("from_port"),
                rule.get("to_port"),
                tuple(cidrs),
                tuple(prefixes),
                rule.has("referenced_security_group_id"),
                rule.line,
                rule.file,
            )
        )
    return rules, complete


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else ([] if value is None else [value])


def allows_https(rule: Egress) -> bool | None:
    """Whether the rule's protocol and ports let HTTPS (tcp/443) out."""
    protocol = rule.protocol
    if isinstance(protocol, Unknown):
        return None
    if str(protocol).lower() in ("-1", "all"):
        return True
    if str(protocol).lower() not in ("tcp", "6"):
        return False
    low, high = rule.from_port, rule.to_port
    if not isinstance(low, (int, float)) or not isinstance(high, (int, float)):
        return None
    return low <= 443 <= high


def reaches_public_aws(rule: Egress) -> bool | None:
    """Whether the rule can reach addresses outside the VPC (0.0.0.0/0, any prefix list)."""
    if rule.prefix_lists:
        return True
    unknown = False
    for cidr in rule.cidrs:
        if not isinstance(cidr, str):
            unknown = True
            continue
        try:
            network = ipaddress.ip_network(cidr, strict=False)
        except ValueError:
            unknown = True
            continue
        if network.prefixlen == 0 or not network.is_private:
            return True
    return None if unknown else False
