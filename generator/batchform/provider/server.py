"""The plugin process: go-plugin handshake with mutual TLS, gRPC server, controller and stdio."""

from __future__ import annotations

import base64
import datetime
import logging
import os
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Iterator
from concurrent import futures
from pathlib import Path

import grpc

from batchform.provider.protocol import plugin_pb2, plugin_pb2_grpc, tfplugin6_pb2_grpc
from batchform.provider.service import STAND_IN_SUMMARY, ProviderService
from batchform.provider.tls import TlsFront
from batchform.schema import load_provider_schema

MAGIC_COOKIE_KEY = "TF_PLUGIN_MAGIC_COOKIE"
MAGIC_COOKIE_VALUE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"
CORE_PROTOCOL_VERSION = 1
PLUGIN_PROTOCOL_VERSION = 6

LOG = logging.getLogger("batchform.provider")


class Controller(plugin_pb2_grpc.GRPCControllerServicer):
    """go-plugin's controller: Terraform asks the plugin to shut down through it."""

    def __init__(self, stop: threading.Event) -> None:
        self.stop = stop

    def Shutdown(
        self, request: plugin_pb2.Empty, context: grpc.ServicerContext
    ) -> plugin_pb2.Empty:
        """Ends the process once the answer is sent."""
        self.stop.set()
        return plugin_pb2.Empty()


class Stdio(plugin_pb2_grpc.GRPCStdioServicer):
    """go-plugin's stdio stream; the stand-in writes nothing to stdout after the handshake."""

    def StreamStdio(
        self, request: plugin_pb2.Empty, context: grpc.ServicerContext
    ) -> Iterator[plugin_pb2.StdioData]:
        """An empty stream."""
        return iter(())


def server_certificate() -> tuple[bytes, bytes, bytes]:
    """A fresh self-signed certificate for localhost: (certificate PEM, key PEM, certificate DER)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "batchform"),
            x509.NameAttribute(NameOID.COMMON_NAME, "localhost"),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(seconds=30))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=True,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage(
                [
                    ExtendedKeyUsageOID.SERVER_AUTH,
                    ExtendedKeyUsageOID.CLIENT_AUTH,
                ]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_pem = certificate.public_bytes(serialization.Encoding.PEM)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return cert_pem, key_pem, certificate.public_bytes(serialization.Encoding.DER)


def handshake_line(port: int, cert_der: bytes | None) -> str:
    """The line go-plugin reads from the plugin's stdout to find and trust the server."""
    cert = base64.b64encode(cert_der).decode().rstrip("=") if cert_der else ""
    return f"{CORE_PROTOCOL_VERSION}|{PLUGIN_PROTOCOL_VERSION}|tcp|127.0.0.1:{port}|grpc|{cert}"


def serve() -> int:
    """Run the plugin until Terraform shuts it down; returns the exit status."""
    if os.environ.get(MAGIC_COOKIE_KEY) != MAGIC_COOKIE_VALUE:
        sys.stderr.write(
            "This is batchform's offline stand-in for the hashicorp/aws Terraform provider.\n"
            "Terraform starts it; it is not meant to be run by hand. Install it with "
            "batchform.provider.install(plugin_dir) and `terraform init -plugin-dir`.\n"
        )
        return 1
    logging.basicConfig(
        stream=sys.stderr, level=logging.INFO, format="[%(levelname)s] %(name)s: %(message)s"
    )
    # Terraform handles Ctrl-C itself and then asks plugins to stop through the controller.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    stop = threading.Event()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=10))
    schema = load_provider_schema()
    tfplugin6_pb2_grpc.add_ProviderServicer_to_server(ProviderService(schema), server)
    plugin_pb2_grpc.add_GRPCControllerServicer_to_server(Controller(stop), server)
    plugin_pb2_grpc.add_GRPCStdioServicer_to_server(Stdio(), server)
    client_cert = os.environ.get("PLUGIN_CLIENT_CERT")
    cert_der: bytes | None = None
    front: TlsFront | None = None
    private_dir = _private_dir()
    if client_cert:
        # Mutual TLS, as go-plugin's AutoMTLS asks: see tls.py for why a front terminates it.
        cert_pem, key_pem, cert_der = server_certificate()
        backend = private_dir / "grpc.sock"
        server.add_insecure_port(f"unix:{backend}")
        front = TlsFront(backend, cert_pem, key_pem, client_cert)
    else:
        port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    if front is not None:
        port = front.start()
    LOG.info(
        "%s serving hashicorp/aws %s schema on 127.0.0.1:%d", STAND_IN_SUMMARY, schema.version, port
    )
    sys.stdout.write(handshake_line(port, cert_der) + "\n")
    sys.stdout.flush()
    parent = os.getppid()
    # Terraform normally stops plugins through the controller; an orphaned plugin stops itself.
    while not stop.wait(1.0) and os.getppid() == parent:
        pass
    if front is not None:
        front.stop()
    server.stop(grace=0.05).wait()
    shutil.rmtree(private_dir, ignore_errors=True)
    return 0


# Unix socket paths hold at most 107 bytes on Linux (104 on macOS).
_SOCKET_PATH_LIMIT = 100


def _private_dir() -> Path:
    """A private directory for the gRPC socket, short enough for a socket path."""
    directory = Path(tempfile.mkdtemp(prefix="batchform-provider-"))
    if len(str(directory / "grpc.sock")) <= _SOCKET_PATH_LIMIT:
        return directory
    # A deep TMPDIR (pytest-xdist, some CI runners) would overflow the socket path.
    directory.rmdir()
    return Path(tempfile.mkdtemp(prefix="bf-", dir="/tmp"))
