// The names the web session travels under (auth.ts sets and reads them; the
// OpenAPI document declares them).
export const SESSION_COOKIE = 'latchkey_session';
export const CSRF_COOKIE = 'latchkey_csrf';
export const CSRF_HEADER = 'X-CSRF-Token';
/** The long-lived random id of a browser, which makes it known to the accounts it signed in to (new-browser alerts). */
export const DEVICE_COOKIE = 'latchkey_device';

/** Over https the cookies take the __Host- prefix: Secure, Path=/, no Domain, so no subdomain can plant one. */
export function cookieNames(publicOrigin: string | undefined): { session: string; csrf: string; device: string } {
  const prefix = publicOrigin?.startsWith('https:') ? '__Host-' : '';
  return {
    session: `${prefix}${SESSION_COOKIE}`,
    csrf: `${prefix}${CSRF_COOKIE}`,
    device: `${prefix}${DEVICE_COOKIE}`,
  };
}
