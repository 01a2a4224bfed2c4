"""Mutual-TLS front for the plugin's gRPC server.

go-plugin's client authenticates with an ECDSA P-521 certificate. gRPC's bundled BoringSSL does
not offer P-521 signature schemes when it asks for a client certificate, so Terraform would send
none and the handshake would fail. This front terminates TLS with the standard library's OpenSSL
(which verifies P-521), insists on Terraform's certificate, negotiates HTTP/2 and relays the bytes
to the gRPC server listening on a unix socket in a private directory. The front listens on a
unix socket of its own in that directory, as go-plugin's plugins do on Linux and macOS: no TCP
port, so nothing depends on a loopback interface being up.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import tempfile
import threading
from pathlib import Path


class TlsFront:
    """Accepts TLS on a unix socket and relays each connection to a unix-socket backend."""

    def __init__(
        self, backend_socket: Path, cert_pem: bytes, key_pem: bytes, client_cert_pem: str
    ) -> None:
        self.backend_socket = backend_socket
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.minimum_version = ssl.TLSVersion.TLSv1_2
        with tempfile.TemporaryDirectory(prefix="batchform-tls-") as tmp:
            cert_file, key_file = Path(tmp, "cert.pem"), Path(tmp, "key.pem")
            cert_file.write_bytes(cert_pem)
            key_file.write_bytes(key_pem)
            self.context.load_cert_chain(cert_file, key_file)
        self.context.load_verify_locations(cadata=client_cert_pem)
        self.context.verify_mode = ssl.CERT_REQUIRED
        self.context.set_alpn_protocols(["h2"])
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="tls-front", daemon=True)

    def start(self, path: Path) -> None:
        """Listen on the unix socket `path` (in a directory only this user can enter)."""
        self.thread.start()
        asyncio.run_coroutine_threadsafe(
            asyncio.start_unix_server(self._relay, path=str(path), ssl=self.context), self.loop
        ).result()

    def stop(self) -> None:
        """Stop relaying."""
        self.loop.call_soon_threadsafe(self.loop.stop)

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            backend_reader, backend_writer = await asyncio.open_unix_connection(
                str(self.backend_socket)
            )
        except OSError:
            writer.close()
            return
        await asyncio.gather(_pump(reader, backend_writer), _pump(backend_reader, writer))


async def _pump(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    try:
        while data := await source.read(65536):
            sink.write(data)
            await sink.drain()
    except (ConnectionError, ssl.SSLError):
        pass
    finally:
        with contextlib.suppress(Exception):
            sink.close()
