import ipaddr from 'ipaddr.js';

export class AddressNotAllowedError extends Error {
  override readonly name = 'AddressNotAllowedError';

  constructor(
    readonly host: string,
    readonly reason: string,
  ) {
    super(`${host} is not allowed: ${reason}; add it to HTTP_TOOL_ALLOWED_HOSTS (host:port) to allow it`);
  }
}

/** `::/96`: the deprecated IPv4-compatible IPv6 addresses (`::a.b.c.d`), plus `::` and `::1`. */
const IPV4_COMPATIBLE: [ipaddr.IPv6, number] = [ipaddr.IPv6.parse('::'), 96];

/**
 * Only globally routable unicast passes: private, loopback, link-local (cloud metadata), unique-local,
 * CGNAT, multicast, reserved, and the IPv6 ranges that embed an IPv4 address (IPv4-compatible `::/96`,
 * 6to4, Teredo, NAT64) all fail.
 */
export function isPublicAddress(ip: string): boolean {
  const canonical = canonicalIp(ip);
  if (canonical === undefined || !ipaddr.isValid(canonical)) return false;
  // process() unwraps IPv4-mapped IPv6 (::ffff:127.0.0.1) so it is judged as the IPv4 address it is.
  const address = ipaddr.process(canonical);
  // ipaddr.js calls IPv4-compatible addresses (::7f00:1) plain unicast.
  if (address.kind() === 'ipv6' && address.match(IPV4_COMPATIBLE)) return false;
  return address.range() === 'unicast';
}

/**
 * IPv6 is rewritten the way Node and URL read it: ipaddr.js takes `::1.2.3.4` for the IPv4-mapped
 * `::ffff:1.2.3.4`, while a socket connects to the IPv4-compatible `::102:304`. The zone (`%eth0`) is
 * dropped; it does not change the range. IPv4 text is left to ipaddr.js.
 */
function canonicalIp(ip: string): string | undefined {
  if (!ip.includes(':')) return ip;
  try {
    return new URL(`http://[${ip.replace(/%.*$/s, '')}]`).hostname.slice(1, -1);
  } catch {
    return undefined;
  }
}

export function hostPortOf(url: URL): string {
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return `${url.hostname}:${port}`;
}

export function isAllowedHost(url: URL, allowedHosts: readonly string[]): boolean {
  return allowedHosts.includes(hostPortOf(url));
}
