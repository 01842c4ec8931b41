"""The desktop's side of the brick's TLS: making a brick's certificate at setup, and checking it, pinned,
on every connection (as SSH checks a host key it has seen before).

The desktop makes the brick's key and self-signed certificate, not the brick: ev3dev's Python 3.5 has
no `cryptography`, and the key reaches the brick over the SSH login that `brick setup` already has.
Nothing about the certificate is trusted but its SHA-256 fingerprint, saved with the pairing: no
certificate authority, host name or date is checked (the brick has no clock it can trust anyway).
"""

import datetime
import hmac
import socket
import ssl

from robolab.ev3.brick.service import certificate_fingerprint


def make_certificate(name: str) -> tuple[bytes, bytes]:
    """(certificate PEM, private key PEM) for brick `name`: an EC P-256 key, cheap to use on an ARM9."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"robolab brick {name}")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - datetime.timedelta(days=1))
                   .not_valid_after(now + datetime.timedelta(days=365 * 30))
                   .sign(key, hashes.SHA256()))
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return certificate.public_bytes(serialization.Encoding.PEM), key_pem


def pem_fingerprint(pem: bytes) -> str:
    """The pinned form of a certificate given as PEM; ValueError if it is not one."""
    return certificate_fingerprint(ssl.PEM_cert_to_DER_cert(pem.decode("ascii")))


def client_context() -> ssl.SSLContext:
    """TLS 1.2 or newer; the certificate is checked by its pinned fingerprint (pinned_socket), not here."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


class WrongCertificate(Exception):
    """The other end's certificate is not the pinned one; nothing has been sent to it."""


def pinned_socket(sock: socket.socket, fingerprint: str) -> ssl.SSLSocket:
    """TLS over `sock`, with the other end proven to hold the key of the pinned certificate."""
    tls = client_context().wrap_socket(sock)
    der = tls.getpeercert(binary_form=True) or b""
    if not hmac.compare_digest(certificate_fingerprint(der), fingerprint):
        tls.close()
        raise WrongCertificate(certificate_fingerprint(der))
    return tls
