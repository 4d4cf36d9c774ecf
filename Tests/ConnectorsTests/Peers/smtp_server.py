#!/usr/bin/env python3
"""A real SMTP server for Baton's connector tests: aiosmtpd on loopback.

Prints "PORT <n>" once it accepts connections, then serves until it gets SIGTERM, or the test
process is gone. Every message
it accepts is stored in --folder as N.eml (the bytes received) and N.json (what Python's email
package reads from them, plus the envelope and the session's TLS and AUTH state).

  --auth USER:PASSWORD     offer AUTH PLAIN and LOGIN and require it
  --tls CERT KEY           offer STARTTLS with this certificate
  --reject ADDRESS         answer RCPT TO for ADDRESS with 550 (permanent)
  --defer ADDRESS          answer RCPT TO for ADDRESS with 451 (temporary)
  --port N                 listen on N (default: a free port)
  --log FILE               also append {"event": "message", "message_id": …} for each message, a JSON line
"""
import argparse
import asyncio
import email
import email.policy
import json
import os
import socket
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from peer_support import unblock_signals, wait_for_the_test


class Store:
    def __init__(self, folder, reject, defer, log=None):
        self.folder, self.reject, self.defer, self.log = folder, reject, defer, log
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.reject:
            return "550 5.1.1 no such user here"
        if address in self.defer:
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        raw = envelope.original_content or envelope.content
        base = os.path.join(self.folder, str(self.count))
        with open(base + ".eml", "wb") as f:
            f.write(raw)
        message = email.message_from_bytes(raw, policy=email.policy.default)
        text = message.get_body(preferencelist=("plain",))
        html = message.get_body(preferencelist=("html",))
        summary = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "mail_options": envelope.mail_options,
            "tls": session.ssl is not None,
            "authenticated": bool(session.authenticated),
            "from": str(message["From"]),
            "to": str(message["To"]),
            "subject": str(message["Subject"]),
            "message_id": str(message["Message-ID"]),
            "date": str(message["Date"]),
            "content_type": message.get_content_type(),
            "text": text.get_content() if text is not None else None,
            "html": html.get_content() if html is not None else None,
            "defects": [str(d) for d in message.defects],
        }
        with open(base + ".json", "w") as f:
            json.dump(summary, f)
        if self.log:
            with open(self.log, "a") as f:
                f.write(json.dumps({"event": "message", "message_id": summary["message_id"]}) + "\n")
        return "250 2.0.0 stored"



def main():
    unblock_signals()
    parser = argparse.ArgumentParser()
    parser.add_argument("--folder", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--auth")
    parser.add_argument("--tls", nargs=2)
    parser.add_argument("--reject", action="append", default=[])
    parser.add_argument("--defer", action="append", default=[])
    parser.add_argument("--log")
    args = parser.parse_args()
    os.makedirs(args.folder, exist_ok=True)
    port = args.port
    if port == 0:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
    options = {}
    if args.tls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*args.tls)
        options["tls_context"] = context
        options["require_starttls"] = True
    if args.auth:
        user, password = args.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user \
                and auth_data.password.decode() == password
            # handled=False: aiosmtpd then answers 535 itself.
            return AuthResult(success=ok, handled=False)

        options.update(authenticator=authenticator, auth_required=True, auth_require_tls=bool(args.tls))
    controller = Controller(Store(args.folder, set(args.reject), set(args.defer), args.log), hostname="127.0.0.1",
                            port=port, server_hostname="localhost", **options)
    controller.start()
    print(f"PORT {port}", flush=True)
    wait_for_the_test()
    controller.stop()


if __name__ == "__main__":
    main()
