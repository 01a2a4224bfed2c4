"""The plugin process: started by terraform (go-plugin handshake, mutual TLS) or by batchform for
terraform to reattach to (a private unix socket); gRPC server, controller and stdio."""

from __future__ import annotations

import base64
import datetime
import json
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
from typing import TYPE_CHECKING

import grpc

from batchform.provider.launcher import START_LOG_ENV
from batchform.provider.protocol import plugin_pb2, plugin_pb2_grpc, tfplugin6_pb2_grpc
from batchform.provider.service import STAND_IN_SUMMARY, ProviderService
from batchform.schema import ProviderSchema, load_provider_schema

if TYPE_CHECKING:
    from batchform.provider.tls import TlsFront

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


# The certificate lasts a day (server_certificate); a cached one is replaced well before that.
_CERTIFICATE_REUSE_SECONDS = 12 * 3600
CERTIFICATE_FILE = "batchform-provider-tls.pem"


def cached_server_certificate(directory: Path) -> tuple[bytes, bytes, bytes]:
    """server_certificate(), generated once per terraform data directory and reused by the
    plugin processes terraform starts there (one per command): generating it costs a
    cryptography import and a key, a tenth of a plugin start. The file is the user's alone
    (0600, refused otherwise); it only ever authenticates this stand-in to terraform, which
    also pins the certificate it reads from the handshake line."""
    import ssl
    import stat
    import time

    path = directory / CERTIFICATE_FILE
    try:
        info = path.stat()
        fresh = time.time() - info.st_mtime < _CERTIFICATE_REUSE_SECONDS
        private = stat.S_IMODE(info.st_mode) == 0o600 and info.st_uid == os.getuid()
        if fresh and private:
            text = path.read_text(encoding="ascii")
            cert_pem, _, key_pem = text.partition("-----END CERTIFICATE-----\n")
            cert_pem += "-----END CERTIFICATE-----\n"
            return cert_pem.encode(), key_pem.encode(), ssl.PEM_cert_to_DER_cert(cert_pem)
    except (OSError, ValueError):
        pass
    cert_pem_bytes, key_pem_bytes, cert_der = server_certificate()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(cert_pem_bytes + key_pem_bytes)
        os.replace(tmp, path)
    except OSError:
        pass  # no cache then: the next start generates its own
    return cert_pem_bytes, key_pem_bytes, cert_der


def handshake_line(socket_path: Path, cert_der: bytes | None) -> str:
    """The line go-plugin reads from the plugin's stdout to find and trust the server."""
    cert = base64.b64encode(cert_der).decode().rstrip("=") if cert_der else ""
    return f"{CORE_PROTOCOL_VERSION}|{PLUGIN_PROTOCOL_VERSION}|unix|{socket_path}|grpc|{cert}"


def serve() -> int:
    """Run the plugin Terraform started until Terraform shuts it down; returns the exit status."""
    if os.environ.get(MAGIC_COOKIE_KEY) != MAGIC_COOKIE_VALUE:
        sys.stderr.write(
            "This is batchform's offline stand-in for the hashicorp/aws Terraform provider.\n"
            "Terraform starts it; it is not meant to be run by hand. Install it with "
            "batchform.provider.install(plugin_dir) and `terraform init -plugin-dir`.\n"
        )
        return 1
    _prepare("terraform")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    server, schema = _grpc_server(stop)
    private_dir = _private_dir()
    front: TlsFront | None = None
    try:
        front, socket_path, cert_der = _listen(server, private_dir)
        LOG.info(
            "%s serving hashicorp/aws %s schema on %s",
            STAND_IN_SUMMARY,
            schema.version,
            socket_path,
        )
        if _announce(handshake_line(socket_path, cert_der)):
            _wait(stop)
    finally:
        if front is not None:
            front.stop()
        server.stop(grace=0.05).wait()
        # Also when the handshake cannot be written: no socket directory is left behind.
        shutil.rmtree(private_dir, ignore_errors=True)
    return 0


def _listen(server: grpc.Server, private_dir: Path) -> tuple[TlsFront | None, Path, bytes | None]:
    """Start serving on a unix socket in `private_dir` (returned): behind the mutual-TLS front
    when terraform sent its certificate."""
    socket_path = private_dir / "provider.sock"
    client_cert = os.environ.get("PLUGIN_CLIENT_CERT")
    if not client_cert:
        server.add_insecure_port(f"unix:{socket_path}")
        server.start()
        return None, socket_path, None
    # Mutual TLS, as go-plugin's AutoMTLS asks: see tls.py for why a front terminates it.
    from batchform.provider.tls import TlsFront

    data_dir = Path(os.environ.get("TF_DATA_DIR") or ".terraform")
    cert_pem, key_pem, cert_der = cached_server_certificate(data_dir)
    backend = private_dir / "grpc.sock"
    server.add_insecure_port(f"unix:{backend}")
    front = TlsFront(backend, cert_pem, key_pem, client_cert)
    server.start()
    front.start(socket_path)
    return front, socket_path, cert_der


def _announce(line: str) -> bool:
    """Write the first line of stdout; False when nobody reads it any more (the parent
    stopped this process while it was starting)."""
    try:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()
    except (BrokenPipeError, ValueError):
        return False
    return True


def serve_reattachable() -> int:
    """Serve one provider process for a whole lifecycle, for terraform to reattach to.

    batchform starts this process (``python -m batchform.provider --reattach``) and passes its
    address to every terraform command in ``TF_REATTACH_PROVIDERS``. It serves plain gRPC on a
    unix socket in a directory only this user can enter, not mutual TLS on a TCP port: go-plugin
    builds no TLS configuration for a reattached plugin (its client dials without TLS), and the
    socket's directory permissions admit the same user only, which is what go-plugin's mutual
    TLS guards a loopback port for. The first line on stdout is a JSON object with the socket
    and the process id. The process ends when its stdin closes (batchform closes it, or dies),
    on SIGTERM, or when its parent changes.
    """
    _prepare("reattach")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    server, schema = _grpc_server(stop)
    private_dir = _private_dir()
    try:
        socket_path = private_dir / "provider.sock"
        server.add_insecure_port(f"unix:{socket_path}")
        server.start()
        LOG.info(
            "%s serving hashicorp/aws %s schema on %s",
            STAND_IN_SUMMARY,
            schema.version,
            socket_path,
        )
        threading.Thread(target=_stop_at_end_of_input, args=(stop,), daemon=True).start()
        if _announce(json.dumps({"socket": str(socket_path), "pid": os.getpid()})):
            _wait(stop)
    finally:
        server.stop(grace=0.5).wait()
        # Also when stopped while starting (stdout closed): no socket directory is left.
        shutil.rmtree(private_dir, ignore_errors=True)
    return 0


def _prepare(mode: str) -> None:
    logging.basicConfig(
        stream=sys.stderr, level=logging.INFO, format="[%(levelname)s] %(name)s: %(message)s"
    )
    # Terraform (or batchform) handles Ctrl-C itself and then asks the plugin to stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    record_start(mode)


def record_start(mode: str) -> None:
    """Append "PID MODE PARENT_PID" to $BATCHFORM_PROVIDER_START_LOG, if set."""
    log = os.environ.get(START_LOG_ENV)
    if not log:
        return
    # One short write in append mode: lines of processes started at once do not interleave.
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, f"{os.getpid()} {mode} {os.getppid()}\n".encode())
    finally:
        os.close(fd)


def _grpc_server(stop: threading.Event) -> tuple[grpc.Server, ProviderSchema]:
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=16))
    schema = load_provider_schema()
    tfplugin6_pb2_grpc.add_ProviderServicer_to_server(ProviderService(schema), server)
    plugin_pb2_grpc.add_GRPCControllerServicer_to_server(Controller(stop), server)
    plugin_pb2_grpc.add_GRPCStdioServicer_to_server(Stdio(), server)
    return server, schema


def _wait(stop: threading.Event) -> None:
    parent = os.getppid()
    # An orphaned plugin stops itself: its parent's death is the end of its run.
    while not stop.wait(0.5) and os.getppid() == parent:
        pass


def _stop_at_end_of_input(stop: threading.Event) -> None:
    try:
        while sys.stdin.buffer.read(4096):
            pass
    except (OSError, ValueError):
        pass
    stop.set()


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
