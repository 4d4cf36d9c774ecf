#!/usr/bin/env python3
"""A slow OpenAI-compatible chat-completions server on loopback, for `baton run` end to end.

Each POST /v1/chat/completions is answered after --delay seconds (one thread per request, so
twenty calls wait side by side) with a JSON-object content that fits the drafting schema:
{"draft": "… (for NAME) …", "actions": []}, NAME being the lead's name in the request (the user
message is the lead as JSON), so a test can tell which lead a reply's draft was written for.
Appends {"event": "asked"|"answered"|"gone", "at": unix seconds, "name": …} to --log, one JSON
line each ("gone": the client hung up before the answer). Prints "PORT <n>" when ready; stops on
SIGTERM, or when its parent is gone.

  --delay SECONDS   how long each answer takes (default 15)
  --port N          listen on N (default: a free port)
  --log FILE        where the events go
"""
import argparse
import json
import os
import signal
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main():
    # A test process may start us with signals blocked (its threads block them).
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    parser = argparse.ArgumentParser()
    parser.add_argument("--delay", type=float, default=15)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--log", required=True)
    args = parser.parse_args()
    lock = threading.Lock()

    def log(event, name):
        with lock, open(args.log, "a") as f:
            f.write(json.dumps({"event": event, "at": time.time(), "name": name}) + "\n")

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if self.path != "/v1/chat/completions":
                self.send_response(404)
                self.end_headers()
                return
            try:
                name = str(json.loads(json.loads(body)["messages"][-1]["content"])["name"])
            except (ValueError, KeyError, IndexError, TypeError):
                name = "nobody"
            log("asked", name)
            time.sleep(args.delay)
            content = json.dumps({
                "draft": f"Hi, this is the model's draft (for {name}): a plumber can come today.",
                "actions": []})
            reply = json.dumps({"id": "slow", "object": "chat.completion", "choices": [
                {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}]})
            try:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply.encode())
                log("answered", name)
            except OSError:
                log("gone", name)

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 128  # twenty clients connecting at once are all let in

    server = Server(("127.0.0.1", args.port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"PORT {server.server_address[1]}", flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    parent = os.getppid()
    while not done.wait(0.2):
        if os.getppid() != parent:
            break
    server.shutdown()


if __name__ == "__main__":
    main()
