import Fastify from 'fastify';
import jwt, { type JwtHeader } from 'jsonwebtoken';
import { createSecretKey, type KeyObject } from 'node:crypto';
import { Pool } from 'pg';
import { requiredEnv, runProcess } from '../bare-process';

/**
 * The bare HTTP baseline: Fastify and `pg` answering `GET /agents/:id` from FlowMate's own `agents`
 * table, behind the access-token check FlowMate makes (HS256, the header's kid picks the key, issuer and
 * audience checked). Env: DATABASE_URL, PORT, JWT_SECRET (key id `primary`, as FlowMate reads it),
 * JWT_ISSUER, JWT_AUDIENCE.
 */
const AGENT_BY_OWNER = `SELECT id, name, definition, version, created_at, updated_at, deleted_at
  FROM agents WHERE id = $1 AND user_id = $2`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const keys: Record<string, KeyObject> = { primary: createSecretKey(Buffer.from(requiredEnv('JWT_SECRET'))) };
const verifyOptions = { algorithms: ['HS256' as const], issuer: process.env.JWT_ISSUER ?? 'flowmate', audience: process.env.JWT_AUDIENCE ?? 'flowmate-api' };

function subjectOf(authorization: string | undefined): Promise<string | undefined> {
  const token = /^Bearer (\S+)$/i.exec(authorization ?? '')?.[1];
  if (!token) return Promise.resolve(undefined);
  return new Promise((resolve) =>
    jwt.verify(token, (header: JwtHeader, done) => done(null, header.kid ? keys[header.kid] : undefined), verifyOptions, (error, claims) =>
      resolve(!error && typeof claims === 'object' ? claims.sub : undefined),
    ),
  );
}

async function main(): Promise<void> {
  const pool = new Pool({ connectionString: requiredEnv('DATABASE_URL') });
  const app = Fastify();
  app.get<{ Params: { id: string } }>('/agents/:id', async (request, reply) => {
    const userId = await subjectOf(request.headers.authorization);
    if (!userId) return reply.code(401).send({ message: 'Unauthorized' });
    if (!UUID.test(request.params.id)) return reply.code(400).send({ message: 'id must be a UUID' });
    const { rows } = await pool.query(AGENT_BY_OWNER, [request.params.id, userId]);
    return rows[0] ?? reply.code(404).send({ message: 'Not found' });
  });
  process.once('SIGTERM', () => void app.close().then(() => pool.end()));
  const address = await app.listen({ host: '127.0.0.1', port: Number(requiredEnv('PORT')) });
  process.stdout.write(`listening ${address}\n`);
}

runProcess(main);
