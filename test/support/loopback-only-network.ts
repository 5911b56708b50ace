import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import net, { isIP } from 'node:net';

type Lookup = (hostname: string, options: object, callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void) => void;
type ConnectOptions = { host?: string; port?: number; path?: string; lookup?: Lookup };

const isLoopback = (address: string): boolean => {
  const plain = address.replace(/^\[|\]$/g, '').replace(/^::ffff:/i, '');
  return plain === '::1' || (isIP(plain) === 4 && plain.startsWith('127.'));
};

const refusal = (target: string) => Object.assign(new Error(`test network: refused a socket to ${target}, which is not loopback`), { code: 'ETESTNETWORK' });

/** The lookup a socket would use, answering only loopback addresses: a name that resolves elsewhere fails before connecting. */
const loopbackOnly =
  (lookup: Lookup): Lookup =>
  (hostname, options, callback) =>
    lookup(hostname, options, (error, address, family) => {
      if (error) return callback(error, address, family);
      const addresses = Array.isArray(address) ? address.map((entry) => entry.address) : [address];
      const outside = addresses.find((candidate) => !isLoopback(candidate));
      if (outside) return callback(refusal(`${hostname} (${outside})`), '');
      callback(null, address, family);
    });

/**
 * Until the returned function is called, every TCP socket of this process may reach loopback only: a
 * literal address elsewhere throws, and a name is resolved through a lookup that refuses other addresses.
 * A test of the SSRF guard names private and metadata addresses; with this, a broken guard fails the test
 * instead of sending anything off the machine.
 */
export function refuseNonLoopbackSockets(): () => void {
  const original = net.Socket.prototype.connect;
  const patched = function (this: net.Socket, ...given: unknown[]): net.Socket {
    // net.connect() hands over its arguments already normalised, as one array.
    const args = Array.isArray(given[0]) ? (given[0] as unknown[]) : given;
    const options: ConnectOptions =
      typeof args[0] === 'object' && args[0] !== null ? { ...(args[0] as ConnectOptions) } : { port: Number(args[0]), host: typeof args[1] === 'string' ? args[1] : undefined };
    if (options.path === undefined) {
      const host = options.host ?? 'localhost';
      if (isIP(host.replace(/^\[|\]$/g, '')) && !isLoopback(host)) throw refusal(host);
      options.lookup = loopbackOnly(options.lookup ?? (dnsLookup as unknown as Lookup));
    }
    const callback = args.find((arg): arg is () => void => typeof arg === 'function');
    return (original as (options: ConnectOptions, listener?: () => void) => net.Socket).call(this, options, callback);
  };
  net.Socket.prototype.connect = patched as typeof net.Socket.prototype.connect;
  return () => {
    net.Socket.prototype.connect = original;
  };
}
