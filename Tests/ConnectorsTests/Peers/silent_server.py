#!/usr/bin/env python3
"""A server that accepts TCP connections and never says a word: an SMTP server (or a web server)
that has hung. Prints "PORT <n>" when ready; appends {"event": "accepted"} and, when the client
gives up and closes, {"event": "closed", "received": N} (the bytes the client sent) to --log as
JSON lines; stops on SIGTERM or when the test process is gone.

  --port N     listen on N (default: a free port)
  --log FILE   where the events go (shared with other peers, to see what happened in which order)
"""
import argparse

from peer_support import json_log, serve_tcp, unblock_signals


def main():
    unblock_signals()
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--log", required=True)
    args = parser.parse_args()
    log = json_log(args.log)

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

    serve_tcp(hold, port=args.port)


if __name__ == "__main__":
    main()
