/** Does nothing: the benchmark measures what surrounds a tool call, not the call. */
export async function noop(): Promise<void> {}
