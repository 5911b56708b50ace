import type { AppConfig } from '@flowmate/config';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { backOff } from 'exponential-backoff';
import { createTransport, type Transporter } from 'nodemailer';
import { InjectConfig } from '../core/app-config.provider';

/** A mail server that refuses or drops the connection is tried this many times in all, backing off from 1 s. */
const SEND_ATTEMPTS = 3;

interface SignInMail {
  userId: string;
  email: string;
  token: string;
}

/**
 * E-mails sign-in links off the request path: `POST /auth` answers before the mail server is even
 * contacted, so its timing says nothing about the address. A mail that cannot be sent is logged without
 * its link, and the person asks again.
 */
@Injectable()
export class MagicLinkMailer implements OnApplicationShutdown {
  private readonly logger = new Logger(MagicLinkMailer.name);
  private readonly transport?: Transporter;
  private readonly sending = new Set<Promise<void>>();

  constructor(@InjectConfig() private readonly config: AppConfig) {
    const { delivery } = config.api.magicLink;
    if (delivery.kind === 'smtp') this.transport = createTransport(delivery.smtpUrl);
  }

  send(mail: SignInMail): void {
    const { delivery, ttlSeconds } = this.config.api.magicLink;
    const transport = this.transport;
    // The transport exists exactly when delivery is by smtp; both checks narrow the types.
    if (delivery.kind !== 'smtp' || !transport) return;
    const link = `${delivery.publicAppUrl}/sign-in#token=${encodeURIComponent(mail.token)}`;
    const minutes = Math.round(ttlSeconds / 60);
    const message = {
      from: delivery.from,
      to: mail.email,
      subject: 'Your FlowMate sign-in link',
      text: `Open this link to sign in to FlowMate:\n\n${link}\n\nIt works once, for ${minutes} minutes. If you did not ask to sign in, ignore this e-mail.\n`,
    };
    const sent: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => backOff(() => transport.sendMail(message), { numOfAttempts: SEND_ATTEMPTS, startingDelay: 1000 }))
      .then(
        () => undefined,
        (error: Error) => this.logger.error({ err: error, userId: mail.userId }, 'could not send a sign-in link; the person must ask again'),
      )
      .finally(() => this.sending.delete(sent));
    this.sending.add(sent);
  }

  /** Mail already accepted by `POST /auth` is sent before the process exits. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.sending]);
    this.transport?.close();
  }
}
