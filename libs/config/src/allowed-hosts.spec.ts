import { parseAllowedHosts } from './allowed-hosts';

describe(parseAllowedHosts.name, () => {
  it('trims, lowercases and drops empty entries', () => {
    expect(parseAllowedHosts(' API.Internal:8080 , ,127.0.0.1:3000,')).toEqual(['api.internal:8080', '127.0.0.1:3000']);
  });

  it('normalises IPv6 hosts the way URL does', () => {
    expect(parseAllowedHosts('[0:0::1]:8080,[FD00:EC2::254]:80')).toEqual(['[::1]:8080', '[fd00:ec2::254]:80']);
  });

  it('returns nothing for an empty list', () => {
    expect(parseAllowedHosts('')).toEqual([]);
  });

  it.each(['api.internal', 'api.internal:', 'api.internal:0', 'api.internal:70000', '::1:8080', 'http://api:80'])(
    'rejects %p, naming the variable',
    (entry) => {
      expect(() => parseAllowedHosts(entry)).toThrow(/HTTP_TOOL_ALLOWED_HOSTS entry/);
    },
  );
});
