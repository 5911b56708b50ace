import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { promisify } from 'node:util';

/** Paths of PEM files. */
export interface TestCertificates {
  caCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

export const TEST_CLIENT_NAME = 'flowmate-test-client';

const openssl = (args: string[]): Promise<unknown> => promisify(execFile)('openssl', args);

/** A throwaway CA, and the certificates it signs for a server on 127.0.0.1/localhost and for a client, in `dir`. */
export async function issueTestCertificates(dir: string): Promise<TestCertificates> {
  const file = (name: string): string => join(dir, name);
  const caKey = file('ca.key');
  const certificates: TestCertificates = {
    caCert: file('ca.crt'),
    serverCert: file('server.crt'),
    serverKey: file('server.key'),
    clientCert: file('client.crt'),
    clientKey: file('client.key'),
  };
  const newCertificate = (cert: string, key: string, subject: string, extensions: string[], signer: string[] = []): Promise<unknown> =>
    openssl([
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-noenc', '-days', '1'],
      ...['-keyout', key, '-out', cert, '-subj', `/CN=${subject}`, ...signer],
      ...extensions.flatMap((extension) => ['-addext', extension]),
    ]);
  await newCertificate(certificates.caCert, caKey, 'FlowMate test CA', ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign']);
  const signedByCa = ['-CA', certificates.caCert, '-CAkey', caKey];
  await Promise.all([
    newCertificate(
      certificates.serverCert,
      certificates.serverKey,
      'localhost',
      ['basicConstraints=critical,CA:FALSE', 'subjectAltName=DNS:localhost,IP:127.0.0.1', 'extendedKeyUsage=serverAuth'],
      signedByCa,
    ),
    newCertificate(certificates.clientCert, certificates.clientKey, TEST_CLIENT_NAME, ['basicConstraints=critical,CA:FALSE', 'extendedKeyUsage=clientAuth'], signedByCa),
  ]);
  return certificates;
}

/** One gRPC call the proxy forwarded. */
export interface ForwardedCall {
  /** `/<service>/<method>`. */
  path: string;
  /** The common name of the certificate the caller's TLS session presented. */
  clientName: string | undefined;
  authorization: string | undefined;
  userAgent: string | undefined;
}

export interface TlsProxy {
  /** `127.0.0.1:<port>`. */
  address: string;
  calls: ForwardedCall[];
  /** The OpenSSL error code of each handshake the proxy refused, e.g. `ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE`. */
  refusedHandshakes: string[];
  close(): Promise<void>;
}

/** A TLS front for a plaintext Temporal: it asks callers for a client certificate and forwards each gRPC call over h2c. */
export async function startTlsProxy({ upstream, certificates }: { upstream: string; certificates: TestCertificates }): Promise<TlsProxy> {
  const [key, cert, ca] = await Promise.all([certificates.serverKey, certificates.serverCert, certificates.caCert].map((path) => readFile(path)));
  const server = http2.createSecureServer({ key, cert, ca, requestCert: true, rejectUnauthorized: true, ALPNProtocols: ['h2'] });
  const upstreamSession = http2.connect(`http://${upstream}`);
  upstreamSession.on('error', () => undefined);
  const calls: ForwardedCall[] = [];
  const refusedHandshakes: string[] = [];
  const sessions = new Set<http2.ServerHttp2Session>();

  server.on('tlsClientError', (error: NodeJS.ErrnoException) => refusedHandshakes.push(error.code ?? error.message));
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  server.on('stream', (stream, headers) => {
    const peer = (stream.session?.socket as TLSSocket | undefined)?.getPeerCertificate();
    calls.push({
      path: String(headers[':path']),
      clientName: peer?.subject?.CN?.toString(),
      authorization: headers.authorization,
      userAgent: headers['user-agent'],
    });
    forward(stream, headers, upstreamSession);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    refusedHandshakes,
    close: async () => {
      for (const session of sessions) session.destroy();
      upstreamSession.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Request headers and body upstream; response headers, body and trailers back; a reset either way cancels the other side. */
function forward(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, upstream: http2.ClientHttp2Session): void {
  const { NGHTTP2_CANCEL, NGHTTP2_NO_ERROR, NGHTTP2_FLAG_END_STREAM } = http2.constants;
  // The h2c session sets its own scheme and authority.
  const { ':scheme': _scheme, ':authority': _authority, ...forwarded } = headers;
  const call = upstream.request(forwarded);
  let trailers: http2.OutgoingHttpHeaders = {};

  stream.pipe(call);
  call.on('response', (responseHeaders, flags) => {
    // A trailers-only response (a gRPC error) ends with its headers.
    if (flags & NGHTTP2_FLAG_END_STREAM) return stream.respond(responseHeaders, { endStream: true });
    stream.respond(responseHeaders, { waitForTrailers: true });
    call.pipe(stream);
  });
  call.on('trailers', (received) => (trailers = received));
  stream.on('wantTrailers', () => stream.sendTrailers(trailers));
  call.on('close', () => {
    if (call.rstCode !== NGHTTP2_NO_ERROR && !stream.closed) stream.close(call.rstCode);
  });
  stream.on('close', () => {
    if (!call.closed) call.close(NGHTTP2_CANCEL);
  });
  call.on('error', () => undefined);
  stream.on('error', () => undefined);
}
