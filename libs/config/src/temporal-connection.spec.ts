import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTemporalTls, temporalConnectionOptions } from './temporal-connection';

/** Self-signed, so it serves as the CA too; only parsed here, never used in a handshake. */
const CERTIFICATE = `-----BEGIN CERTIFICATE-----
MIIBljCCATugAwIBAgIUFLFlblDmsNaA9kinNsT894B4UWcwCgYIKoZIzj0EAwIw
HzEdMBsGA1UEAwwUZmxvd21hdGUtdGVzdC1jbGllbnQwIBcNMjYxMjA2MDk0MTE4
WhgPMjEyNjExMTIwOTQxMThaMB8xHTAbBgNVBAMMFGZsb3dtYXRlLXRlc3QtY2xp
ZW50MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEWff7uaR7ADYHuKKBwTuzO7DL
us26CVKatbC9VOahUVwXbyKKvbOx9QY/RJNMXbfTqW+xpA40e1HNNmGdmSQjJaNT
MFEwHQYDVR0OBBYEFLuK/9L1dC6U99hY9tmOx7354O2rMB8GA1UdIwQYMBaAFLuK
/9L1dC6U99hY9tmOx7354O2rMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwID
SQAwRgIhAN6FGNHeNlYMC5mBr5cbyT8fFdOsUh7yCjYOSaYkm7u/AiEA5q0JrIKb
nEAQV8sMQtWfOf/45EVNdgCx5XKGbcLnesU=
-----END CERTIFICATE-----
`;
const ITS_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgJjF3inbZur+yLXsJ
4aacexHk/qpGtHh0PLMaveU3s5+hRANCAARZ9/u5pHsANge4ooHBO7M7sMu6zboJ
Upq1sL1U5qFRXBdvIoq9s7H1Bj9Ek0xdt9Opb7GkDjR7Uc02YZ2ZJCMl
-----END PRIVATE KEY-----
`;

describe(parseTemporalTls.name, () => {
  let dir: string;
  let files: { cert: string; key: string; otherKey: string };
  let problems: string[];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'flowmate-temporal-tls-'));
    files = { cert: join(dir, 'client.crt'), key: join(dir, 'client.key'), otherKey: join(dir, 'other.key') };
    writeFileSync(files.cert, CERTIFICATE);
    writeFileSync(files.key, ITS_KEY);
    writeFileSync(files.otherKey, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => {
    problems = [];
  });

  it('leaves TLS off when nothing asks for it', () => {
    expect(parseTemporalTls({}, problems)).toBeUndefined();
    expect(problems).toEqual([]);
  });

  it('reads the client certificate, its key and the CA into the SDK TLS config', () => {
    const sut = parseTemporalTls({ certPath: files.cert, keyPath: files.key, caPath: files.cert, serverName: 'temporal.internal' }, problems);

    expect(problems).toEqual([]);
    expect(sut).toEqual({
      clientCertPair: { crt: readFileSync(files.cert), key: readFileSync(files.key) },
      serverRootCACertificate: readFileSync(files.cert),
      serverNameOverride: 'temporal.internal',
    });
  });

  it('turns TLS on, trusting the system roots, for an API key or a server name alone', () => {
    expect(parseTemporalTls({ apiKey: 'cloud-key' }, problems)).toEqual({});
    expect(parseTemporalTls({ serverName: 'temporal.internal' }, problems)).toEqual({ serverNameOverride: 'temporal.internal' });
    expect(problems).toEqual([]);
  });

  it('refuses a certificate without its key, and a key without its certificate', () => {
    parseTemporalTls({ certPath: files.cert }, problems);
    parseTemporalTls({ keyPath: files.key }, problems);

    expect(problems).toEqual([
      'TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together: set both or neither',
      'TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together: set both or neither',
    ]);
  });

  it('names every unreadable file at once', () => {
    const missing = join(dir, 'missing.pem');

    parseTemporalTls({ certPath: missing, keyPath: files.key, caPath: missing }, problems);

    expect(problems).toEqual([`TEMPORAL_TLS_CA: cannot read ${missing} (ENOENT)`, `TEMPORAL_TLS_CERT: cannot read ${missing} (ENOENT)`]);
  });

  it('refuses files that are not PEM, and a key that does not match the certificate', () => {
    const garbage = join(dir, 'garbage.pem');
    writeFileSync(garbage, 'not a certificate');

    parseTemporalTls({ certPath: garbage, keyPath: garbage, caPath: files.key }, problems);
    parseTemporalTls({ certPath: files.cert, keyPath: files.otherKey }, problems);

    expect(problems).toEqual([
      `TEMPORAL_TLS_CA: ${files.key} is not a PEM certificate`,
      `TEMPORAL_TLS_CERT: ${garbage} is not a PEM certificate`,
      `TEMPORAL_TLS_KEY: ${garbage} is not a PEM private key`,
      'TEMPORAL_TLS_KEY is not the private key of the TEMPORAL_TLS_CERT certificate',
    ]);
  });
});

describe(temporalConnectionOptions.name, () => {
  it('takes only what a connection needs from the Temporal config', () => {
    const tls = { serverNameOverride: 'temporal.internal' };
    const temporal = { address: 'temporal:7233', namespace: 'prod', taskQueue: 'flowmate', uiUrl: 'http://ui', tls, apiKey: 'key' };

    expect(temporalConnectionOptions(temporal)).toEqual({ address: 'temporal:7233', tls, apiKey: 'key' });
  });
});
