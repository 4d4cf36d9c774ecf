#!/usr/bin/env python3
"""A real CalDAV server for Baton's connector tests: Radicale on loopback.

Starts Radicale with plain htpasswd users, creates the calendar collection /USER/calendar/ with
MKCALENDAR, PUTs each --seed file into it, prints "PORT <n>" and serves until it gets SIGTERM
or the test process is gone.

  --folder DIR          Radicale's storage (and its config and users file)
  --user USER:PASSWORD  the one user (default baton:s3cret)
  --seed FILE.ics       an event to put in the calendar first (repeatable)
"""
import argparse
import base64
import http.client
import os
import socket
import subprocess
import sys
import time

from peer_support import unblock_signals, wait_for_the_test



def main():
    unblock_signals()
    parser = argparse.ArgumentParser()
    parser.add_argument("--folder", required=True)
    parser.add_argument("--user", default="baton:s3cret")
    parser.add_argument("--seed", action="append", default=[])
    args = parser.parse_args()
    os.makedirs(args.folder, exist_ok=True)
    user, password = args.user.split(":", 1)
    with open(os.path.join(args.folder, "users"), "w") as f:
        f.write(f"{user}:{password}\n")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = os.path.join(args.folder, "config")
    with open(config, "w") as f:
        f.write(f"""[server]
hosts = 127.0.0.1:{port}
[auth]
type = htpasswd
htpasswd_filename = {os.path.join(args.folder, "users")}
htpasswd_encryption = plain
delay = 0
[storage]
filesystem_folder = {os.path.join(args.folder, "collections")}
[logging]
level = warning
""")
    server = subprocess.Popen([sys.executable, "-m", "radicale", "--config", config],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    auth = {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}

    def request(method, path, body=b"", headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        connection.request(method, path, body=body, headers={**auth, **(headers or {})})
        response = connection.getresponse()
        response.read()
        return response.status

    status = request("MKCALENDAR", f"/{user}/calendar/")
    if status not in (201, 405):
        print(f"MKCALENDAR failed: {status}", flush=True)
        server.terminate()
        sys.exit(1)
    for index, seed in enumerate(args.seed):
        with open(seed, "rb") as f:
            status = request("PUT", f"/{user}/calendar/seed-{index}.ics", f.read(),
                             {"Content-Type": "text/calendar; charset=utf-8"})
        if status not in (201, 204):
            print(f"seeding {seed} failed: {status}", flush=True)
            server.terminate()
            sys.exit(1)
    print(f"PORT {port}", flush=True)
    wait_for_the_test()
    server.terminate()
    server.wait(timeout=5)


if __name__ == "__main__":
    main()
