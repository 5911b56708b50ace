import { REDACTED, redactSecrets } from './redact-secrets';

describe(redactSecrets.name, () => {
  it('replaces credentials wherever they sit, keeps everything else', () => {
    const input = {
      method: 'POST',
      url: 'https://api.example.com/orders',
      headers: { Authorization: 'Bearer sk-live-123', 'X-Api-Key': 'k', Accept: 'application/json', Cookie: 'sid=1' },
      body: { items: [{ sku: 'a', accessToken: 't' }], client_secret: 's', note: 'token-free text' },
    };

    expect(redactSecrets(input)).toEqual({
      method: 'POST',
      url: 'https://api.example.com/orders',
      headers: { Authorization: REDACTED, 'X-Api-Key': REDACTED, Accept: 'application/json', Cookie: REDACTED },
      body: { items: [{ sku: 'a', accessToken: REDACTED }], client_secret: REDACTED, note: 'token-free text' },
    });
  });

  it.each([null, 3, 'Bearer looks-secret-but-has-no-key', [1, 'a']])('leaves %p as it is', (value) => {
    expect(redactSecrets(value)).toEqual(value);
  });
});
