import type { BackupCodeSheet } from './backup-code-sheet.ts';
import { assertBackupCodeSheet, formatIssuedAt, STORAGE_ADVICE, SUPERSEDED_NOTICE } from './backup-code-sheet.ts';

// Plain-text sheet: the content of the encrypted ZIP export, readable in any
// editor. Codes are printed as the bare 6 digits the login form expects, so
// nothing a user copies from here needs reformatting.
export function backupCodeSheetText(sheet: BackupCodeSheet): string {
  assertBackupCodeSheet(sheet);
  const lines = [
    `${sheet.productName} backup codes`,
    '',
    `Account: ${sheet.accountEmail}`,
    `Set ID:  ${sheet.setId}`,
    `Issued:  ${formatIssuedAt(sheet.issuedAt)}`,
    '',
    SUPERSEDED_NOTICE,
    '',
    'Tick the box of each code when you use it:',
    '',
    ...sheet.codes.map((code, index) => `${index + 1}. [ ] ${code}`),
    '',
    'Keep these codes safe:',
    ...STORAGE_ADVICE.map((advice) => `- ${advice}`),
  ];
  return `${lines.join('\n')}\n`;
}
