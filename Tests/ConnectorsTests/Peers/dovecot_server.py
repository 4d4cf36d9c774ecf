#!/usr/bin/env python3
"""A real IMAP server (Debian's dovecot-imapd) with a throwaway configuration: users in a passwd-file,
a Maildir and a self-signed certificate under --folder, IMAP with STARTTLS on --port and implicit
TLS on --tls-port, both on 127.0.0.1. Prints "PORT <tls-port>" once both accept connections; stops
Dovecot (and what it started) on SIGTERM or when the test process is gone.

  --folder DIR             where the configuration, the runtime files, the log and the mail go
  --port N --tls-port N    the loopback ports (STARTTLS, and implicit TLS)
  --user NAME:PASSWORD     a user (its Maildir is DIR/mail/NAME/Maildir); given once per user
  --cert FILE --key FILE   the certificate and its key
  --plain                  also allow the password without TLS (a loopback test of `tls: none`)

Run as root (a test container), Dovecot's processes run as its own users and the mail is owned by
`nobody`; run as anyone else, everything runs as that user.
"""
import argparse
import os
import pwd
import grp
import socket
import subprocess
import time

from peer_support import unblock_signals, wait_for_the_test


def main():
    unblock_signals()
    parser = argparse.ArgumentParser()
    parser.add_argument("--folder", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--tls-port", type=int, required=True)
    parser.add_argument("--user", action="append", required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--plain", action="store_true")
    args = parser.parse_args()
    folder = os.path.abspath(args.folder)
    for sub in ("run", "state", "mail"):
        os.makedirs(os.path.join(folder, sub), exist_ok=True)
    if os.geteuid() == 0:
        internal, login = "dovecot", "dovenull"
        mail_uid, mail_gid = "nobody", grp.getgrgid(pwd.getpwnam("nobody").pw_gid).gr_name
        os.chmod(folder, 0o755)
        os.chown(os.path.join(folder, "mail"), pwd.getpwnam("nobody").pw_uid, pwd.getpwnam("nobody").pw_gid)
    else:
        me = pwd.getpwuid(os.geteuid())
        internal = login = mail_uid = me.pw_name
        mail_gid = grp.getgrgid(me.pw_gid).gr_name
    with open(os.path.join(folder, "users"), "w") as f:
        for user in args.user:
            name, password = user.split(":", 1)
            f.write(f"{name}:{{PLAIN}}{password}::::::\n")
    configuration = os.path.join(folder, "dovecot.conf")
    with open(configuration, "w") as f:
        f.write(f"""
base_dir = {folder}/run
state_dir = {folder}/state
log_path = {folder}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{os.path.abspath(args.cert)}
ssl_key = <{os.path.abspath(args.key)}
auth_mechanisms = plain login
auth_failure_delay = 0
disable_plaintext_auth = {"no" if args.plain else "yes"}
default_internal_user = {internal}
default_login_user = {login}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {folder}/users
}}
userdb {{
  driver = static
  args = uid={mail_uid} gid={mail_gid} home={folder}/mail/%u
}}
mail_location = maildir:{folder}/mail/%u/Maildir
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {args.port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {args.tls_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
""")
    dovecot = subprocess.Popen(["dovecot", "-F", "-c", configuration], stdin=subprocess.DEVNULL)
    deadline = time.time() + 120
    ready = False
    while time.time() < deadline and dovecot.poll() is None and not ready:
        try:
            for port in (args.port, args.tls_port):
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
            ready = True
        except OSError:
            time.sleep(0.05)
    if ready:
        print(f"PORT {args.tls_port}", flush=True)
        wait_for_the_test()
    if dovecot.poll() is None:
        dovecot.terminate()
        try:
            dovecot.wait(10)
        except subprocess.TimeoutExpired:
            dovecot.kill()


if __name__ == "__main__":
    main()
