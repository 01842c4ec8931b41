#!/usr/bin/env python3
"""The zygote, beside the brick service: it imports ev3dev2 once (about 20 s on the brick's ARM9) and
forks a process for each program, so every run after the first starts at once.

Python 3.5 (ev3dev stretch), like service.py. The service starts it as `python3 zygote.py FD`, FD being
its end of a socket pair over which "run" messages arrive with the program's stdout and stderr.
"""
import array
import collections
import json
import logging
import os
import platform
import runpy
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback

WARM_MODULES = ("ev3dev2", "ev3dev2.motor", "ev3dev2.sensor", "ev3dev2.sensor.lego", "ev3dev2.sound",
                "ev3dev2.led", "ev3dev2.button", "ev3dev2.display", "ev3dev2.power")
LINE = "\x1eline "  # a running-line marker on the program's stderr, when the desktop asks for them

log = logging.getLogger("robolab-brick")


# --- the zygote: imports ev3dev2 once, then forks a process for each program ----------------

def zygote_main(fd):
    """Import ev3dev2, say so, then for each "run" message (with the program's stdout and stderr as
    file descriptors) fork a child that runs it; report each child's pid and, later, its exit."""
    logging.getLogger("ev3dev2.button").setLevel(logging.ERROR)  # "Failed to import evdev"
    channel = socket.fromfd(fd, socket.AF_UNIX, socket.SOCK_STREAM)  # Python 3.5 cannot tell the family
    os.close(fd)
    versions = {"python": platform.python_version()}
    for module in WARM_MODULES:
        try:
            __import__(module)
        except Exception as error:  # a program that needs it will report it itself
            versions.setdefault("warm_errors", []).append("%s: %s" % (module, error))
    versions["ev3dev2"] = getattr(sys.modules.get("ev3dev2"), "__version__", "not installed")
    _send(channel, {"ready": versions})
    wake_read, wake_write = os.pipe()  # SIGCHLD wakes the loop at once: Stop is not kept waiting
    for fd_ in (wake_read, wake_write):
        os.set_blocking(fd_, False)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    children = set()
    while True:
        readable = select.select([channel, wake_read], [], [], 1.0)[0]
        if wake_read in readable:
            os.read(wake_read, 512)
        for pid in list(children):
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                children.discard(pid)
                code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
                _send(channel, {"exit": pid, "code": code})
        if channel not in readable:
            continue
        data, fds = _receive(channel)
        if not data:
            return 0  # the service has gone
        pid = os.fork()
        if pid == 0:
            channel.close()
            signal.set_wakeup_fd(-1)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            os.close(wake_read)
            os.close(wake_write)
            request = json.loads(data.decode("utf-8"))
            os._exit(_run_child(request["path"], fds, request.get("trace", False)))
        for fd_ in fds:
            os.close(fd_)
        children.add(pid)
        _send(channel, {"pid": pid})


def _run_child(path, fds, trace=False):
    """In the forked child: its own process group, stdout/stderr to the service, run as __main__."""
    os.setsid()
    null = os.open(os.devnull, os.O_RDONLY)
    for target, fd in ((0, null), (1, fds[0]), (2, fds[1])):
        os.dup2(fd, target)
        os.close(fd)
    sys.stdout = os.fdopen(1, "w", buffering=1, encoding="utf-8", errors="replace")
    sys.stderr = os.fdopen(2, "w", buffering=1, encoding="utf-8", errors="backslashreplace")
    if trace:
        trace_lines(path)
    code = run_program(path)
    try:
        import atexit
        atexit._run_exitfuncs()  # the program's clean-up (e.g. motors off), as at a normal exit
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
    return code


def trace_lines(path, every=0.1):
    """Report the program's running line as a LINE marker on stderr, at most every `every` s. The
    trace hook only notes the line; a thread sends it, so a long `sleep` line is still shown."""
    current, sent = [0], [0]

    def local(frame, event, arg):
        if event == "line":
            current[0] = frame.f_lineno
        return local

    def tracer(frame, event, arg):
        return local if frame.f_code.co_filename == path else None

    def report():
        while True:
            time.sleep(every)
            if current[0] != sent[0]:
                sent[0] = current[0]
                try:
                    os.write(2, ("%s%d\n" % (LINE, sent[0])).encode())
                except OSError:
                    return

    reporter = threading.Thread(target=report)
    reporter.daemon = True
    reporter.start()
    sys.settrace(tracer)


def run_program(path):
    """Run a program file as `python3 NAME.py` would; its exit code. A traceback starts at the program."""
    sys.argv = [path]
    sys.path[0] = os.path.dirname(path)
    os.chdir(os.path.dirname(path))
    try:
        runpy.run_path(path, run_name="__main__")
    except KeyboardInterrupt:  # Stop: the desktop says so itself, a traceback would only alarm
        return 130
    except SystemExit as leaving:
        code = leaving.code
        if code is None or isinstance(code, int):
            return code or 0
        sys.stderr.write("%s\n" % (code,))
        return 1
    except BaseException:
        error_type, error, tb = sys.exc_info()
        ours = tb
        while ours is not None and ours.tb_frame.f_code.co_filename != path:
            ours = ours.tb_next  # start at the program's own frame
        traceback.print_exception(error_type, error, ours or tb)
        return 1
    return 0


def _send(channel, message, fds=()):
    data = (json.dumps(message) + "\n").encode("utf-8")
    if fds:
        channel.sendmsg([data], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))])
    else:
        channel.sendall(data)


def _receive(channel):
    """One message and the file descriptors sent with it (messages are one line each, small)."""
    data, ancillary, _, _ = channel.recvmsg(4096, socket.CMSG_LEN(2 * array.array("i").itemsize))
    fds = array.array("i")
    for level, kind, payload in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(payload[:len(payload) - len(payload) % fds.itemsize])
    return data, list(fds)


class Forked(object):
    """A program forked by the zygote, looking enough like a Popen for Run."""

    def __init__(self, zygote, pid, stdout, stderr):
        self.zygote, self.pid, self.stdout, self.stderr = zygote, pid, stdout, stderr
        self.returncode = None
        self.ended = threading.Event()

    def poll(self):
        return self.returncode

    def wait(self):
        self.ended.wait()
        return self.returncode


class Zygote(object):
    """The process that imported ev3dev2 once (it takes about 20 s on the brick) and forks each program,
    so every run after the first starts at once."""

    def __init__(self, cwd):
        self.channel, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.versions = {}
        self.ready = threading.Event()
        self.lock = threading.Lock()
        self.replies = collections.deque()
        self.reply_ready = threading.Condition()
        self.children = {}
        self.proc = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), str(theirs.fileno())],
            pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, cwd=cwd, start_new_session=True,
            env=dict(os.environ, PYTHONUNBUFFERED="1"))
        theirs.close()
        reader = threading.Thread(target=self._listen)
        reader.daemon = True
        reader.start()

    def _listen(self):
        stream = self.channel.makefile("rb")
        for line in iter(stream.readline, b""):
            message = json.loads(line.decode("utf-8"))
            if "ready" in message:
                self.versions = message["ready"]
                self.ready.set()
            elif "exit" in message:
                child = self.children.pop(message["exit"], None)
                if child is not None:
                    child.returncode = message["code"]
                    child.ended.set()
            else:
                with self.reply_ready:
                    self.replies.append(message)
                    self.reply_ready.notify_all()
        self.ready.set()
        for child in list(self.children.values()):  # the zygote died: nobody will report these
            _wait_gone(child.pid)
            child.returncode = -signal.SIGKILL if child.returncode is None else child.returncode
            child.ended.set()
        with self.reply_ready:
            self.reply_ready.notify_all()

    def usable(self):
        return self.proc.poll() is None

    def start(self, path, trace=False):
        """Fork a process running `path`; it has its own process group, and its output comes here."""
        out_read, out_write = os.pipe()
        err_read, err_write = os.pipe()
        with self.lock:
            _send(self.channel, {"path": path, "trace": bool(trace)}, [out_write, err_write])
            os.close(out_write)
            os.close(err_write)
            with self.reply_ready:
                if not self.reply_ready.wait_for(lambda: self.replies or not self.usable(), 60):
                    raise OSError("the zygote did not answer")
                if not self.replies:
                    raise OSError("the zygote has gone")
                pid = self.replies.popleft()["pid"]
            child = Forked(self, pid, os.fdopen(out_read, "rb"), os.fdopen(err_read, "rb"))
            self.children[pid] = child
        return child

    def discard(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except OSError:
            pass
        self.proc.wait()
        self.channel.close()


def _wait_gone(pid, seconds=2.0):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            os.kill(pid, 0)
        except OSError:
            return
        time.sleep(0.05)


if __name__ == "__main__":
    sys.exit(zygote_main(int(sys.argv[1])))
