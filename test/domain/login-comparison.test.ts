import assert from 'node:assert/strict';
import { test } from 'node:test';
import { browserFamily, compareLogins, ipRange } from '../../src/domain/login-comparison.ts';

const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
const CHROME_MAC =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36';
const EDGE =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.56';
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0';
const SAFARI =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

test('browser families', () => {
  const rows: Array<[string | null, string | undefined]> = [
    [CHROME, 'Chrome'],
    [EDGE, 'Edge'],
    [
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36',
      'Chrome',
    ],
    [FIREFOX, 'Firefox'],
    [SAFARI, 'Safari'],
    ['curl/8.5.0', undefined],
    [null, undefined],
  ];
  for (const [ua, family] of rows) assert.equal(browserFamily(ua), family, String(ua));
});

test('IP ranges: /24 for IPv4, /48 for IPv6', () => {
  const rows: Array<[string | null, string | undefined]> = [
    ['203.0.113.7', '203.0.113.0/24'],
    ['::ffff:203.0.113.200', '203.0.113.0/24'],
    ['2001:db8:abcd:12::1', '2001:db8:abcd::/48'],
    ['2001:0db8:abcd:0099:0000:0000:0000:0001', '2001:db8:abcd::/48'],
    ['::1', '0:0:0::/48'],
    ['fe80::1%eth0', 'fe80:0:0::/48'],
    ['300.1.1.1', undefined],
    ['1:2:3:4:5:6:7:8:9', undefined],
    ['not an ip', undefined],
    [null, undefined],
  ];
  for (const [ip, range] of rows) assert.equal(ipRange(ip), range, String(ip));
});

test('compareLogins: same range, family and device', () => {
  const history = [
    { ip: '203.0.113.7', userAgent: CHROME },
    { ip: '198.51.100.1', userAgent: FIREFOX },
  ];
  const same = compareLogins({ ip: '203.0.113.99', userAgent: CHROME }, history);
  assert.deepEqual([same.sameIpRange, same.sameBrowserFamily, same.deviceSeenBefore], [true, true, true]);
  assert.equal(same.summary.length, 3);
  assert.match(same.summary[0] ?? '', /Same IP range \(203\.0\.113\.0\/24\)/);

  const newMac = compareLogins({ ip: '192.0.2.1', userAgent: CHROME_MAC }, history);
  assert.deepEqual([newMac.sameIpRange, newMac.sameBrowserFamily, newMac.deviceSeenBefore], [false, true, false]);
  assert.match(newMac.summary[2] ?? '', /has not signed in before/);

  const stranger = compareLogins({ ip: '2001:db8::1', userAgent: SAFARI }, history);
  assert.deepEqual(
    [stranger.sameIpRange, stranger.sameBrowserFamily, stranger.deviceSeenBefore],
    [false, false, false],
  );
});

test('compareLogins with no history says so', () => {
  const none = compareLogins({ ip: '203.0.113.7', userAgent: CHROME }, []);
  assert.deepEqual([none.sameIpRange, none.sameBrowserFamily, none.deviceSeenBefore], [false, false, false]);
  assert.match(none.summary[0] ?? '', /no successful logins/);
});
