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

/**
 * Only globally routable unicast passes: private, loopback, link-local (cloud metadata), unique-local,
 * CGNAT, multicast, reserved, and the IPv6 ranges that embed an IPv4 address (6to4, Teredo, NAT64) all fail.
 */
export function isPublicAddress(ip: string): boolean {
  if (!ipaddr.isValid(ip)) return false;
  // process() unwraps IPv4-mapped IPv6 (::ffff:127.0.0.1) so it is judged as the IPv4 address it is.
  return ipaddr.process(ip).range() === 'unicast';
}

/** Parses `HTTP_TOOL_ALLOWED_HOSTS`: comma-separated `host:port`, IPv6 hosts in brackets (`[::1]:8080`). */
export function parseAllowedHosts(list: string): string[] {
  return list
    .split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const match = /^(\[[^\]]+\]|[^:[\]]+):(\d{1,5})$/.exec(entry);
      const port = Number(match?.[2]);
      if (!match || port < 1 || port > 65535) {
        throw new Error(
          `HTTP_TOOL_ALLOWED_HOSTS entry "${entry}" must be host:port, e.g. api.internal:8080 or [::1]:8080`,
        );
      }
      // Normalised the way URL normalises hostnames, so `[0:0::1]` matches a request to `[::1]`.
      return `${new URL(`http://${match[1]}`).hostname}:${port}`;
    });
}

export function hostPortOf(url: URL): string {
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return `${url.hostname}:${port}`;
}

export function isAllowedHost(url: URL, allowedHosts: readonly string[]): boolean {
  return allowedHosts.includes(hostPortOf(url));
}
