"""What every test peer shares: signals unblocked, and waiting until the test is done with it."""
import os
import signal
import threading


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
