/** `name:tag` with a version tag (`16.11`, `1.29.7`, `20.20.2-bookworm-slim`), or a digest; never `latest` or none. */
export function isPinnedImage(image: string): boolean {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return true;
  const tag = /:([^:/]+)$/.exec(image)?.[1];
  return tag !== undefined && /^v?\d+\.\d+(\.\d+)?([-.+][\w.-]+)?$/.test(tag);
}
