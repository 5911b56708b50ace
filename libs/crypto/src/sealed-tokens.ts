import type { CredentialCipher, CredentialContext } from './credential-cipher';

/** What a connection's ciphertext holds. */
export interface TokenBundle {
  accessToken: string;
  refreshToken?: string;
}

export interface SealedValue {
  ciphertext: string;
  keyId: string;
}

/** Encrypts a value for one row, with the id of the key it is under (stored beside it, for rotation). */
export function seal(cipher: CredentialCipher, plaintext: string, context: CredentialContext): SealedValue {
  const ciphertext = cipher.encrypt(plaintext, context);
  return { ciphertext, keyId: cipher.keyIdOf(ciphertext) };
}

export const sealTokens = (cipher: CredentialCipher, tokens: TokenBundle, context: CredentialContext): SealedValue => seal(cipher, JSON.stringify(tokens), context);

export const openTokens = (cipher: CredentialCipher, ciphertext: string, context: CredentialContext): TokenBundle => JSON.parse(cipher.decrypt(ciphertext, context)) as TokenBundle;
