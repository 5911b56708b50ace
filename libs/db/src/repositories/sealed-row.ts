import { createHash } from 'node:crypto';

/** A value encrypted for one row: the caller's cipher binds it to the row id it is given. */
export interface Sealed {
  ciphertext: string;
  keyId: string;
}

export type Seal = (rowId: string) => Sealed;

/**
 * A row id derived from what makes the row unique (user and provider, user and secret name): the cipher binds
 * a value to the id before the row is written, and concurrent writers of one row agree on it.
 */
export function derivedRowId(...parts: string[]): string {
  const hex = createHash('sha256').update(JSON.stringify(parts)).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
