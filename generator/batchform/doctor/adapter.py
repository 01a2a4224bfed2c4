"""What the account returned, mapped into the resource model the lint rules read.

Each described object becomes an instance of the Terraform type that manages it, with its
arguments named as the provider names them (`computeResources.maxvCpus` is
`compute_resources.max_vcpus`), and every id or ARN that names another described object becomes
an `AttrRef` to it, so the rules follow a compute environment to its subnets, their route
tables and VPC endpoints exactly as they do in Terraform source. An id the account does not
have stays a plain string, as a literal id does in source.

Three kinds of object have no Terraform resource, and get types of batchform's own in the
provider's naming: `aws_batch_job` (a submitted job), `aws_ecs_container_instance` (an instance
registered in an ECS cluster) and the data source `aws_ecs_cluster` (the cluster Batch made).
A job and an EC2 instance also carry `settled`: whether AWS has had doctor's grace period to
act on it since it was created or launched.
"""

from __future__ import annotations

import json
from typing import Any

from batchform.aws import rules
from batchform.doctor.model import AccountBlock, AccountConfiguration, AccountInstance
from batchform.doctor.snapshot import Item, Snapshot
from batchform.lint.knowledge.runtime import CLUSTER_TYPE, CONTAINER_INSTANCE_TYPE, JOB_TYPE


class _Builder:
    """Builds instances in dependency order, indexing each by the ids and ARNs that name it."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.instances: list[AccountInstance] = []
        self._named: dict[str, AccountInstance] = {}

    def add(self, instance: AccountInstance, *names: Any) -> AccountInstance:
        self.instances.append(instance)
        for name in names:
            if isinstance(name, str) and name:
                self._named.setdefault(name, instance)
        return instance

    def ref(self, name: Any, *path: str) -> Any:
        """An AttrRef to the described object `name` identifies, else `name` itself."""
        instance = self._named.get(name) if isinstance(name, str) else None
        return instance.ref(*path) if instance is not None else name

    def refs(self, names: Any, *path: str) -> list[Any] | None:
        return [self.ref(name, *path) for name in names] if isinstance(names, list) else None

    def arn(self, service: str, resource: str, owner: Any = None) -> str:
        snapshot = self.snapshot
        account = owner if isinstance(owner, str) and owner else snapshot.account_id
        return f"arn:{snapshot.partition}:{service}:{snapshot.region}:{account}:{resource}"


def configuration(snapshot: Snapshot) -> AccountConfiguration:
    """The resource model of everything in the snapshot."""
    builder = _Builder(snapshot)
    _network(builder)
    _iam(builder)
    _ecs(builder)
    for ce in snapshot.compute_environments:
        _compute_environment(builder, ce)
    for queue in snapshot.queues:
        _queue(builder, queue)
    for definition in snapshot.job_definitions:
        _job_definition(builder, definition)
    for job in snapshot.jobs:
        _job(builder, job)
    return AccountConfiguration(builder.instances)


# -- network --------------------------------------------------------------------------------------


def _network(builder: _Builder) -> None:
    snapshot = builder.snapshot
    for vpc in snapshot.vpcs:
        identifier = vpc["VpcId"]
        values = {
            "id": identifier,
            "cidr_block": vpc.get("CidrBlock"),
            "enable_dns_support": vpc.get("EnableDnsSupport"),
            "enable_dns_hostnames": vpc.get("EnableDnsHostnames"),
        }
        arn = builder.arn("ec2", f"vpc/{identifier}", vpc.get("OwnerId"))
        builder.add(AccountInstance("aws_vpc", identifier, arn, values), identifier)
    for subnet in snapshot.subnets:
        _subnet(builder, subnet)
    for gateway in snapshot.internet_gateways:
        identifier = gateway["InternetGatewayId"]
        arn = builder.arn("ec2", f"internet-gateway/{identifier}", gateway.get("OwnerId"))
        builder.add(
            AccountInstance("aws_internet_gateway", identifier, arn, {"id": identifier}), identifier
        )
    for nat in snapshot.nat_gateways:
        _nat_gateway(builder, nat)
    for table in snapshot.route_tables:
        _route_table(builder, table)
    for endpoint in snapshot.endpoints:
        _endpoint(builder, endpoint)
    for group in snapshot.security_groups:
        _security_group(builder, group)


def _subnet(builder: _Builder, subnet: Item) -> None:
    identifier = subnet["SubnetId"]
    values = {
        "id": identifier,
        "vpc_id": builder.ref(subnet.get("VpcId"), "id"),
        "cidr_block": subnet.get("CidrBlock"),
        "availability_zone": subnet.get("AvailabilityZone"),
        "map_public_ip_on_launch": bool(subnet.get("MapPublicIpOnLaunch", False)),
    }
    arn = subnet.get("SubnetArn") or builder.arn(
        "ec2", f"subnet/{identifier}", subnet.get("OwnerId")
    )
    builder.add(AccountInstance("aws_subnet", identifier, arn, values), identifier)


def _nat_gateway(builder: _Builder, nat: Item) -> None:
    identifier = nat["NatGatewayId"]
    if str(nat.get("State", "")).lower() in ("deleted", "deleting", "failed"):
        return  # routes to it are blackholes: nothing to point them at
    values = {
        "id": identifier,
        "subnet_id": builder.ref(nat.get("SubnetId"), "id"),
        "connectivity_type": nat.get("ConnectivityType"),
    }
    arn = builder.arn("ec2", f"natgateway/{identifier}")
    builder.add(AccountInstance("aws_nat_gateway", identifier, arn, values), identifier)


def _route_table(builder: _Builder, table: Item) -> None:
    identifier = table["RouteTableId"]
    arn = builder.arn("ec2", f"route-table/{identifier}", table.get("OwnerId"))
    routes = [_route(builder, arn, route) for route in table.get("Routes", [])]
    instance = AccountInstance(
        "aws_route_table",
        identifier,
        arn,
        {"id": identifier, "vpc_id": builder.ref(table.get("VpcId"), "id")},
        {"route": [route for route in routes if route is not None]},
    )
    builder.add(instance, identifier)
    for association in table.get("Associations", []):
        state = (association.get("AssociationState") or {}).get("State", "associated")
        if state not in ("associated", "associating"):
            continue
        key = association.get("RouteTableAssociationId") or identifier
        if association.get("Main"):
            values = {
                "vpc_id": builder.ref(table.get("VpcId"), "id"),
                "route_table_id": instance.ref("id"),
            }
            builder.add(AccountInstance("aws_main_route_table_association", key, arn, values))
        elif association.get("SubnetId"):
            values = {
                "subnet_id": builder.ref(association["SubnetId"], "id"),
                "route_table_id": instance.ref("id"),
            }
            builder.add(AccountInstance("aws_route_table_association", key, arn, values))


def _route(builder: _Builder, arn: str, route: Item) -> AccountBlock | None:
    """One route as the provider's `route` attribute holds it; blackhole routes carry nothing,
    and routes to a gateway endpoint's prefix list are the endpoint's, not the table's."""
    if route.get("State") == "blackhole" or route.get("DestinationPrefixListId"):
        return None
    gateway = route.get("GatewayId")
    values = {
        "cidr_block": route.get("DestinationCidrBlock"),
        "ipv6_cidr_block": route.get("DestinationIpv6CidrBlock"),
        "gateway_id": builder.ref(gateway, "id") if gateway != "local" else "local",
        "nat_gateway_id": builder.ref(route.get("NatGatewayId"), "id"),
        "transit_gateway_id": route.get("TransitGatewayId"),
        "vpc_peering_connection_id": route.get("VpcPeeringConnectionId"),
        "network_interface_id": route.get("NetworkInterfaceId"),
        "egress_only_gateway_id": route.get("EgressOnlyInternetGatewayId"),
    }
    return AccountBlock(arn, values)


def _endpoint(builder: _Builder, endpoint: Item) -> None:
    if str(endpoint.get("State", "")).lower() not in ("available", "pending"):
        return  # deleted, rejected or failed endpoints serve nothing
    identifier = endpoint["VpcEndpointId"]
    values = {
        "id": identifier,
        "vpc_id": builder.ref(endpoint.get("VpcId"), "id"),
        "service_name": endpoint.get("ServiceName"),
        "vpc_endpoint_type": endpoint.get("VpcEndpointType"),
        "private_dns_enabled": bool(endpoint.get("PrivateDnsEnabled", False)),
        "state": endpoint.get("State"),
        "route_table_ids": builder.refs(endpoint.get("RouteTableIds", []), "id"),
        "subnet_ids": builder.refs(endpoint.get("SubnetIds", []), "id"),
        "security_group_ids": [group.get("GroupId") for group in endpoint.get("Groups", [])],
    }
    arn = builder.arn("ec2", f"vpc-endpoint/{identifier}", endpoint.get("OwnerId"))
    builder.add(AccountInstance("aws_vpc_endpoint", identifier, arn, values), identifier)


def _security_group(builder: _Builder, group: Item) -> None:
    identifier = group["GroupId"]
    arn = builder.arn("ec2", f"security-group/{identifier}", group.get("OwnerId"))
    egress = [AccountBlock(arn, _permission(rule)) for rule in group.get("IpPermissionsEgress", [])]
    values = {
        "id": identifier,
        "name": group.get("GroupName"),
        "vpc_id": builder.ref(group.get("VpcId"), "id"),
    }
    builder.add(
        AccountInstance("aws_security_group", identifier, arn, values, {"egress": egress}),
        identifier,
    )


def _permission(rule: Item) -> dict[str, Any]:
    """An IpPermission as the provider's `egress` block holds it (all ports for protocol -1)."""
    protocol = str(rule.get("IpProtocol", "-1"))
    return {
        "protocol": protocol,
        "from_port": rule.get("FromPort", 0),
        "to_port": rule.get("ToPort", 0),
        "cidr_blocks": [item["CidrIp"] for item in rule.get("IpRanges", []) if "CidrIp" in item],
        "ipv6_cidr_blocks": [
            item["CidrIpv6"] for item in rule.get("Ipv6Ranges", []) if "CidrIpv6" in item
        ],
        "prefix_list_ids": [
            item["PrefixListId"] for item in rule.get("PrefixListIds", []) if "PrefixListId" in item
        ],
        "security_groups": [
            item["GroupId"] for item in rule.get("UserIdGroupPairs", []) if "GroupId" in item
        ],
    }


# -- IAM -------------------------------------------------------------------------------------


def _iam(builder: _Builder) -> None:
    snapshot = builder.snapshot
    for name, role in snapshot.roles.items():
        if role is None:
            continue
        document = role.get("AssumeRolePolicyDocument")
        values = {
            "name": name,
            "arn": role.get("Arn"),
            "path": role.get("Path"),
            "assume_role_policy": document if isinstance(document, str) else json.dumps(document),
        }
        instance = builder.add(
            AccountInstance("aws_iam_role", name, role.get("Arn", name), values),
            role.get("Arn"),
            f"role:{name}",
        )
        for policy in snapshot.attached_policies.get(name, []):
            attachment = {"role": instance.ref("name"), "policy_arn": policy.get("PolicyArn")}
            key = f"{name}-{policy.get('PolicyName', '')}"
            builder.add(
                AccountInstance("aws_iam_role_policy_attachment", key, instance.file, attachment)
            )
    for name, profile in snapshot.instance_profiles.items():
        if profile is None:
            continue
        roles = profile.get("Roles", [])
        role = builder.ref(f"role:{roles[0]['RoleName']}", "name") if roles else None
        values = {"name": name, "arn": profile.get("Arn"), "role": role}
        builder.add(
            AccountInstance("aws_iam_instance_profile", name, profile.get("Arn", name), values),
            profile.get("Arn"),
            f"profile:{name}",
        )


# -- ECS and EC2 -------------------------------------------------------------------------------


def _ecs(builder: _Builder) -> None:
    snapshot = builder.snapshot
    for instance in snapshot.instances:
        _ec2_instance(builder, instance)
    for cluster in snapshot.clusters:
        arn = cluster["clusterArn"]
        members = snapshot.container_instances.get(arn, [])
        values = {
            "cluster_name": cluster.get("clusterName"),
            "arn": arn,
            "status": cluster.get("status"),
            "registered_container_instances_count": cluster.get(
                "registeredContainerInstancesCount", len(members)
            ),
        }
        key = str(cluster.get("clusterName") or arn.rsplit("/", 1)[-1])
        cluster_instance = builder.add(
            AccountInstance(CLUSTER_TYPE, key, arn, values, mode="data"), arn
        )
        for member in members:
            member_arn = str(member.get("containerInstanceArn") or arn)
            member_values = {
                "cluster": cluster_instance.ref("arn"),
                "ec2_instance_id": builder.ref(member.get("ec2InstanceId"), "id"),
                "status": member.get("status"),
                "agent_connected": member.get("agentConnected"),
            }
            builder.add(
                AccountInstance(
                    CONTAINER_INSTANCE_TYPE,
                    member_arn.rsplit("/", 1)[-1],
                    member_arn,
                    member_values,
                )
            )


def _ec2_instance(builder: _Builder, instance: Item) -> None:
    identifier = instance["InstanceId"]
    profile = (instance.get("IamInstanceProfile") or {}).get("Arn")
    values = {
        "id": identifier,
        "instance_type": instance.get("InstanceType"),
        "subnet_id": builder.ref(instance.get("SubnetId"), "id"),
        "iam_instance_profile": builder.ref(profile, "arn"),
        "instance_state": (instance.get("State") or {}).get("Name"),
        "launch_time": str(instance.get("LaunchTime", "")) or None,
        "tags": {tag["Key"]: tag.get("Value", "") for tag in instance.get("Tags", [])},
        "settled": builder.snapshot.settled(instance.get("LaunchTime")),
    }
    arn = builder.arn("ec2", f"instance/{identifier}")
    builder.add(AccountInstance("aws_instance", identifier, arn, values), identifier)


# -- Batch -------------------------------------------------------------------------------------


def _compute_environment(builder: _Builder, ce: Item) -> None:
    arn = ce["computeEnvironmentArn"]
    service_role = ce.get("serviceRole")
    # The service-linked role stays text, as an unset service_role does in source: its
    # policy is Batch's own, not the AWSBatchServiceRole a custom role needs.
    linked = isinstance(service_role, str) and rules.SERVICE_LINKED_ROLE.search(service_role)
    values = {
        "name": ce.get("computeEnvironmentName"),
        "arn": arn,
        "type": ce.get("type"),
        "state": ce.get("state"),
        "status": ce.get("status"),
        "status_reason": ce.get("statusReason"),
        "service_role": service_role if linked else builder.ref(service_role, "arn"),
        "ecs_cluster_arn": builder.ref(ce.get("ecsClusterArn"), "arn"),
        "tags": ce.get("tags"),
    }
    resources = ce.get("computeResources")
    children = (
        {"compute_resources": [_compute_resources(builder, arn, resources)]} if resources else {}
    )
    name = str(ce.get("computeEnvironmentName") or arn.rsplit("/", 1)[-1])
    builder.add(
        AccountInstance("aws_batch_compute_environment", name, arn, values, children), arn, name
    )


def _compute_resources(builder: _Builder, arn: str, resources: Item) -> AccountBlock:
    values = {
        "type": resources.get("type"),
        "allocation_strategy": resources.get("allocationStrategy"),
        "min_vcpus": resources.get("minvCpus"),
        "max_vcpus": resources.get("maxvCpus"),
        "desired_vcpus": resources.get("desiredvCpus"),
        "instance_type": resources.get("instanceTypes"),
        "image_id": resources.get("imageId"),
        "subnets": builder.refs(resources.get("subnets", []), "id"),
        "security_group_ids": builder.refs(resources.get("securityGroupIds", []), "id"),
        "ec2_key_pair": resources.get("ec2KeyPair"),
        "instance_role": _profile_ref(builder, resources.get("instanceRole")),
        "tags": resources.get("tags"),
        "placement_group": resources.get("placementGroup"),
        "bid_percentage": resources.get("bidPercentage"),
        "spot_iam_fleet_role": resources.get("spotIamFleetRole"),
    }
    template = resources.get("launchTemplate")
    children: dict[str, list[AccountBlock]] = {}
    if template:
        children["launch_template"] = [
            AccountBlock(
                arn,
                {
                    "launch_template_id": template.get("launchTemplateId"),
                    "launch_template_name": template.get("launchTemplateName"),
                    "version": template.get("version"),
                },
            )
        ]
    children["ec2_configuration"] = [
        AccountBlock(
            arn,
            {"image_type": item.get("imageType"), "image_id_override": item.get("imageIdOverride")},
        )
        for item in resources.get("ec2Configuration", []) or []
    ]
    return AccountBlock(arn, values, children)


def _profile_ref(builder: _Builder, reference: Any) -> Any:
    """The instance profile an instanceRole names, by ARN or by name (AWS takes either)."""
    if not isinstance(reference, str) or ":role/" in reference:
        return reference
    found = builder.ref(reference, "arn")
    if found is reference:
        found = builder.ref(f"profile:{reference.rsplit('/', 1)[-1]}", "arn")
    return reference if isinstance(found, str) else found


def _queue(builder: _Builder, queue: Item) -> None:
    arn = queue["jobQueueArn"]
    orders = [
        AccountBlock(
            arn,
            {
                "order": order.get("order"),
                "compute_environment": builder.ref(order.get("computeEnvironment"), "arn"),
            },
        )
        for order in queue.get("computeEnvironmentOrder", [])
    ]
    actions = [
        AccountBlock(
            arn,
            {
                "action": action.get("action"),
                "max_time_seconds": action.get("maxTimeSeconds"),
                "reason": action.get("reason"),
                "state": action.get("state"),
            },
        )
        for action in queue.get("jobStateTimeLimitActions", []) or []
    ]
    values = {
        "name": queue.get("jobQueueName"),
        "arn": arn,
        "state": queue.get("state"),
        "status": queue.get("status"),
        "status_reason": queue.get("statusReason"),
        "priority": queue.get("priority"),
        "scheduling_policy_arn": queue.get("schedulingPolicyArn"),
    }
    children = {"compute_environment_order": orders, "job_state_time_limit_action": actions}
    name = str(queue.get("jobQueueName") or arn.rsplit("/", 1)[-1])
    builder.add(AccountInstance("aws_batch_job_queue", name, arn, values, children), arn, name)


def _job_definition(builder: _Builder, definition: Item) -> None:
    arn = definition["jobDefinitionArn"]
    properties = definition.get("containerProperties")
    values = {
        "name": definition.get("jobDefinitionName"),
        "arn": arn,
        "revision": definition.get("revision"),
        "type": definition.get("type"),
        "platform_capabilities": definition.get("platformCapabilities") or None,
        "container_properties": json.dumps(properties) if isinstance(properties, dict) else None,
    }
    key = f"{definition.get('jobDefinitionName')}:{definition.get('revision')}"
    builder.add(AccountInstance("aws_batch_job_definition", key, arn, values), arn)


def _job(builder: _Builder, job: Item) -> None:
    arn = job.get("jobArn") or builder.arn("batch", f"job/{job['jobId']}")
    values = {
        "job_id": job.get("jobId"),
        "name": job.get("jobName"),
        "arn": arn,
        "status": job.get("status"),
        "status_reason": job.get("statusReason"),
        "created_at": job.get("createdAt"),
        "job_queue": builder.ref(job.get("jobQueue"), "arn"),
        "job_definition": builder.ref(job.get("jobDefinition"), "arn"),
        "settled": builder.snapshot.settled(job.get("createdAt")),
    }
    builder.add(
        AccountInstance(JOB_TYPE, str(job.get("jobId")), arn, values), arn, job.get("jobId")
    )
