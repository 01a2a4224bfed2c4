"""Network facts for the rules: routes out of a subnet, VPC endpoints, security-group egress.

Each fact is derived once per configuration (a subnet's way out is asked for every job that
could run there)."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from batchform.aws import endpoints
from batchform.lint.knowledge.links import instance_of, referrers
from batchform.lint.model import Body, Configuration, ResourceInstance
from batchform.lint.model.values import AttrRef, Unknown, text_of

ANY_IPV4 = "0.0.0.0/0"
SERVICES = endpoints.KNOWN


def subnets_of(values: Any) -> tuple[list[ResourceInstance], bool]:
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


def vpc_of(subnet: ResourceInstance) -> ResourceInstance | None:
    """The `aws_vpc` a subnet (or endpoint, security group) is in, when known."""
    return instance_of(subnet.get("vpc_id"), "aws_vpc")


def route_tables(
    configuration: Configuration, subnet: ResourceInstance
) -> tuple[list[ResourceInstance], bool]:
    """The route tables a subnet uses, and False when that cannot be told."""
    associations = referrers(configuration, "aws_route_table_association", "subnet_id")
    complete = not associations.unclear
    tables: list[ResourceInstance] = []
    for association in associations.of(subnet):
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
    return configuration.derived(("main_route_table", vpc), lambda: _main_table(configuration, vpc))


def _main_table(
    configuration: Configuration, vpc: ResourceInstance
) -> tuple[list[ResourceInstance], bool]:
    """The main route table of a VPC: set by an association, the default route table resource,
    or the VPC's own (which holds only the local route)."""
    for main in configuration.instances("aws_main_route_table_association"):
        match = _refers(main.get("vpc_id"), vpc)
        if match is None:
            return [], False
        if match:
            table = instance_of(main.get("route_table_id"), "aws_route_table")
            return ([table], True) if table else ([], False)
    for default in configuration.instances("aws_default_route_table"):
        value = default.get("default_route_table_id")
        if isinstance(value, AttrRef) and value.instance is vpc:
            return [default], True
        if not isinstance(value, AttrRef):
            return [], False
    return [], True


def _refers(value: Any, target: ResourceInstance) -> bool | None:
    if isinstance(value, AttrRef):
        return value.instance is target
    if isinstance(value, Unknown):
        return None
    return False


def default_route_kinds(
    configuration: Configuration, table: ResourceInstance
) -> tuple[set[str], bool]:
    """How a route table reaches 0.0.0.0/0: {"nat", "igw", "other"}; False when unclear."""
    routes, complete = table.nested("route")
    separate = referrers(configuration, "aws_route", "route_table_id")
    complete &= not separate.unclear
    candidates: list[tuple[Body, str]] = [(route, "cidr_block") for route in routes]
    candidates += [(route, "destination_cidr_block") for route in separate.of(table)]
    kinds: set[str] = set()
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


def _route_kind(route: Body) -> str | None:
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
    return "other"


@dataclass(frozen=True)
class SubnetReach:
    """What a subnet's default route goes through."""

    nat: bool
    igw: bool


def subnet_reach(configuration: Configuration, subnet: ResourceInstance) -> SubnetReach | None:
    """The subnet's way out (NAT or internet gateway), None when it cannot be told."""

    def reach() -> SubnetReach | None:
        tables, complete = route_tables(configuration, subnet)
        if not complete:
            return None
        kinds: set[str] = set()
        for table in tables:
            table_kinds, table_complete = default_route_kinds(configuration, table)
            if not table_complete:
                return None
            kinds |= table_kinds
        return SubnetReach(nat=bool(kinds & {"nat", "other"}), igw="igw" in kinds)

    return configuration.derived(("subnet_reach", subnet), reach)


def public_ip_on_launch(subnet: ResourceInstance) -> bool | None:
    """Whether EC2 instances launched in the subnet get a public IPv4 address."""
    value = subnet.get("map_public_ip_on_launch", False)
    return value if isinstance(value, bool) else None


def endpoint_services(
    configuration: Configuration, vpc: ResourceInstance
) -> tuple[dict[str, list[ResourceInstance]], bool]:
    """The VPC's endpoints by service suffix ("ecs-agent", "s3", ...), and False if unclear."""

    def services() -> tuple[dict[str, list[ResourceInstance]], bool]:
        endpoints = referrers(configuration, "aws_vpc_endpoint", "vpc_id")
        found: dict[str, list[ResourceInstance]] = {}
        complete = not endpoints.unclear
        for endpoint in endpoints.of(vpc):
            text = text_of(endpoint.get("service_name"))
            if text is None:
                complete = False
                continue
            for service in SERVICES:
                if text.endswith("." + service):
                    found.setdefault(service, []).append(endpoint)
                    break
        return found, complete

    return configuration.derived(("endpoint_services", vpc), services)


def endpoint_type(endpoint: ResourceInstance) -> str | None:
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


def security_group_egress(
    configuration: Configuration, group: ResourceInstance
) -> tuple[list[Egress], bool]:
    """The group's egress rules from inline blocks (or the `egress` attribute list) and separate
    rule resources; a looked-up group (a data source) has rules out of sight: incomplete."""
    if group.mode == "data":
        return [], False
    inline, complete = _inline_egress(group)
    separate, separate_complete = _rule_egress(configuration, group)
    modern, modern_complete = _vpc_rule_egress(configuration, group)
    return inline + separate + modern, complete and separate_complete and modern_complete


_LIST_ARGUMENTS = ("cidr_blocks", "ipv6_cidr_blocks", "prefix_list_ids")


def _inline_egress(group: ResourceInstance) -> tuple[list[Egress], bool]:
    """`egress { ... }` blocks, or `egress = [{ ... }]` written as an attribute (the same
    argument: a set of objects that takes either syntax)."""
    if group.has("egress"):
        return _egress_list(group.get("egress"), group.line_of("egress"), group.file)
    rules: list[Egress] = []
    blocks, complete = group.nested("egress")
    for block in blocks:
        rules.append(_egress(block.get, block.line, block.file))
        if not all(isinstance(block.get(name) or [], list) for name in _LIST_ARGUMENTS):
            complete = False
    return rules, complete


def _egress_list(value: Any, line: int, file: str) -> tuple[list[Egress], bool]:
    if not isinstance(value, list):
        return [], value is None
    rules: list[Egress] = []
    complete = True
    for item in value:
        if not isinstance(item, dict):
            complete = False
            continue
        rules.append(_egress(item.get, line, file))
        if not all(isinstance(item.get(name) or [], list) for name in _LIST_ARGUMENTS):
            complete = False
    return rules, complete


def _egress(get: Callable[[str], Any], line: int, file: str) -> Egress:
    """One inline egress rule from its arguments."""
    return Egress(
        get("protocol"),
        get("from_port"),
        get("to_port"),
        tuple(_list(get("cidr_blocks")) + _list(get("ipv6_cidr_blocks"))),
        tuple(_list(get("prefix_list_ids"))),
        bool(get("security_groups")) or get("self") is True,
        line,
        file,
    )


def _rule_egress(
    configuration: Configuration, group: ResourceInstance
) -> tuple[list[Egress], bool]:
    """aws_security_group_rule resources of type egress for the group."""
    found = referrers(configuration, "aws_security_group_rule", "security_group_id")
    complete = not found.unclear
    rules: list[Egress] = []
    for rule in found.of(group):
        kind = rule.get("type")
        if not isinstance(kind, str):
            complete = False
            continue
        if kind != "egress":
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
    return rules, complete


def _vpc_rule_egress(
    configuration: Configuration, group: ResourceInstance
) -> tuple[list[Egress], bool]:
    """aws_vpc_security_group_egress_rule resources for the group."""
    found = referrers(configuration, "aws_vpc_security_group_egress_rule", "security_group_id")
    rules: list[Egress] = []
    for rule in found.of(group):
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
    return rules, not found.unclear


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else ([] if value is None else [value])


def allows_https(rule: Egress) -> bool | None:
    """Whether the rule's protocol and ports let HTTPS (tcp/443) out."""
    return allows_tcp_port(rule, 443)


def allows_tcp_port(rule: Egress, port: int) -> bool | None:
    """Whether the rule's protocol and ports let TCP to one port out; None when unknown."""
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
    return low <= port <= high


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
