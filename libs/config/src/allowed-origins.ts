/**
 * Parses `ALLOWED_ORIGINS`: the comma-separated origins (scheme, host, port) whose browser pages may call
 * the API. A wildcard is refused: the API takes credentials, and `*` would hand them to any site.
 */
export function parseAllowedOrigins(list: string): string[] {
  return list
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      if (entry.includes('*')) throw new Error(`ALLOWED_ORIGINS entry "${entry}": wildcards are refused; list each origin, e.g. https://app.example.com`);
      const origin = URL.canParse(entry) ? new URL(entry) : undefined;
      if (!origin || !['http:', 'https:'].includes(origin.protocol) || origin.origin !== entry.replace(/\/$/, '').toLowerCase()) {
        throw new Error(`ALLOWED_ORIGINS entry "${entry}" must be an origin: scheme, host and port only, e.g. https://app.example.com`);
      }
      return origin.origin;
    });
}
