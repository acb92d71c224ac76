// What the security page tells the user right after a sign-in (backup codes
// left, clock drift, a finished recovery).

export interface LoginNotice {
  tone: 'info' | 'warn';
  text: string;
  /** Offer a shortcut to the Reset 2FA form (the way to get new backup codes). */
  offerReset?: boolean;
}
