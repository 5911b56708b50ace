/** Compared without case, `-`, `_` or spaces: `Authorization`, `Proxy-Authorization`, `Cookie`, and anything naming a token, secret, password or API key. */
const CREDENTIAL_NAME = /^(authorization|proxyauthorization|cookie)$|token|secret|password|apikey/;

/** Whether a header or field of this name usually carries a credential (`X-Api-Key`, `access_token`, `clientSecret`). */
export const isCredentialName = (name: string): boolean => CREDENTIAL_NAME.test(name.toLowerCase().replace(/[-_\s]/g, ''));
