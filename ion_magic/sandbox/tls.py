"""The certificate that lets the sandbox serve HTTPS on loopback, made on first use and kept in the user's cache
directory (never in the project).

A private CA signs one server certificate for 127.0.0.1, ::1 and localhost, then its key is thrown away: the
bundle that clients trust (`ca.pem`, named by `REQUESTS_CA_BUNDLE` / `SSL_CERT_FILE`) can vouch for nothing
but this sandbox. The pair is remade when it is about to expire.
"""

from __future__ import annotations

import contextlib
import datetime
import ipaddress
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ion_magic.paths import cache_root

if TYPE_CHECKING:
    from cryptography import x509

CERTIFICATE_DAYS = 365
RENEW_WITHIN_DAYS = 7
LOOPBACK_DNS_NAMES = ("localhost",)
LOOPBACK_ADDRESSES = ("127.0.0.1", "::1")


def certificate_dir() -> Path:
    """`sandbox-tls` in ion-magic's cache directory (`ION_MAGIC_CACHE_DIR`, else ~/.cache/ion-magic)."""
    return cache_root() / "sandbox-tls"


@dataclass(frozen=True)
class SandboxCertificate:
    """Where the files are: the CA bundle clients trust, the server's certificate and its private key."""

    directory: Path

    @property
    def ca_file(self) -> Path:
        return self.directory / "ca.pem"

    @property
    def cert_file(self) -> Path:
        return self.directory / "server.pem"

    @property
    def key_file(self) -> Path:
        return self.directory / "server-key.pem"


def sandbox_certificate(directory: Path | None = None) -> SandboxCertificate:
    """The loopback certificate in `directory` (default: `certificate_dir()`), made or remade when needed."""
    target = SandboxCertificate(Path(directory) if directory else certificate_dir())
    if _usable(target):
        return target
    target.directory.parent.mkdir(parents=True, exist_ok=True)
    staging = SandboxCertificate(Path(tempfile.mkdtemp(prefix=".sandbox-tls-", dir=target.directory.parent)))
    _write_new_pair(staging)
    if target.directory.exists():
        _remove_directory(target.directory)
    try:
        staging.directory.rename(target.directory)
    except OSError:  # another process put a fresh pair there first: use that one
        _remove_directory(staging.directory)
    return target


def _usable(certificate: SandboxCertificate) -> bool:
    from cryptography import x509

    try:
        server = x509.load_pem_x509_certificate(certificate.cert_file.read_bytes())
    except (OSError, ValueError):
        return False
    renew_from = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=RENEW_WITHIN_DAYS)
    return certificate.ca_file.is_file() and certificate.key_file.is_file() and server.not_valid_after_utc > renew_from


def _remove_directory(directory: Path) -> None:
    """Move aside, then delete: a reader never sees a half-deleted pair under the real name."""
    doomed = directory.with_name(f".{directory.name}-old-{os.getpid()}")
    with contextlib.suppress(OSError):
        directory.rename(doomed)
        shutil.rmtree(doomed, ignore_errors=True)


def _write_new_pair(certificate: SandboxCertificate) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.UTC)
    valid_from, valid_until = now - datetime.timedelta(days=1), now + datetime.timedelta(days=CERTIFICATE_DAYS)
    ca_key, server_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ion-magic sandbox local CA")])
    ca_key_id = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(valid_from)
        .not_valid_after(valid_until)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(signs_certificates=True), critical=True)
        .add_extension(ca_key_id, critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    alternative_names: list[x509.GeneralName] = [x509.DNSName(name) for name in LOOPBACK_DNS_NAMES]
    alternative_names += [x509.IPAddress(ipaddress.ip_address(address)) for address in LOOPBACK_ADDRESSES]
    server = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(server_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(valid_from)
        .not_valid_after(valid_until)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(signs_certificates=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName(alternative_names), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(server_key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_key_id), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    certificate.ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    certificate.cert_file.write_bytes(server.public_bytes(serialization.Encoding.PEM))
    key_bytes = server_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    descriptor = os.open(certificate.key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(key_bytes)


def _key_usage(*, signs_certificates: bool) -> x509.KeyUsage:
    """Digital signatures; for the CA also certificates and revocation lists; nothing else."""
    from cryptography import x509

    return x509.KeyUsage(
        digital_signature=True,
        key_cert_sign=signs_certificates,
        crl_sign=signs_certificates,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        encipher_only=False,
        decipher_only=False,
    )
