"""Hostile neighbours of a brick on 127.0.0.1, for the security tests: a relay that records every byte
between the desktop and the brick, and impostors that listen where a brick should be."""
import socket
import ssl
import threading
from pathlib import Path

from robolab.ev3.tls import make_certificate


class Relay:
    """Forwards connections from its own port to the brick's, recording what each side sent."""

    def __init__(self, port: int):
        self.target = ("127.0.0.1", port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sessions: list[dict] = []  # {"to_brick": bytearray, "to_desktop": bytearray}
        self.threads: list[threading.Thread] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                desktop, _ = self.listener.accept()
            except OSError:
                return
            brick = socket.create_connection(self.target)
            session = {"to_brick": bytearray(), "to_desktop": bytearray()}
            self.sessions.append(session)
            for source, sink, record in ((desktop, brick, session["to_brick"]), (brick, desktop, session["to_desktop"])):
                thread = threading.Thread(target=self._pump, args=(source, sink, record), daemon=True)
                thread.start()
                self.threads.append(thread)

    @staticmethod
    def _pump(source, sink, record):
        try:
            while chunk := source.recv(65536):
                record.extend(chunk)
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            for sock in (sink, source):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def captured(self) -> bytes:
        return b"".join(bytes(s["to_brick"]) + bytes(s["to_desktop"]) for s in self.sessions)

    def close(self):
        self.listener.close()
        for thread in self.threads:
            thread.join(5)


class Impostor:
    """Listens where the brick should be and speaks TLS: by default with a certificate of its own, as a
    brick of the same name would, or with the brick's own (`certificate`, `key`: a brick gone bad). It
    sends `hello`, then `verdict` once a line has come, and records every byte it receives inside TLS
    (put a Relay in front of it to see the bytes on the wire)."""

    HELLO = b'{"service": 3, "name": "test-brick", "challenge": "' + b"ab" * 32 + b'"}\n'

    def __init__(self, folder: Path, certificate: Path | None = None, key: Path | None = None,
                 hello: bytes = HELLO, verdict: bytes = b'{"ok": true}\n'):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.plain = bytearray()
        self.hello, self.verdict = hello, verdict
        if certificate is None:
            pem, private = make_certificate("test-brick")
            certificate, key = folder / "impostor.crt", folder / "impostor.key"
            certificate.write_bytes(pem)
            key.write_bytes(private)
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(certificate, key)
        self.done = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        try:
            sock, _ = self.listener.accept()
            sock.settimeout(5)
            tls = self.context.wrap_socket(sock, server_side=True)
            tls.sendall(self.hello)
            while chunk := tls.recv(65536):
                self.plain.extend(chunk)
                if b"\n" in self.plain and self.verdict:
                    tls.sendall(self.verdict)
                    self.verdict = b""
        except OSError:
            pass
        finally:
            self.done.set()

    def close(self):
        self.listener.close()
