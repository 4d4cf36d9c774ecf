#!/usr/bin/env python3
"""A server that accepts TCP connections and never says a word: an SMTP server (or a web server)
that has hung. Prints "PORT <n>" when ready; appends {"event": "accepted"} and, when the client
gives up and closes, {"event": "closed", "received": N} (the bytes the client sent) to --log as
JSON lines; stops on SIGTERM or when the test process is gone.

  --port N     listen on N (default: a free port)
  --log FILE   where the events go (shared with other peers, to see what happened in which order)
"""
import argparse
import json
import socket
import threading

from peer_support import unblock_signals, wait_for_the_test


def main():
    unblock_signals()
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--log", required=True)
    args = parser.parse_args()
    lock = threading.Lock()

    def log(event):
        with lock, open(args.log, "a") as f:
            f.write(json.dumps(event) + "\n")

    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", args.port))
    listener.listen(64)
    connections = []

    def hold(connection):
        log({"event": "accepted"})
        received = 0
        try:
            while True:
                chunk = connection.recv(65536)
                if not chunk:
                    break
                received += len(chunk)
        except OSError:
            pass
        log({"event": "closed", "received": received})

    def accept():
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            connections.append(connection)
            threading.Thread(target=hold, args=(connection,), daemon=True).start()

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


if __name__ == "__main__":
    main()
