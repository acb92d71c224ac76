import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomBytes } from '../../src/infra/random.ts';

test('pooled random bytes: the size asked, never the same bytes twice, across refills of the pool', () => {
  const seen = new Set<string>();
  // 32-byte tokens, 12-byte IVs and 16-byte salts interleaved, well past several 4 KiB refills.
  for (let i = 0; i < 3000; i++) {
    for (const size of [32, 12, 16]) {
      const bytes = randomBytes(size);
      assert.equal(bytes.length, size);
      const hex = bytes.toString('hex');
      assert.ok(!seen.has(hex), `a ${size}-byte draw repeated`);
      seen.add(hex);
    }
  }
});

test('pooled random bytes: each draw is the caller’s own buffer, and large draws work', () => {
  const first = randomBytes(32);
  const copy = Buffer.from(first);
  const second = randomBytes(32);
  second.fill(0);
  assert.deepEqual(first, copy, 'writing to one draw left another unchanged');
  // Each draw owns its whole ArrayBuffer (not a view on Node's shared slab), so
  // `bytes.buffer` exposes nothing but the draw itself.
  for (const size of [12, 16, 32]) {
    const bytes = randomBytes(size);
    assert.equal(bytes.byteOffset, 0);
    assert.equal(bytes.buffer.byteLength, size, `a ${size}-byte draw shares its ArrayBuffer`);
  }
  const large = randomBytes(64 * 1024);
  assert.equal(large.length, 64 * 1024);
  // 64 KiB of zeros from a CSPRNG has probability 2^-524288.
  assert.ok(large.some((byte) => byte !== 0));
  // Byte values spread over the range (a pool handed out zeroed would fail).
  const distinct = new Set(randomBytes(1024));
  assert.ok(distinct.size > 200, `only ${distinct.size} distinct byte values in 1 KiB`);
});
