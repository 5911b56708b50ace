import type { AppConfig } from '@flowmate/config';
import cors from 'cors';
import type { RequestHandler } from 'express';

/** Outside the `/api/v1` prefix: the Temporal Web UI appends `/decode` and `/encode` to the endpoint it is given. */
export const CODEC_PATH = 'codec';

/** The Temporal Web UI (`TEMPORAL_UI_URL`) may call the codec with its namespace header, a token and cookies. */
export function codecCors(config: AppConfig): RequestHandler {
  return cors({
    origin: [new URL(config.temporal.uiUrl).origin],
    methods: ['POST'],
    allowedHeaders: ['Content-Type', 'Authorization', 'X-Namespace'],
    credentials: true,
    maxAge: 600,
  });
}
