// A user agent in words: the one wording the sessions, activity, emails and support view use.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeBrowser, UNKNOWN_BROWSER } from '../../src/infra/browser-words.ts';

const CASES: Array<[string | null, string]> = [
  [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
    'Chrome 120 on Windows 10',
  ],
  [
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
    'Safari on iPhone (iOS 17)',
  ],
  [
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15',
    'Safari 17 on macOS',
  ],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0', 'Firefox 121 on Windows 10'],
  [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91',
    'Edge 120 on Windows 10',
  ],
  [
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36',
    'Chrome on Pixel 8 (Android 14)',
  ],
  // Chrome's reduced user agent calls every Android device "K".
  [
    'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36',
    'Chrome on a phone (Android 10)',
  ],
  [
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36',
    'Headless Chrome 131 on Linux',
  ],
  ['curl/8.4.0', 'curl 8.4.0'],
  ['', UNKNOWN_BROWSER],
  [null, UNKNOWN_BROWSER],
  ['(((', UNKNOWN_BROWSER],
];

test('a user agent in the words a person recognises', () => {
  for (const [ua, words] of CASES) assert.equal(describeBrowser(ua), words, String(ua));
});

test('a long or hostile user agent never comes back whole', () => {
  const junk = `x${'a'.repeat(500)}`;
  assert.equal(describeBrowser(junk), UNKNOWN_BROWSER);
  assert.ok(describeBrowser(`Evil/1 <script>${'z'.repeat(300)}`).length <= 40);
});
