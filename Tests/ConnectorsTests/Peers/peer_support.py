"""What every test peer shares: signals unblocked, and waiting until the test is done with it."""
import os
import signal
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
