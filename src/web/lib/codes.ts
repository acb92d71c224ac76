// One-time codes as people type them.

/** The server strips spaces and dashes too; strip them here so the field can show them. */
export function cleanCode(code: string): string {
  return code.replace(/[\s-]/g, '');
}
