"""bench/balancer.py, the queueing balancer ``bench/desk_load.py --balancer``
puts in front of ``odoo-bin``: every connection is answered, and the server
never has more than the limit at once."""

import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

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
        time.sleep(0.05)
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
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert balancer.stdout.readline().strip() == "listening"

            def calls(n):
                # an operator's session: its calls one after the other
                with requests.Session() as session:
                    return [
                        session.post(
                            f"http://127.0.0.1:{port}/", data=f"{n}.{i}", timeout=30
                        ).text
                        for i in range(3)
                    ]

            with ThreadPoolExecutor(12) as pool:
                answers = list(pool.map(calls, range(12)))
            time.sleep(0.5)  # what the balancer has to say of the calls
        finally:
            balancer.terminate()
            _out, said = balancer.communicate(timeout=30)
        assert answers == [[f"{n}.{i}" for i in range(3)] for n in range(12)]
        assert server.most == limit
        # no connection's handling lost on the way (asyncio says so)
        assert said == "", said
    server.shutdown()
