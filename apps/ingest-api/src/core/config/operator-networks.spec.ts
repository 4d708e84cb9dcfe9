import { AddressSet } from './ip-ranges';
import { PRIVATE_NETWORKS, parseOperatorNetworks } from './operator-networks';

describe('parseOperatorNetworks (OPERATOR_NETWORKS)', () => {
  it.each([
    [undefined, PRIVATE_NETWORKS],
    ['', PRIVATE_NETWORKS],
    ['  ', PRIVATE_NETWORKS],
    ['any', 'any'],
    ['ANY', 'any'],
    ['203.0.113.7', ['203.0.113.7']],
    ['203.0.113.0/24, 2001:db8::/32', ['203.0.113.0/24', '2001:db8::/32']],
    ['private,203.0.113.7', [...PRIVATE_NETWORKS, '203.0.113.7']],
    ['10.0.0.0/8,private', ['10.0.0.0/8', ...PRIVATE_NETWORKS.filter((n) => n !== '10.0.0.0/8')]],
  ])('%j → %j', (raw, value) => {
    expect(parseOperatorNetworks(raw)).toEqual({ ok: true, value });
  });

  it.each([
    ['example.com', '"example.com"'],
    ['10.0.0.0/33', '"10.0.0.0/33"'],
    ['private,,10.0.0.1', '""'],
    ['any,10.0.0.1', '"any"'],
    ['10.0.0.0/8/1', '"10.0.0.0/8/1"'],
  ])('refuses %j, naming %s', (raw, named) => {
    const parsed = parseOperatorNetworks(raw);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problem).toContain(`(not: ${named})`);
  });
});

describe('AddressSet', () => {
  const set = new AddressSet([...PRIVATE_NETWORKS, '203.0.113.7']);

  it.each([
    ['127.0.0.1', true],
    ['127.9.9.9', true],
    ['::1', true],
    ['10.1.2.3', true],
    ['::ffff:10.1.2.3', true],
    ['::FFFF:192.168.0.1', true],
    ['172.16.0.1', true],
    ['172.31.255.255', true],
    ['172.32.0.1', false],
    ['192.168.255.1', true],
    ['fd12:3456::1', true],
    ['203.0.113.7', true],
    ['203.0.113.8', false],
    ['::ffff:203.0.113.8', false],
    ['8.8.8.8', false],
    ['2001:db8::1', false],
    ['not an address', false],
    [undefined, false],
  ])('%s → %s', (address, expected) => {
    expect(set.has(address)).toBe(expected);
  });
});
