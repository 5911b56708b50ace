/** What `CREDENTIALS_KEYS` and `CREDENTIALS_CURRENT_KEY_ID` configure: the AES-256-GCM keys of stored credentials. */
export interface CredentialKeys {
  currentKeyId: string;
  /** Each exactly 32 bytes (AES-256). */
  keys: Record<string, Buffer>;
}

export const CREDENTIAL_KEY_BYTES = 32;
export const CREDENTIAL_KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const KEY_BYTES = CREDENTIAL_KEY_BYTES;
const KEY_ID = CREDENTIAL_KEY_ID;

/**
 * Reads `CREDENTIALS_KEYS` (`<id>:<base64 key>,…`) and `CREDENTIALS_CURRENT_KEY_ID` (optional with one key).
 * Throws one error listing every problem; messages name entries by position and never echo key material.
 */
export function parseCredentialKeys(keysSetting: string | undefined, currentKeyId: string | undefined): CredentialKeys {
  const problems: string[] = [];
  const keys = new Map<string, Buffer>();
  const ids: string[] = [];
  const setting = keysSetting?.trim() ?? '';
  if (setting === '') problems.push('CREDENTIALS_KEYS is not set; it must list <id>:<base64 32-byte key>, comma-separated');
  else {
    for (const [index, raw] of setting.split(',').entries()) {
      const entry = raw.trim();
      const where = `CREDENTIALS_KEYS entry ${index + 1}`;
      const colon = entry.indexOf(':');
      const id = entry.slice(0, colon);
      if (colon < 0) {
        problems.push(`${where} is not <id>:<base64 key>`);
      } else if (!KEY_ID.test(id)) {
        // An id that fails the pattern may be key material pasted in the wrong place: never echo it.
        problems.push(`${where} has an invalid key id; ids are 1 to 32 letters, digits, "-" or "_"`);
      } else if (ids.includes(id)) {
        problems.push(`${where} repeats key id "${id}"`);
      } else {
        ids.push(id);
        const key = decodeKey(entry.slice(colon + 1));
        if (key) keys.set(id, key);
        else problems.push(`${where} ("${id}") is not a base64 key of exactly ${KEY_BYTES} bytes`);
      }
    }
  }

  const named = currentKeyId?.trim() ?? '';
  let current = named;
  if (named === '') {
    if (ids.length === 1) current = ids[0];
    else if (ids.length > 1) problems.push(`CREDENTIALS_CURRENT_KEY_ID is not set; with several keys it must name one of ${ids.join(', ')}`);
  } else if (!KEY_ID.test(named)) {
    problems.push('CREDENTIALS_CURRENT_KEY_ID is not a valid key id; ids are 1 to 32 letters, digits, "-" or "_"');
  } else if (setting !== '' && !ids.includes(named)) {
    problems.push(`CREDENTIALS_CURRENT_KEY_ID "${named}" is not one of ${ids.length > 0 ? ids.join(', ') : 'the CREDENTIALS_KEYS ids'}`);
  }

  if (problems.length > 0) throw new Error(`Invalid credential keys:\n- ${problems.join('\n- ')}`);
  // fromEntries defines own properties, so an id such as "__proto__" stays a key.
  return { currentKeyId: current, keys: Object.fromEntries(keys) };
}

function decodeKey(text: string): Buffer | undefined {
  const key = Buffer.from(text, 'base64');
  // Buffer.from skips characters that are not base64; re-encoding catches typos and truncation it would hide.
  return key.length === KEY_BYTES && key.toString('base64') === text ? key : undefined;
}

