#!/usr/bin/env python3
"""A small OpenAI-compatible chat-completions server for Baton's tests, on loopback.

Answers POST /v1/chat/completions with the next content from --answers (a JSON list of strings;
the last one repeats), and appends each request it got to --log (one JSON line each). Prints
"PORT <n>" when ready; stops on SIGTERM or when the test process is gone.
"""
import argparse
import json

from peer_support import QuietHandler, serve, unblock_signals


def main():
    unblock_signals()
    parser = argparse.ArgumentParser()
    parser.add_argument("--answers", required=True)
    parser.add_argument("--log", required=True)
    args = parser.parse_args()
    with open(args.answers) as f:
        answers = json.load(f)
    served = {"count": 0}

    class Handler(QuietHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with open(args.log, "a") as log:
                log.write(json.dumps({"path": self.path, "auth": self.headers.get("Authorization"),
                                      "body": json.loads(body or b"{}")}) + "\n")
            if self.path != "/v1/chat/completions":
                self.send_response(404)
                self.end_headers()
                return
            content = answers[min(served["count"], len(answers) - 1)]
            served["count"] += 1
            reply = json.dumps({"id": "test", "object": "chat.completion", "choices": [
                {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}]})
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply.encode())

    serve(Handler)


if __name__ == "__main__":
    main()
