// What a backup-code export shows, shared by the text, PDF and ZIP renderers so
// the three formats can never disagree about the codes or the advice.
import { BACKUP_CODE_DIGITS, BACKUP_CODES_PER_SET } from '../domain/policy.ts';

export interface BackupCodeSheet {
  productName: string;
  accountEmail: string;
  setId: string;
  issuedAt: Date;
  codes: readonly string[];
}

const CODE_PATTERN = new RegExp(`^[0-9]{${BACKUP_CODE_DIGITS}}$`);

// A printout is the user's last way in, so a malformed sheet (a code that lost
// its leading zeros, a short set) must fail loudly here rather than be printed.
export function assertBackupCodeSheet(sheet: BackupCodeSheet): void {
  if (sheet.codes.length !== BACKUP_CODES_PER_SET) {
    throw new RangeError(`a backup code sheet holds exactly ${BACKUP_CODES_PER_SET} codes, got ${sheet.codes.length}`);
  }
  sheet.codes.forEach((code, index) => {
    if (!CODE_PATTERN.test(code)) {
      throw new RangeError(`backup code #${index + 1} is not exactly ${BACKUP_CODE_DIGITS} digits`);
    }
  });
  if (Number.isNaN(sheet.issuedAt.getTime())) {
    throw new RangeError('backup code sheet has an invalid issue date');
  }
}

// Always UTC: a user comparing two printouts must get the same ordering no
// matter which time zone the server or the printer was in.
export function formatIssuedAt(issuedAt: Date): string {
  const iso = issuedAt.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

// The sheet cannot know whether a newer set exists, so it tells the reader
// how to pick the current one among several printouts (guide VI.3).
export const SUPERSEDED_NOTICE =
  'A newer set replaces this one: if you hold several printouts, keep only the one with the latest issue date and discard the older ones.';

// The guide's storage advice (sections II and VI) in short.
export const STORAGE_ADVICE: readonly string[] = [
  'Print this sheet and keep it in a safe place.',
  'Never keep it on the same device as your authenticator.',
  'Keep two copies in different places.',
  'Each code works once. Tick its box when you use it.',
  "Don't screenshot it into a photo gallery that syncs to the cloud.",
  "Don't email it to yourself.",
];
