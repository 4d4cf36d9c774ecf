"""What every test peer shares: signals unblocked, and waiting until the test is done with it."""
import json
import os
import signal
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def unblock_signals():
    """A test process may start a peer with signals blocked (its threads block them): unblock, so
    SIGTERM stops the peer (and whatever it starts)."""
    signal.pthread_sigmask(signal.SIG_SETMASK, [])


def wait_for_the_test():
    """Returns on SIGTERM, or when the parent (the test) is gone."""
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    parent = os.getppid()
    while not done.wait(0.2):
        if os.getppid() != parent:
            break


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler that does not log each request to stderr."""

    def log_message(self, *_):
        pass


def serve(handler):
    """Serves HTTP with `handler` on a free loopback port, says "PORT <n>", and stops when the test is done."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"PORT {server.server_address[1]}", flush=True)
    wait_for_the_test()
    server.shutdown()


def json_log(path):
    """A function that appends an event to `path` as one JSON line, from any thread."""
    lock = threading.Lock()

    def log(event):
        with lock, open(path, "a") as f:
            f.write(json.dumps(event) + "\n")

    return log


def serve_tcp(handle, port=0):
    """Accepts TCP connections on `port` (default: a free one) on loopback, each handled by
    `handle(connection)` on a thread of its own; says "PORT <n>", and when the test is done closes
    the listener and shuts every connection down."""
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(64)
    connections = []

    def accept():
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            connections.append(connection)
            threading.Thread(target=handle, args=(connection,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    print(f"PORT {listener.getsockname()[1]}", flush=True)
    wait_for_the_test()
    listener.close()
    for connection in connections:
        try:
            connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        connection.close()
