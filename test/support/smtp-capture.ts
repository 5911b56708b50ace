import { simpleParser } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { pollUntil } from './poll';

export interface CapturedMail {
  /** The SMTP envelope's sender and recipients. */
  from: string;
  to: string[];
  subject: string;
  text: string;
}

export interface SmtpCapture {
  /** `smtp://user:password@127.0.0.1:<port>`, for `SMTP_URL`. */
  url: string;
  mails: CapturedMail[];
  /** The next mail to `to`, waiting for it to arrive. */
  mailTo(to: string, timeoutMs?: number): Promise<CapturedMail>;
  stop(): Promise<void>;
}

const USER = 'flowmate';
const PASSWORD = 'smtp-test-password';

/**
 * A loopback SMTP server that asks for a login, as real ones do, and keeps every message it accepts;
 * `greetingDelayMs` makes it slow to answer a new connection.
 */
export async function startSmtpCapture({ greetingDelayMs = 0 } = {}): Promise<SmtpCapture> {
  const mails: CapturedMail[] = [];
  const server = new SMTPServer({
    onConnect: (_session, callback) => void setTimeout(callback, greetingDelayMs),
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: false,
    allowInsecureAuth: true,
    onAuth: (auth, _session, callback) =>
      auth.username === USER && auth.password === PASSWORD ? callback(null, { user: USER }) : callback(new Error('Invalid username or password')),
    onData: (stream, session, callback) => {
      simpleParser(stream)
        .then((parsed) => {
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((recipient) => recipient.address),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
          });
          callback();
        })
        .catch((error: Error) => callback(error));
    },
    logger: false,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  const taken = new Set<CapturedMail>();
  return {
    url: `smtp://${USER}:${PASSWORD}@127.0.0.1:${port}`,
    mails,
    async mailTo(to, timeoutMs = 10_000) {
      const mail = await pollUntil(async () => mails.find((candidate) => !taken.has(candidate) && candidate.to.includes(to)), Boolean, timeoutMs);
      if (!mail) throw new Error(`no mail to ${to} arrived within ${timeoutMs} ms`);
      taken.add(mail);
      return mail;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
