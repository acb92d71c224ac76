// A page that must not be left by accident (the save-your-codes step): closing
// or reloading the tab asks through `beforeunload`, and the app's own links
// (header, sign out) ask through `mayLeave()` before they navigate.
import { useEffect } from 'react';

let warning: string | null = null;

/** While mounted and `active`, leaving asks first; `message` is the in-app question. */
export function useLeaveGuard(active: boolean, message: string): void {
  useEffect(() => {
    if (!active) return;
    warning = message;
    const warn = (e: BeforeUnloadEvent) => {
      e.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => {
      warning = null;
      window.removeEventListener('beforeunload', warn);
    };
  }, [active, message]);
}

/** True when nothing guards the page, or the user confirmed leaving it. */
export function mayLeave(): boolean {
  return warning === null || window.confirm(warning);
}
