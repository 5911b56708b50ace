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
