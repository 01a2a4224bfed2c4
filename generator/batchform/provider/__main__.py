"""Entry point of the offline provider: `--reattach` when batchform starts it, else terraform's."""

import os
import sys

from batchform.provider.server import serve, serve_reattachable

code = serve_reattachable() if sys.argv[1:] == ["--reattach"] else serve()
sys.stdout.flush()
sys.stderr.flush()
# Skip the slow teardown of gRPC's threads: everything worth keeping is written.
os._exit(code)
