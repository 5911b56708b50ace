import { literalCredentialProblems } from './literal-credentials';

describe(literalCredentialProblems.name, () => {
  it.each([
    ['an Authorization header', { headers: { Authorization: 'Bearer ghp_abc123' } }, 'args.headers.Authorization'],
    ['an X-Api-Key header', { headers: { 'X-Api-Key': 'k-123' } }, 'args.headers.X-Api-Key'],
    ['an access_token field', { body: { access_token: 'ya29.x' } }, 'args.body.access_token'],
    ['a client secret', { clientSecret: 's3cr3t' }, 'args.clientSecret'],
    ['a password in a list', { users: [{ name: 'ada', password: 'hunter2' }] }, 'args.users[0].password'],
    ['an apiKey', { apiKey: 'sk-live-1' }, 'args.apiKey'],
  ])('refuses %s written out, at its path, saying what to do instead', (_, args, path) => {
    expect(literalCredentialProblems(args, 'args')).toEqual([{ path, message: expect.stringMatching(/literal credential[\s\S]*\{\{secrets\.<name>\}\}/) }]);
  });

  it.each([
    ['a secret template', { headers: { Authorization: '{{secrets.github}}' } }],
    ['a template inside the value', { headers: { Authorization: 'Bearer {{secrets.github}}' } }],
    ['a token from the run input', { token: '{{input.token}}' }],
    ['a number under a token-like name', { maxTokens: 500 }],
    ['an empty value', { headers: { Authorization: '' } }],
    ['ordinary fields', { url: 'https://example.com', body: { title: 'password reset guide' } }],
  ])('accepts %s', (_, args) => {
    expect(literalCredentialProblems(args, 'args')).toEqual([]);
  });
});
