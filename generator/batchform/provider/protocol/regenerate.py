"""Regenerate the protobuf and gRPC modules of the offline provider from the .proto files here.

Run with the grpcio-tools release whose protoc matches the oldest supported protobuf runtime, so
the generated code loads on protobuf 6.31 and later (including 7.x):

    pip install grpcio-tools==1.73.1 mypy-protobuf   # protobuf 6.31.0 gencode; grpcio >= 1.73.1
    python -m batchform.provider.protocol.regenerate

mypy-protobuf writes the ``.pyi`` stubs that type the generated modules (checking them needs
``types-protobuf`` and ``types-grpcio``).
"""

from __future__ import annotations

import sys
from pathlib import Path

PROTOS = ("tfplugin6.proto", "plugin.proto")


def main() -> int:
    """Run protoc over the protocol's .proto files, writing next to them."""
    from grpc_tools import protoc  # type: ignore[import-untyped]  # a maintainer-only tool

    root = Path(__file__).resolve().parents[3]  # the directory holding the batchform package
    here = Path(__file__).resolve().parent.relative_to(root)
    args = ["protoc", f"-I{root}", f"--python_out={root}", f"--grpc_python_out={root}"]
    args += [f"--mypy_out={root}", f"--mypy_grpc_out={root}"]
    args += [str(root / here / name) for name in PROTOS]
    status: int = protoc.main(args)
    return status


if __name__ == "__main__":
    sys.exit(main())
