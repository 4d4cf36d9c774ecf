#!/usr/bin/env python3
"""A tool that accepts Baton's webhooks, for the tests: answers --fail-first requests with 500,
the rest with 200, and appends each request (headers and body) to --log as a JSON line. Prints
"PORT <n>" when ready; stops on SIGTERM or when the test process is gone.
"""
import argparse
import json

from peer_support import QuietHandler, serve, unblock_signals


def main():
    unblock_signals()
    parser = argparse.ArgumentParser()
    parser.add_argument("--log", required=True)
    parser.add_argument("--fail-first", type=int, default=0)
    args = parser.parse_args()
    seen = {"count": 0}

    class Handler(QuietHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
            seen["count"] += 1
            status = 500 if seen["count"] <= args.fail_first else 200
            with open(args.log, "a") as log:
                log.write(json.dumps({"status": status, "headers": dict(self.headers), "body": body}) + "\n")
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

    serve(Handler)


if __name__ == "__main__":
    main()
