# A task for deployment tests: answers GET / with its version and GET /health with 200, or 500
# when its version is "sick" or a file named "sick" is in its sandbox (the working directory).
# GET /ready answers 503 until READY_AFTER_S seconds (env, default 0) after the start, then 200.
# On SIGTERM it keeps answering for a moment, as a server drains, then exits.
import http.server
import os
import signal
import sys
import threading
import time

started = time.monotonic()
ready_after = float(os.environ.get("READY_AFTER_S", "0"))

version, port = sys.argv[1], int(sys.argv[2])


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/health":
            ok = version != "sick" and not os.path.exists("sick")
            body = b"ok" if ok else b"sick"
            self.send_response(200 if ok else 500)
        elif self.path == "/ready":
            ok = time.monotonic() - started >= ready_after
            body = b"ready" if ok else b"warming up"
            self.send_response(200 if ok else 503)
        else:
            body = version.encode()
            self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
signal.signal(signal.SIGTERM, lambda *a: threading.Timer(1.5, lambda: os._exit(0)).start())
server.serve_forever()
