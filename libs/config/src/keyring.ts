/** Keys named by id, one of them current: what a `*_KEYS` + `*_CURRENT_KEY_ID` pair of settings configures. */
export interface Keyring<K> {
  currentKeyId: string;
  keys: Record<string, K>;
}

export const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

export interface KeyringSettings<K> {
  /** The settings' names, for the messages: e.g. `CREDENTIALS_KEYS` and `CREDENTIALS_CURRENT_KEY_ID`. */
  keysName: string;
  currentName: string;
  /** What one key's text is, as the messages say it: e.g. `base64 key`. */
  keyShape: string;
  /** The rule a key breaks when `decode` refuses it: e.g. `a base64 key of exactly 32 bytes`. */
  keyRule: string;
  /** The key from its text, or undefined when the text breaks the rule. */
  decode: (text: string) => K | undefined;
}

/**
 * Reads `<id>:<key>,…` and the current key's id (optional with one key).
 * Throws one error listing every problem; messages name entries by position and never echo key material.
 */
export function parseKeyring<K>(settings: KeyringSettings<K>, keysSetting: string | undefined, currentKeyId: string | undefined): Keyring<K> {
  const { keysName, currentName, keyShape, keyRule, decode } = settings;
  const problems: string[] = [];
  const keys = new Map<string, K>();
  const ids: string[] = [];
  const setting = keysSetting?.trim() ?? '';
  if (setting === '') problems.push(`${keysName} is not set; it must list <id>:<${keyShape}>, comma-separated`);
  else {
    for (const [index, raw] of setting.split(',').entries()) {
      const entry = raw.trim();
      const where = `${keysName} entry ${index + 1}`;
      const colon = entry.indexOf(':');
      const id = entry.slice(0, colon);
      if (colon < 0) {
        problems.push(`${where} is not <id>:<${keyShape}>`);
      } else if (!KEY_ID.test(id)) {
        // An id that fails the pattern may be key material pasted in the wrong place: never echo it.
        problems.push(`${where} has an invalid key id; ids are 1 to 32 letters, digits, "-" or "_"`);
      } else if (ids.includes(id)) {
        problems.push(`${where} repeats key id "${id}"`);
      } else {
        ids.push(id);
        const key = decode(entry.slice(colon + 1));
        if (key === undefined) problems.push(`${where} ("${id}") is not ${keyRule}`);
        else keys.set(id, key);
      }
    }
  }

  const named = currentKeyId?.trim() ?? '';
  let current = named;
  if (named === '') {
    if (ids.length === 1) current = ids[0];
    else if (ids.length > 1) problems.push(`${currentName} is not set; with several keys it must name one of ${ids.join(', ')}`);
  } else if (!KEY_ID.test(named)) {
    problems.push(`${currentName} is not a valid key id; ids are 1 to 32 letters, digits, "-" or "_"`);
  } else if (setting !== '' && !ids.includes(named)) {
    problems.push(`${currentName} "${named}" is not one of ${ids.length > 0 ? ids.join(', ') : `the ${keysName} ids`}`);
  }

  if (problems.length > 0) throw new Error(`Invalid ${keysName}:\n- ${problems.join('\n- ')}`);
  // fromEntries defines own properties, so an id such as "__proto__" stays a key.
  return { currentKeyId: current, keys: Object.fromEntries(keys) };
}

/** A base64 key of exactly `bytes` bytes (an AES key), or undefined. */
export function base64Key(bytes: number): (text: string) => Buffer | undefined {
  return (text) => {
    const key = Buffer.from(text, 'base64');
    // Buffer.from skips characters that are not base64; re-encoding catches typos and truncation it would hide.
    return key.length === bytes && key.toString('base64') === text ? key : undefined;
  };
}

/** AES-256 keys: exactly 32 bytes each. */
export const AES_KEY_BYTES = 32;

/** Reads `<prefix>_KEYS` (`<id>:<base64 32-byte key>,…`) and `<prefix>_CURRENT_KEY_ID` (optional with one key). */
export function parseAesKeys(prefix: string, keysSetting: string | undefined, currentKeyId: string | undefined): Keyring<Buffer> {
  return parseKeyring(
    {
      keysName: `${prefix}_KEYS`,
      currentName: `${prefix}_CURRENT_KEY_ID`,
      keyShape: 'base64 key',
      keyRule: `a base64 key of exactly ${AES_KEY_BYTES} bytes`,
      decode: base64Key(AES_KEY_BYTES),
    },
    keysSetting,
    currentKeyId,
  );
}
