import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits, URL-safe: magic links, refresh tokens and API keys. */
export const newOpaqueToken = (): string => randomBytes(32).toString('base64url');

/** How such tokens are stored and looked up: they are random enough that a plain SHA-256 cannot be reversed. */
export const hashOpaqueToken = (token: string): string => createHash('sha256').update(token).digest('hex');
