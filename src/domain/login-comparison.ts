// Compares the claimant of a recovery ticket with the account's earlier
// successful logins, for the support agent's review. Pure and deliberately
// plain: the agent gets three yes/no facts and sentences that explain them.
// These are hints for a human, never a decision: IPs and user agents are
// easy to fake and change innocently.

export interface Sighting {
  readonly ip: string | null;
  readonly userAgent: string | null;
}

export interface LoginComparison {
  readonly summary: string[];
  readonly sameIpRange: boolean;
  readonly sameBrowserFamily: boolean;
  readonly deviceSeenBefore: boolean;
}

export type BrowserFamily = 'Edge' | 'Chrome' | 'Firefox' | 'Safari';

/** The browser family from a user agent; Edge and Chrome-based browsers are told apart first. */
export function browserFamily(userAgent: string | null): BrowserFamily | undefined {
  if (!userAgent) return undefined;
  if (/\bEdg(e|A|iOS)?\//.test(userAgent)) return 'Edge';
  if (/\b(Firefox|FxiOS)\//.test(userAgent)) return 'Firefox';
  if (/\bOPR\//.test(userAgent)) return undefined;
  if (/\b(HeadlessChrome|Chrome|Chromium|CriOS)\//.test(userAgent)) return 'Chrome';
  if (/\bVersion\/[\d.]+.*\bSafari\//.test(userAgent)) return 'Safari';
  return undefined;
}

function ipv4Bytes(ip: string): number[] | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.map(Number);
}

function ipv6Groups(ip: string): number[] | undefined {
  const bare = ip.split('%')[0] ?? '';
  const halves = bare.split('::');
  if (halves.length > 2) return undefined;
  const parse = (s: string): string[] => (s === '' ? [] : s.split(':'));
  const head = parse(halves[0] ?? '');
  const tail = parse(halves[1] ?? '');
  // An embedded IPv4 tail (::ffff:192.0.2.1) counts as two groups.
  const last = tail.length > 0 ? tail : head;
  const v4 = last.length > 0 && (last[last.length - 1] ?? '').includes('.') ? ipv4Bytes(last.pop() ?? '') : undefined;
  const extra = v4
    ? [(v4[0] ?? 0) * 256 + (v4[1] ?? 0), (v4[2] ?? 0) * 256 + (v4[3] ?? 0)].map((n) => n.toString(16))
    : [];
  const fill = 8 - head.length - tail.length - extra.length;
  if (halves.length === 2 && fill < 1) return undefined;
  const groups =
    halves.length === 2 ? [...head, ...Array<string>(fill).fill('0'), ...tail, ...extra] : [...head, ...extra];
  if (groups.length !== 8 || !groups.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  return groups.map((g) => Number.parseInt(g, 16));
}

/** The network an address belongs to: /24 for IPv4 (IPv4-mapped IPv6 included), /48 for IPv6. */
export function ipRange(ip: string | null): string | undefined {
  if (!ip) return undefined;
  const v4 = ipv4Bytes(ip);
  if (v4) return `${v4.slice(0, 3).join('.')}.0/24`;
  const v6 = ipv6Groups(ip);
  if (!v6) return undefined;
  const mapped = v6.slice(0, 5).every((g) => g === 0) && v6[5] === 0xffff;
  if (mapped) return `${(v6[6] ?? 0) >> 8}.${(v6[6] ?? 0) & 255}.${(v6[7] ?? 0) >> 8}.0/24`;
  return `${v6
    .slice(0, 3)
    .map((g) => g.toString(16))
    .join(':')}::/48`;
}

export function compareLogins(claimant: Sighting, history: readonly Sighting[]): LoginComparison {
  if (history.length === 0) {
    return {
      summary: ['The account has no successful logins on record to compare with.'],
      sameIpRange: false,
      sameBrowserFamily: false,
      deviceSeenBefore: false,
    };
  }
  const range = ipRange(claimant.ip);
  const family = browserFamily(claimant.userAgent);
  const inRange = range ? history.filter((h) => ipRange(h.ip) === range).length : 0;
  const sameFamily = family ? history.filter((h) => browserFamily(h.userAgent) === family).length : 0;
  const sameDevice = claimant.userAgent ? history.filter((h) => h.userAgent === claimant.userAgent).length : 0;
  const of = `of ${history.length} recent successful login${history.length === 1 ? '' : 's'}`;
  const summary = [
    range
      ? inRange > 0
        ? `Same IP range (${range}) as ${inRange} ${of}.`
        : `The claimant's IP range (${range}) was not seen in any ${of}.`
      : "The claimant's IP address is unknown.",
    family
      ? sameFamily > 0
        ? `Same browser family (${family}) as ${sameFamily} ${of}.`
        : `The claimant's browser (${family}) was not used in any ${of}.`
      : "The claimant's browser family is not recognised.",
    sameDevice > 0
      ? `This exact device (user agent) signed in before: ${sameDevice} ${of}.`
      : 'This device (user agent) has not signed in before.',
  ];
  return { summary, sameIpRange: inRange > 0, sameBrowserFamily: sameFamily > 0, deviceSeenBefore: sameDevice > 0 };
}
