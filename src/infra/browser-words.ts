// A user agent in words a person recognises ("Chrome 120 on Windows 10",
// "Safari on iPhone (iOS 17)"), the one place that reads a User-Agent header
// for people: the session list, the sign-in activity, the emails and the
// support view all say it this way. ua-parser-js does the parsing; the
// wording is ours. A user agent is a claim, not an identity: these words
// describe, they never decide (known browsers go by their device cookie).
import { UAParser } from 'ua-parser-js';
import { memoized } from './memo.ts';

export const UNKNOWN_BROWSER = 'Unknown browser';

/** The names ua-parser-js gives that people say differently. */
const BROWSER_NAMES: Readonly<Record<string, string>> = {
  'Mobile Safari': 'Safari',
  'Chrome Headless': 'Headless Chrome',
  'Chrome WebView': 'Chrome (in an app)',
  'Mobile Firefox': 'Firefox',
  'Samsung Browser': 'Samsung Internet',
};
const OS_NAMES: Readonly<Record<string, string>> = { 'Mac OS': 'macOS' };

const major = (version: string | undefined): string | undefined => version?.split(/[._]/)[0];

function osWords(name: string, version: string | undefined): string {
  const os = OS_NAMES[name] ?? name;
  // macOS user agents have said 10.15.7 since 2020 whatever the release: no version is better than a wrong one.
  if (os === 'macOS' || !version) return os;
  return os === 'Windows' ? `${os} ${version}` : `${os} ${major(version)}`;
}

/** A client that is no browser (curl, an SDK): its first product token, kept short. */
function productToken(userAgent: string): string | undefined {
  const token = /^[A-Za-z][\w.-]*(\/[\w.-]+)?/.exec(userAgent.trim())?.[0];
  return token && token.length <= 40 ? token.replace('/', ' ') : undefined;
}

/** User agents remembered: a few hundred cover the browsers that sign in to one server. */
const REMEMBERED_AGENTS = 512;
/** Longer ones (no browser sends such) are parsed every time, so the memo's memory stays small. */
const REMEMBERED_LENGTH = 512;

export function describeBrowser(userAgent: string | null | undefined): string {
  if (!userAgent) return UNKNOWN_BROWSER;
  // ua-parser-js runs hundreds of regular expressions (~0.1 ms for a desktop Chrome): a new-browser alert,
  // a session list and the sign-in activity ask for the same few agents again and again.
  return userAgent.length <= REMEMBERED_LENGTH ? remembered(userAgent) : words(userAgent);
}

const remembered = memoized(words, REMEMBERED_AGENTS);

function words(userAgent: string): string {
  const { browser, os, device } = new UAParser(userAgent).getResult();
  if (!browser.name) return productToken(userAgent) ?? UNKNOWN_BROWSER;
  const name = BROWSER_NAMES[browser.name] ?? browser.name;
  const handheld = device.type === 'mobile' || device.type === 'tablet';
  if (handheld) {
    // On a phone the browser's version says little (Safari's is iOS's): name the device instead.
    // Chrome's reduced user agent names every Android device "K": that is no model.
    const model =
      device.model && device.model.length > 1 ? device.model : `a ${device.type === 'tablet' ? 'tablet' : 'phone'}`;
    const system = os.name ? ` (${osWords(os.name, os.version)})` : '';
    return `${name} on ${model}${system}`;
  }
  const version = major(browser.version);
  const named = version ? `${name} ${version}` : name;
  return os.name ? `${named} on ${osWords(os.name, os.version)}` : named;
}
