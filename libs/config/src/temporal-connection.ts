import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The SDK's `TLSConfig`, its files read once at boot. */
export interface TemporalTls {
  clientCertPair?: { crt: Buffer; key: Buffer };
  serverRootCACertificate?: Buffer;
  serverNameOverride?: string;
}

/** How a process reaches Temporal: what both the client's `Connection` and the worker's `NativeConnection` take. */
export interface TemporalConnectionOptions {
  address: string;
  /** Unset: plaintext. */
  tls?: TemporalTls;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
}

/** The `TEMPORAL_TLS_*` settings: file paths, except the server name. */
export interface TemporalTlsSettings {
  certPath?: string;
  keyPath?: string;
  caPath?: string;
  serverName?: string;
  apiKey?: string;
}

export const temporalConnectionOptions = ({ address, tls, apiKey }: TemporalConnectionOptions): TemporalConnectionOptions => ({ address, tls, apiKey });

/**
 * TLS is on when any TLS setting or an API key is set (Temporal Cloud takes keys over TLS only).
 * The files are checked here, so a wrong path or a mismatched key stops the boot instead of failing every call later.
 */
export function parseTemporalTls(settings: TemporalTlsSettings, problems: string[]): TemporalTls | undefined {
  const { certPath, keyPath, caPath, serverName, apiKey } = settings;
  if (!certPath && !keyPath && !caPath && !serverName && !apiKey) return undefined;
  const tls: TemporalTls = { serverNameOverride: serverName };
  if (caPath) tls.serverRootCACertificate = readPem({ variable: 'TEMPORAL_TLS_CA', path: caPath, kind: 'certificate', parse: certificateOf }, problems)?.pem;
  if (Boolean(certPath) !== Boolean(keyPath)) {
    problems.push('TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together: set both or neither');
  } else if (certPath && keyPath) {
    const cert = readPem({ variable: 'TEMPORAL_TLS_CERT', path: certPath, kind: 'certificate', parse: certificateOf }, problems);
    const key = readPem({ variable: 'TEMPORAL_TLS_KEY', path: keyPath, kind: 'private key', parse: createPrivateKey }, problems);
    if (cert && key && !cert.parsed.checkPrivateKey(key.parsed)) problems.push('TEMPORAL_TLS_KEY is not the private key of the TEMPORAL_TLS_CERT certificate');
    else if (cert && key) tls.clientCertPair = { crt: cert.pem, key: key.pem };
  }
  return tls;
}

interface PemFile<T> {
  variable: string;
  path: string;
  kind: 'certificate' | 'private key';
  parse: (pem: Buffer) => T;
}

/** The first certificate of a PEM file; a CA bundle may hold more. */
function certificateOf(pem: Buffer): X509Certificate {
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error('not PEM');
  return new X509Certificate(pem);
}

function readPem<T>({ variable, path, kind, parse }: PemFile<T>, problems: string[]): { pem: Buffer; parsed: T } | undefined {
  let pem: Buffer;
  try {
    pem = readFileSync(path);
  } catch (error) {
    problems.push(`${variable}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    return undefined;
  }
  try {
    return { pem, parsed: parse(pem) };
  } catch {
    problems.push(`${variable}: ${path} is not a PEM ${kind}`);
    return undefined;
  }
}
