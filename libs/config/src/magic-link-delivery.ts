/** How a sign-in link reaches the person who asked for it. */
export type MagicLinkDelivery =
  /** By e-mail: production's way. The link is `PUBLIC_APP_URL` + `/sign-in#token=…`. */
  | { kind: 'smtp'; smtpUrl: string; from: string; publicAppUrl: string }
  /** Handed back in the response body: local development only, never production. */
  | { kind: 'response' }
  /** Not delivered at all (development and tests without mail): the link is stored and expires unused. */
  | { kind: 'none' };

export interface MagicLinkSettings {
  nodeEnv: string;
  delivery?: string;
  smtpUrl?: string;
  from?: string;
  publicAppUrl?: string;
}

/** Reads `AUTH_MAGIC_LINK_DELIVERY` and what e-mail delivery needs; throws one error listing every problem. */
export function parseMagicLinkDelivery({ nodeEnv, delivery, smtpUrl, from, publicAppUrl }: MagicLinkSettings): MagicLinkDelivery {
  const production = nodeEnv === 'production';
  if (delivery === 'response') {
    if (production) throw new Error('AUTH_MAGIC_LINK_DELIVERY=response hands sign-in tokens to anyone who asks; it is refused when NODE_ENV=production');
    return { kind: 'response' };
  }
  if (delivery === 'smtp') {
    const missing = Object.entries({ SMTP_URL: smtpUrl, MAIL_FROM: from, PUBLIC_APP_URL: publicAppUrl })
      .filter(([, value]) => value === undefined)
      .map(([name]) => name);
    if (missing.length > 0) throw new Error(`AUTH_MAGIC_LINK_DELIVERY=smtp needs ${missing.join(', ')}`);
    return { kind: 'smtp', smtpUrl: smtpUrl as string, from: from as string, publicAppUrl: (publicAppUrl as string).replace(/\/+$/, '') };
  }
  if (production) throw new Error('NODE_ENV=production signs people in by e-mail: set AUTH_MAGIC_LINK_DELIVERY=smtp with SMTP_URL, MAIL_FROM and PUBLIC_APP_URL');
  return { kind: 'none' };
}
