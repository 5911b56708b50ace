import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture';
import { startStack, type Stack } from '../support/stack';

const PUBLIC_APP_URL = 'https://app.flowmate.test';
const LINK = new RegExp(`${PUBLIC_APP_URL.replace(/\./g, '\\.')}/sign-in#token=([A-Za-z0-9_-]+)`);

describe('magic links by e-mail (e2e)', () => {
  let smtp: SmtpCapture;
  let stack: Stack;

  beforeAll(async () => {
    smtp = await startSmtpCapture({ greetingDelayMs: 1_500 });
    stack = await startStack({
      env: { AUTH_MAGIC_LINK_DELIVERY: 'smtp', SMTP_URL: smtp.url, MAIL_FROM: 'FlowMate <no-reply@flowmate.test>', PUBLIC_APP_URL },
    });
  });
  afterAll(async () => {
    await stack.stop();
    await smtp.stop();
  });

  const requestLink = (email: string, host?: string) => {
    const call = stack.http.post('/api/v1/auth').send({ email });
    return (host ? call.set('Host', host) : call).expect(202);
  };

  it('mails a link on the configured public URL that signs in once, and never hands the token to the caller', async () => {
    const requested = await requestLink('Grace@Example.com', 'evil.example');
    expect(requested.body).toEqual({ message: expect.any(String) });

    const mail = await smtp.mailTo('grace@example.com');
    expect(mail).toMatchObject({ from: 'no-reply@flowmate.test', subject: 'Your FlowMate sign-in link' });
    expect(mail.text).not.toContain('evil.example');
    const token = LINK.exec(mail.text)?.[1];
    expect(token).toBeDefined();

    const session = await stack.http.post('/api/v1/auth/verify').send({ token }).expect(200);
    expect(session.body.user.email).toBe('grace@example.com');
    await stack.http.post('/api/v1/auth/verify').send({ token }).expect(401);
  });

  it('answers before the mail server does, the same way for a known and an unknown address', async () => {
    await stack.http.post('/api/v1/auth').send({ email: 'known@example.com' }).expect(202);
    await smtp.mailTo('known@example.com');
    const before = smtp.mails.length;

    const known = await requestLink('known@example.com');
    const unknown = await requestLink('never-seen@example.com');
    // The server greets new connections after 1.5 s: both answers came before either mail was accepted.
    expect(smtp.mails.length).toBe(before);
    expect(unknown.body).toEqual(known.body);

    await Promise.all([smtp.mailTo('known@example.com'), smtp.mailTo('never-seen@example.com')]);
  });
});
