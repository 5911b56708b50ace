import { AddressNotAllowedError, isAllowedHost, isPublicAddress } from './address-policy';

describe(isPublicAddress.name, () => {
  it.each([
    ['127.0.0.1', 'IPv4 loopback'],
    ['127.255.0.9', 'IPv4 loopback range'],
    ['10.0.0.1', 'private 10/8'],
    ['172.16.5.4', 'private 172.16/12'],
    ['192.168.1.1', 'private 192.168/16'],
    ['169.254.169.254', 'cloud metadata (link-local)'],
    ['100.64.0.1', 'CGNAT'],
    ['0.0.0.0', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['224.0.0.1', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.10', 'documentation (reserved)'],
    ['::1', 'IPv6 loopback'],
    ['::', 'IPv6 unspecified'],
    ['fe80::1', 'IPv6 link-local'],
    ['fe80::1%eth0', 'IPv6 link-local with zone'],
    ['fd00:ec2::254', 'AWS IPv6 metadata (unique-local)'],
    ['fc00::1', 'unique-local'],
    ['ff02::1', 'IPv6 multicast'],
    ['2001:db8::1', 'IPv6 documentation'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:169.254.169.254', 'IPv4-mapped metadata'],
    ['::ffff:10.0.0.1', 'IPv4-mapped private'],
    ['::7f00:1', 'IPv4-compatible loopback (::127.0.0.1)'],
    ['::a00:1', 'IPv4-compatible private (::10.0.0.1)'],
    ['::1.2.3.4', 'IPv4-compatible, dotted (::102:304, not ::ffff:1.2.3.4)'],
    ['::808:808', 'IPv4-compatible public (::8.8.8.8)'],
    ['0:0:0:0:0:0:a9fe:a9fe', 'IPv4-compatible metadata, uncompressed'],
    ['64:ff9b::a00:1', 'NAT64 of 10.0.0.1'],
    ['2002:a00:1::', '6to4 of 10.0.0.1'],
    ['not-an-ip', 'not an address'],
    ['', 'empty'],
  ])('refuses %s (%s)', (ip) => {
    expect(isPublicAddress(ip)).toBe(false);
  });

  it.each(['8.8.8.8', '93.184.216.34', '1.1.1.1', '2606:4700:4700::1111', '2001:4860:4860::8888', '::ffff:8.8.8.8'])(
    'accepts public %s',
    (ip) => {
      expect(isPublicAddress(ip)).toBe(true);
    },
  );
});

describe(isAllowedHost.name, () => {
  const allowed = ['api.internal:80', 'secure.internal:443', '127.0.0.1:3000', '[::1]:8080'];

  it.each([
    ['http://api.internal/x', true],
    ['http://API.internal:80/x', true],
    ['https://api.internal/x', false],
    ['https://secure.internal/x', true],
    ['http://secure.internal/x', false],
    ['http://127.0.0.1:3000/', true],
    ['http://127.0.0.1:3001/', false],
    ['http://[::1]:8080/', true],
    ['http://[0::1]:8080/', true],
    ['http://[::1]:8081/', false],
    ['http://api.internal.evil.com/', false],
  ])('%s → %p', (url, expected) => {
    expect(isAllowedHost(new URL(url), allowed)).toBe(expected);
  });
});

describe(AddressNotAllowedError.name, () => {
  it('names the host and the variable that allows it', () => {
    const error = new AddressNotAllowedError('10.0.0.1:80', '10.0.0.1 is not a public address');
    expect(error.message).toMatch(/^10\.0\.0\.1:80 is not allowed: .*HTTP_TOOL_ALLOWED_HOSTS/);
    expect(error.name).toBe('AddressNotAllowedError');
  });
});
