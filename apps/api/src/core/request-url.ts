/**
 * Runs before the routes: a URL with a U+0000 (NUL) anywhere, path or query, is refused (400) at the door,
 * as a JSON body with one is; Postgres text cannot hold it, so looking it up would fail with a 500.
 * `%00` is the only way a NUL reaches a URL (the HTTP parser refuses raw ones).
 */
export function refuseNulInUrl(request: { originalUrl?: string; url?: string }, _response: unknown, next: (error?: unknown) => void): void {
  if (/%00/i.test(request.originalUrl ?? request.url ?? '')) {
    next(Object.assign(new Error('the URL contains a U+0000 (NUL) character, which cannot be stored'), { status: 400, expose: true }));
    return;
  }
  next();
}
