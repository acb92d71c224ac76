// Random bytes for tokens, salts and IVs, drawn from a buffer refilled from
// the operating system's CSPRNG 4 KiB at a time (issue 16): each call of
// `crypto.randomBytes` costs ~5 µs whatever its size, and a login draws three
// or four (the session token, IVs of encrypted rows, one-time links), while
// copying 32 bytes out of the pool costs well under 1 µs. Node's
// `crypto.randomUUID` keeps such a cache too. Every byte is handed out once and
// zeroed in the pool as it leaves, so a token drawn never stays behind in it.
import crypto from 'node:crypto';

const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let next = POOL_BYTES;

/** `size` fresh random bytes (a new Buffer the caller owns). */
export function randomBytes(size: number): Buffer {
  if (size > POOL_BYTES / 4) return crypto.randomBytes(size);
  if (next + size > POOL_BYTES) {
    crypto.randomFillSync(pool);
    next = 0;
  }
  // allocUnsafeSlow, not allocUnsafe: a small allocUnsafe buffer is a view on
  // Node's shared 8 KiB slab, so `out.buffer` would hand the caller unrelated
  // bytes (other draws, other requests' data); crypto.randomBytes returned a
  // buffer of its own, and so does this.
  const out = Buffer.allocUnsafeSlow(size);
  pool.copy(out, 0, next, next + size);
  pool.fill(0, next, next + size);
  next += size;
  return out;
}
