# A task for deployment tests: answers GET / with its version and GET /health with 200, or 500
# when its version is "sick" or a file named "sick" is in its sandbox (the working directory).
# On SIGTERM it keeps answering for a moment, as a server drains, then exits.
import http.server
import os
import signal
import sys
import threading

version, port = sys.argv[1], int(sys.argv[2])


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/health":
            ok = version != "sick" and not os.path.exists("sick")
            body = b"ok" if ok else b"sick"
            self.send_response(200 if ok else 500)
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
