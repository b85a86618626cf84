// A self-signed certificate and key for the TLS test server, for 127.0.0.1 and
// localhost, valid 2025-2125. Test-only: never trusted outside a test process.
#pragma once

#include <QByteArray>

namespace issuebert::testing {

inline const QByteArray kTestCertificatePem = R"(
-----BEGIN CERTIFICATE-----
MIIBoTCCAUegAwIBAgIBATAKBggqhkjOPQQDAjAgMR4wHAYDVQQDDBVJc3N1ZUJF
UlQgdGVzdCBzZXJ2ZXIwIBcNMjUwMTAxMDAwMDAwWhgPMjEyNTAxMDEwMDAwMDBa
MCAxHjAcBgNVBAMMFUlzc3VlQkVSVCB0ZXN0IHNlcnZlcjBZMBMGByqGSM49AgEG
CCqGSM49AwEHA0IABM9qDVdkmwzveFPNjWTWLkEpQAmDGpa059YHaIhIfCQ/MF81
tnUph1TQJ2hi3B+NDrvQ0nDelrWOF92B1dIWSiCjcDBuMBoGA1UdEQQTMBGHBH8A
AAGCCWxvY2FsaG9zdDAPBgNVHRMBAf8EBTADAQH/MAsGA1UdDwQEAwIChDATBgNV
HSUEDDAKBggrBgEFBQcDATAdBgNVHQ4EFgQU/NxFGjaBFQwbrjzxGv3PHequKKIw
CgYIKoZIzj0EAwIDSAAwRQIgIq5VXsIzrFXoHc7Ajt1pY3uU1jZGhOdxTGl08oPr
4IwCIQCdBwbJCRvLZ6v9u+mvxFL8hDiPLsd0phoG0IQ/VCJymQ==
-----END CERTIFICATE-----
)";

inline const QByteArray kTestKeyPem = R"(
-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgD9TJFbAKiGK/4xjm
Exjwp1AqVo/iq0asJ2TjVNmQDcmhRANCAATPag1XZJsM73hTzY1k1i5BKUAJgxqW
tOfWB2iISHwkPzBfNbZ1KYdU0CdoYtwfjQ670NJw3pa1jhfdgdXSFkog
-----END PRIVATE KEY-----
)";

} // namespace issuebert::testing
