"""bench/balancer.py, the queueing balancer ``bench/desk_load.py --balancer``
puts in front of ``odoo-bin``: every connection is answered, and the server
never has more than the limit at once."""

import os
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tools.odoo_server import REPO_ROOT, free_port

BALANCER = os.path.join(REPO_ROOT, "bench", "balancer.py")


class SlowServer(ThreadingHTTPServer):
    """Answers each request after a pause, one request per connection (as
    Odoo's prefork workers do), and keeps the most it held at once."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), SlowHandler)
        self.lock = threading.Lock()
        self.now = self.most = 0


class SlowHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        server = self.server
        with server.lock:
            server.now += 1
            server.most = max(server.most, server.now)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        time.sleep(0.1)
        with server.lock:
            server.now -= 1
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_the_balancer_answers_every_call_within_its_limit():
    server = SlowServer()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = free_port()
    for limit in (1, 3):
        server.most = 0
        balancer = subprocess.Popen(
            [
                sys.executable,
                BALANCER,
                f"--port={port}",
                f"--upstream-port={server.server_address[1]}",
                f"--limit={limit}",
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert balancer.stdout.readline().strip() == "listening"

            def call(n):
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}/", data=f"call {n}".encode()
                )
                with urllib.request.urlopen(request, timeout=30) as response:
                    return response.read().decode()

            with ThreadPoolExecutor(12) as pool:
                answers = list(pool.map(call, range(12)))
        finally:
            balancer.terminate()
            balancer.wait(timeout=30)
        assert answers == [f"call {n}" for n in range(12)]
        assert server.most == limit
    server.shutdown()
