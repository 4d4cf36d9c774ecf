#!/usr/bin/env python3
"""An IMAP server that says what a test tells it to: a hostile or broken server. Prints
"PORT <n>" when ready; stops on SIGTERM or when the test process is gone.

  --script FILE   read again at each connection: a JSON object with
                    "greeting": what to send at once (base64),
                    "replies":  what to send after each line the client sends, in order (base64;
                                "{tag}" stands for the tag of that line),
                    "then":     when the replies run out: "hang" (say nothing more), "close", or
                                "flood" (send "flood" (base64) again and again until the client
                                goes away).
  --log FILE      appends {"event": "accepted"} and {"event": "closed", "lines": [...]} (what the
                  client sent) as JSON lines
"""
import argparse
import base64
import json

from peer_support import json_log, serve_tcp, unblock_signals


def main():
    unblock_signals()
    parser = argparse.ArgumentParser()
    parser.add_argument("--script", required=True)
    parser.add_argument("--log", required=True)
    args = parser.parse_args()
    log = json_log(args.log)

    def serve(connection):
        with open(args.script) as f:
            script = json.load(f)
        log({"event": "accepted"})
        lines = []
        try:
            connection.sendall(base64.b64decode(script.get("greeting", "")))
            replies = [base64.b64decode(r) for r in script.get("replies", [])]
            pending = b""
            while True:
                chunk = connection.recv(65536)
                if not chunk:
                    break
                pending += chunk
                while b"\n" in pending:
                    line, pending = pending.split(b"\n", 1)
                    text = line.decode("utf-8", "replace").rstrip("\r")
                    lines.append(text)
                    tag = text.split(" ", 1)[0].encode()
                    if replies:
                        connection.sendall(replies.pop(0).replace(b"{tag}", tag))
                    elif script.get("then") == "close":
                        raise ConnectionResetError
                    elif script.get("then") == "flood":
                        flood = base64.b64decode(script.get("flood", "")) or b"*"
                        while True:
                            connection.sendall(flood)
        except OSError:
            pass
        finally:
            log({"event": "closed", "lines": lines})
            try:
                connection.close()
            except OSError:
                pass

    serve_tcp(serve)


if __name__ == "__main__":
    main()
