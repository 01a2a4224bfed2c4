"""The tfplugin6 Provider service: schema, validation, plan, apply and data source reads."""

from __future__ import annotations

import functools
import json
import logging
import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import grpc

from batchform.aws.provider import ADDRESS
from batchform.provider.identifiers import ProviderContext
from batchform.provider.protocol import tfplugin6_pb2 as pb
from batchform.provider.protocol import tfplugin6_pb2_grpc as pb_grpc
from batchform.provider.values import decode_json, decode_msgpack, encode_msgpack, implied_type
from batchform.schema import Block, CtyType, ProviderSchema

if TYPE_CHECKING:
    from batchform.provider.planning import Path

# planning, datasources and account load inside the calls that need them: Terraform starts the
# plugin several times per command, and most starts only serve the schema or validate.

LOG = logging.getLogger("batchform.provider")

STAND_IN_SUMMARY = "batchform offline stand-in for hashicorp/aws"
STAND_IN_DETAIL = (
    "This is batchform's offline provider, not hashicorp/aws. It checks configuration and the "
    "plan/apply lifecycle against the hashicorp/aws {version} schema and does not talk to AWS: "
    "ids, ARNs and data source values are made up."
)

_NESTING = {
    "single": pb.Schema.NestedBlock.SINGLE,
    "list": pb.Schema.NestedBlock.LIST,
    "set": pb.Schema.NestedBlock.SET,
    "map": pb.Schema.NestedBlock.MAP,
    "group": pb.Schema.NestedBlock.GROUP,
}

Response = TypeVar("Response")

# The schema never changes between plugin starts, so Terraform may reuse the one it already has.
CAPABILITIES = pb.ServerCapabilities(get_provider_schema_optional=True)


def _schema_block(raw: Mapping[str, Any]) -> pb.Schema.Block:
    """Protobuf form of a block from its ``providers schema -json`` form."""
    block = pb.Schema.Block()
    for name, spec in sorted(raw.get("attributes", {}).items()):
        block.attributes.add(
            name=name,
            type=json.dumps(spec["type"], separators=(",", ":")).encode(),
            description=spec.get("description", ""),
            required=bool(spec.get("required")),
            optional=bool(spec.get("optional")),
            computed=bool(spec.get("computed")),
            sensitive=bool(spec.get("sensitive")),
        )
    for name, spec in sorted(raw.get("block_types", {}).items()):
        block.block_types.add(
            type_name=name,
            block=_schema_block(spec["block"]),
            nesting=_NESTING[spec["nesting_mode"]],
            min_items=int(spec.get("min_items", 0)),
            max_items=int(spec.get("max_items", 0)),
        )
    return block


def _schema(raw: Mapping[str, Any]) -> pb.Schema:
    return pb.Schema(version=int(raw.get("version", 0)), block=_schema_block(raw["block"]))


def error(summary: str, detail: str = "") -> pb.Diagnostic:
    """An error diagnostic."""
    return pb.Diagnostic(severity=pb.Diagnostic.ERROR, summary=summary, detail=detail)


def attribute_path(path: Path) -> pb.AttributePath:
    """Protobuf form of an attribute path (names and list indexes)."""
    message = pb.AttributePath()
    for step in path:
        if isinstance(step, int):
            message.steps.add(element_key_int=step)
        else:
            message.steps.add(attribute_name=step)
    return message


def schema_path(block: Block, path: Path) -> Path:
    """A path Terraform can follow: it stops where a set is entered (set elements have no index)."""
    out: list[str | int] = []
    current: Block | None = block
    for step in path:
        out.append(step)
        if isinstance(step, int):
            continue
        attribute = current.attribute(step) if current is not None else None
        nested = current.block_type(step) if current is not None else None
        if (nested is not None and nested.nesting_mode == "set") or (
            attribute is not None and isinstance(attribute.type, list) and attribute.type[0] == "set"
        ):
            break
        current = nested.block if nested is not None else None
    return tuple(out)


def _guarded(
    response_type: Callable[..., Response],
) -> Callable[[Callable[..., Response]], Callable[..., Response]]:
    """Turn an unexpected exception into an error diagnostic naming the stand-in."""

    def decorate(method: Callable[..., Response]) -> Callable[..., Response]:
        @functools.wraps(method)
        def wrapper(self: Any, request: Any, context: grpc.ServicerContext) -> Response:
            try:
                return method(self, request, context)
            except Exception as exc:  # a gRPC handler must answer; terraform shows the diagnostic
                LOG.exception("%s failed", method.__name__)
                return response_type(
                    diagnostics=[
                        error(
                            f"{STAND_IN_SUMMARY}: internal error in {method.__name__}",
                            f"{type(exc).__name__}: {exc}",
                        )
                    ]
                )

        return wrapper

    return decorate


class ProviderService(pb_grpc.ProviderServicer):
    """Answers Terraform's provider calls from the committed schema snapshot."""

    def __init__(self, schema: ProviderSchema) -> None:
        self.schema = schema
        self.raw = schema.raw["provider_schemas"][ADDRESS]
        self.ctx = ProviderContext(
            region=os.environ.get("AWS_REGION")
            or os.environ.get("AWS_DEFAULT_REGION")
            or "us-east-1"
        )
        self._schema_response: pb.GetProviderSchema.Response | None = None
        self._types: dict[tuple[str, str], tuple[Block, CtyType]] = {}

    # --- schema ----------------------------------------------------------------------------

    def _block(self, kind: str, type_name: str) -> tuple[Block, CtyType]:
        key = (kind, type_name)
        if key not in self._types:
            if kind == "provider":
                block = self.schema.provider_block()
            else:
                found = (
                    self.schema.resource(type_name)
                    if kind == "resource"
                    else self.schema.data_source(type_name)
                )
                if found is None:
                    raise KeyError(f"{kind} type {type_name} is not in the schema snapshot")
                block = found.block
            self._types[key] = (block, implied_type(block))
        return self._types[key]

    def _decode(self, value: pb.DynamicValue, ty: CtyType) -> Any:
        if value.msgpack:
            return decode_msgpack(value.msgpack, ty)
        if value.json:
            return decode_json(value.json, ty)
        return None

    def _encode(self, value: Any, ty: CtyType) -> pb.DynamicValue:
        return pb.DynamicValue(msgpack=encode_msgpack(value, ty))

    @_guarded(pb.GetMetadata.Response)
    def GetMetadata(
        self, request: pb.GetMetadata.Request, context: grpc.ServicerContext
    ) -> pb.GetMetadata.Response:
        """Lists the resource and data source types served."""
        return pb.GetMetadata.Response(
            server_capabilities=CAPABILITIES,
            resources=[
                pb.GetMetadata.ResourceMetadata(type_name=t)
                for t in sorted(self.raw["resource_schemas"])
            ],
            data_sources=[
                pb.GetMetadata.DataSourceMetadata(type_name=t)
                for t in sorted(self.raw["data_source_schemas"])
            ],
        )

    @_guarded(pb.GetProviderSchema.Response)
    def GetProviderSchema(
        self, request: pb.GetProviderSchema.Request, context: grpc.ServicerContext
    ) -> pb.GetProviderSchema.Response:
        """Serves the real hashicorp/aws schema from the snapshot."""
        if self._schema_response is None:
            response = pb.GetProviderSchema.Response(
                provider=_schema(self.raw["provider"]),
                server_capabilities=CAPABILITIES,
            )
            for name, raw in self.raw["resource_schemas"].items():
                response.resource_schemas[name].CopyFrom(_schema(raw))
            for name, raw in self.raw["data_source_schemas"].items():
                response.data_source_schemas[name].CopyFrom(_schema(raw))
            self._schema_response = response
        return self._schema_response

    @_guarded(pb.GetResourceIdentitySchemas.Response)
    def GetResourceIdentitySchemas(
        self, request: pb.GetResourceIdentitySchemas.Request, context: grpc.ServicerContext
    ) -> pb.GetResourceIdentitySchemas.Response:
        """No resource identities: the stand-in does not support import by identity."""
        return pb.GetResourceIdentitySchemas.Response()

    @_guarded(pb.GetFunctions.Response)
    def GetFunctions(
        self, request: pb.GetFunctions.Request, context: grpc.ServicerContext
    ) -> pb.GetFunctions.Response:
        """Provider functions are not served."""
        return pb.GetFunctions.Response()

    # --- validation and configuration -----------------------------------------------------

    @_guarded(pb.ValidateProviderConfig.Response)
    def ValidateProviderConfig(
        self, request: pb.ValidateProviderConfig.Request, context: grpc.ServicerContext
    ) -> pb.ValidateProviderConfig.Response:
        """Terraform has already checked the block against the schema."""
        return pb.ValidateProviderConfig.Response()

    @_guarded(pb.ValidateResourceConfig.Response)
    def ValidateResourceConfig(
        self, request: pb.ValidateResourceConfig.Request, context: grpc.ServicerContext
    ) -> pb.ValidateResourceConfig.Response:
        """The provider's own checks beyond the schema: its validators and the SDK enums it
        applies (names, enums, ranges, lengths, patterns, conflicting arguments)."""
        from batchform.provider.validation import check_resource

        block, ty = self._block("resource", request.type_name)
        config = self._decode(request.config, ty) or {}
        diagnostics = [
            pb.Diagnostic(
                severity=pb.Diagnostic.ERROR,
                summary=problem.summary,
                detail=problem.detail,
                attribute=attribute_path(schema_path(block, problem.path)),
            )
            for problem in check_resource(request.type_name, config)
        ]
        return pb.ValidateResourceConfig.Response(diagnostics=diagnostics)

    @_guarded(pb.ValidateDataResourceConfig.Response)
    def ValidateDataResourceConfig(
        self, request: pb.ValidateDataResourceConfig.Request, context: grpc.ServicerContext
    ) -> pb.ValidateDataResourceConfig.Response:
        """Terraform has already checked the block against the schema."""
        return pb.ValidateDataResourceConfig.Response()

    @_guarded(pb.ConfigureProvider.Response)
    def ConfigureProvider(
        self, request: pb.ConfigureProvider.Request, context: grpc.ServicerContext
    ) -> pb.ConfigureProvider.Response:
        """Takes region and default tags from the provider block and says what it is."""
        _, ty = self._block("provider", "")
        config = self._decode(request.config, ty) or {}
        configured = config.get("region")
        region = configured if isinstance(configured, str) else self.ctx.region
        default_tags: dict[str, str] = {}
        for block in config.get("default_tags") or ():
            default_tags.update(block.get("tags") or {})
        self.ctx = ProviderContext(region=region, default_tags=default_tags)
        LOG.info("%s (region %s)", STAND_IN_SUMMARY, region)
        warning = pb.Diagnostic(
            severity=pb.Diagnostic.WARNING,
            summary=STAND_IN_SUMMARY,
            detail=STAND_IN_DETAIL.format(version=self.schema.version),
        )
        return pb.ConfigureProvider.Response(diagnostics=[warning])

    # --- resources ------------------------------------------------------------------------

    @_guarded(pb.UpgradeResourceState.Response)
    def UpgradeResourceState(
        self, request: pb.UpgradeResourceState.Request, context: grpc.ServicerContext
    ) -> pb.UpgradeResourceState.Response:
        """Re-encodes stored JSON state in the current schema's shape."""
        _, ty = self._block("resource", request.type_name)
        state = decode_json(request.raw_state.json, ty) if request.raw_state.json else None
        return pb.UpgradeResourceState.Response(upgraded_state=self._encode(state, ty))

    @_guarded(pb.ReadResource.Response)
    def ReadResource(
        self, request: pb.ReadResource.Request, context: grpc.ServicerContext
    ) -> pb.ReadResource.Response:
        """Nothing drifts offline: the stored state is the remote object."""
        return pb.ReadResource.Response(new_state=request.current_state, private=request.private)

    @_guarded(pb.PlanResourceChange.Response)
    def PlanResourceChange(
        self, request: pb.PlanResourceChange.Request, context: grpc.ServicerContext
    ) -> pb.PlanResourceChange.Response:
        """Plans like hashicorp/aws: unknown computed values and its force-new rules."""
        from batchform.provider.planning import plan_resource

        block, ty = self._block("resource", request.type_name)
        change = plan_resource(
            request.type_name,
            block,
            self._decode(request.prior_state, ty),
            self._decode(request.proposed_new_state, ty),
            self._decode(request.config, ty),
            self.ctx,
        )
        return pb.PlanResourceChange.Response(
            planned_state=self._encode(change.planned, ty),
            requires_replace=[attribute_path(path) for path in change.requires_replace],
            planned_private=request.prior_private,
        )

    @_guarded(pb.ApplyResourceChange.Response)
    def ApplyResourceChange(
        self, request: pb.ApplyResourceChange.Request, context: grpc.ServicerContext
    ) -> pb.ApplyResourceChange.Response:
        """Applies the plan, filling unknowns with deterministic ids and ARNs."""
        from batchform.provider.account import AccountError, record_change
        from batchform.provider.planning import apply_resource

        block, ty = self._block("resource", request.type_name)
        prior = self._decode(request.prior_state, ty)
        state = apply_resource(
            request.type_name,
            block,
            prior,
            self._decode(request.planned_state, ty),
            self._decode(request.config, ty),
            self.ctx,
        )
        try:
            record_change(request.type_name, prior, state)
        except AccountError as refused:
            # AWS refused: nothing changed, so the prior object (or nothing) is what exists.
            return pb.ApplyResourceChange.Response(
                new_state=self._encode(prior, ty),
                private=request.planned_private,
                diagnostics=[error(str(refused).split(":", 1)[0], str(refused))],
            )
        return pb.ApplyResourceChange.Response(
            new_state=self._encode(state, ty), private=request.planned_private
        )

    @_guarded(pb.ImportResourceState.Response)
    def ImportResourceState(
        self, request: pb.ImportResourceState.Request, context: grpc.ServicerContext
    ) -> pb.ImportResourceState.Response:
        """Import needs the real cloud; say so."""
        return pb.ImportResourceState.Response(
            diagnostics=[
                error(
                    "Import is not supported offline",
                    f"{STAND_IN_SUMMARY} cannot import {request.type_name} {request.id!r}: there is no AWS "
                    "account to read it from. Run the import with the real hashicorp/aws provider.",
                )
            ]
        )

    @_guarded(pb.MoveResourceState.Response)
    def MoveResourceState(
        self, request: pb.MoveResourceState.Request, context: grpc.ServicerContext
    ) -> pb.MoveResourceState.Response:
        """Cross-type moves are not supported."""
        return pb.MoveResourceState.Response(
            diagnostics=[
                error(
                    "Moving state between resource types is not supported offline",
                    f"{STAND_IN_SUMMARY} cannot move {request.source_type_name} to {request.target_type_name}.",
                )
            ]
        )

    @_guarded(pb.ReadDataSource.Response)
    def ReadDataSource(
        self, request: pb.ReadDataSource.Request, context: grpc.ServicerContext
    ) -> pb.ReadDataSource.Response:
        """Reads a data source: real policy JSON, plausible facts elsewhere."""
        from batchform.provider.datasources import read_data_source

        block, ty = self._block("data", request.type_name)
        config = self._decode(request.config, ty) or {}
        state = read_data_source(request.type_name, block, config, self.ctx)
        return pb.ReadDataSource.Response(state=self._encode(state, ty))

    @_guarded(pb.StopProvider.Response)
    def StopProvider(
        self, request: pb.StopProvider.Request, context: grpc.ServicerContext
    ) -> pb.StopProvider.Response:
        """Nothing runs long enough to need stopping."""
        return pb.StopProvider.Response()
