import type { AppConfig } from '@flowmate/config';
import { Writable } from 'node:stream';
import { QueryFailedError } from 'typeorm';
import { createRequestLogger } from './request-logger';

describe(createRequestLogger.name, () => {
  it('keeps what a failed query was given, and what Postgres quoted of it, out of the log', () => {
    const lines: string[] = [];
    const destination = new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) });
    const logger = createRequestLogger({ logLevel: 'info' } as AppConfig, destination).logger;
    const driverError = Object.assign(new Error('duplicate key value violates unique constraint'), { detail: 'Key (token_hash)=(secret-value) already exists.' });

    logger.error({ err: new QueryFailedError('INSERT INTO refresh_tokens (token_hash) VALUES ($1)', ['secret-value'], driverError) }, 'request failed');

    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('secret-value');
    expect(JSON.parse(lines[0]).err).toMatchObject({ type: 'QueryFailedError', query: 'INSERT INTO refresh_tokens (token_hash) VALUES ($1)', parameters: '[Redacted]' });
  });
});
