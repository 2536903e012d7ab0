# alerts-recv.py - TEST ONLY receiver of tests/collector/alerts.sh, on
# loopback: an HTTP server that records each POST (its body in
# DIR/body-N, a JSON line with the status answered, the X-Plumb-*
# headers and the body's type, host and last_seen in
# DIR/requests.jsonl) and answers 503 to the first FAIL
# ones, 200 after; and a unix datagram socket standing in for
# /dev/log, each message appended to DIR/syslog.
#
# usage: python3 alerts-recv.py DIR FAIL
# writes DIR/port once listening; stops after 120 s whatever happens.
import http.server
import json
import os
import socket
import sys
import threading

out, fail = sys.argv[1], int(sys.argv[2])
lock = threading.Lock()
count = [0]


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(min(n, 1 << 20))
        with lock:
            count[0] += 1
            i = count[0]
            status = 503 if i <= fail else 200
            with open(os.path.join(out, "body-%d" % i), "wb") as f:
                f.write(body)
            try:
                doc = json.loads(body)
            except ValueError:
                doc = {}
            with open(os.path.join(out, "requests.jsonl"), "a") as f:
                f.write(json.dumps({
                    "n": i, "status": status, "path": self.path,
                    "sig": self.headers.get("X-Plumb-Signature"),
                    "id": self.headers.get("X-Plumb-Notification"),
                    "ctype": self.headers.get("Content-Type"),
                    "kind": doc.get("type"), "host": doc.get("host"),
                    "last_seen": doc.get("last_seen")}) + "\n")
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def syslog_loop(sock):
    while True:
        data = sock.recv(65536)
        with lock, open(os.path.join(out, "syslog"), "ab") as f:
            f.write(data + b"\n")


log = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
log.bind(os.path.join(out, "log.sock"))
threading.Thread(target=syslog_loop, args=(log,), daemon=True).start()
srv = http.server.HTTPServer(("127.0.0.1", 0), Handler)
threading.Timer(120, lambda: os._exit(0)).start()
with open(os.path.join(out, "port.tmp"), "w") as f:
    f.write("%d\n" % srv.server_address[1])
os.rename(os.path.join(out, "port.tmp"), os.path.join(out, "port"))
srv.serve_forever()
