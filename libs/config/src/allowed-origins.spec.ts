import { parseAllowedOrigins } from './allowed-origins';

describe(parseAllowedOrigins.name, () => {
  it('takes origins, normalised as browsers send them', () => {
    expect(parseAllowedOrigins('')).toEqual([]);
    expect(parseAllowedOrigins(' https://app.example.com , http://localhost:5173/ ')).toEqual(['https://app.example.com', 'http://localhost:5173']);
  });

  it('refuses wildcards, paths and other schemes, naming the entry', () => {
    expect(() => parseAllowedOrigins('*')).toThrow('wildcards are refused');
    expect(() => parseAllowedOrigins('https://*.example.com')).toThrow('wildcards are refused');
    expect(() => parseAllowedOrigins('https://app.example.com/login')).toThrow('"https://app.example.com/login" must be an origin');
    expect(() => parseAllowedOrigins('ftp://files.example.com')).toThrow('must be an origin');
    expect(() => parseAllowedOrigins('app.example.com')).toThrow('must be an origin');
  });
});
