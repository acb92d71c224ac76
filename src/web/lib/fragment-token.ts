// Links sent by email (freeze, password reset, continue a recovery) carry their
// one-time token in the fragment, `…#token=…`, which browsers never send to a
// server: no access log, proxy or Referer holds it. Each page reads it here
// once and then takes it out of the address bar its own way.
export function fragmentToken(): string | null {
  return new URLSearchParams(window.location.hash.replace(/^#/, '')).get('token');
}
