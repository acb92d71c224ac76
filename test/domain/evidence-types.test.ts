import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allowedFor, sniffType } from '../../src/domain/evidence-types.ts';

const bytes = (...values: Array<number | string>): Uint8Array =>
  Buffer.concat(values.map((v) => (typeof v === 'string' ? Buffer.from(v, 'latin1') : Buffer.from([v]))));

test('types by magic bytes', () => {
  const rows: Array<[string, Uint8Array, string | undefined]> = [
    ['jpeg', bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10), 'image/jpeg'],
    ['png', bytes(0x89, 'PNG', 0x0d, 0x0a, 0x1a, 0x0a, 0), 'image/png'],
    ['pdf', bytes('%PDF-1.7'), 'application/pdf'],
    ['mp4', bytes(0, 0, 0, 0x20, 'ftypisom'), 'video/mp4'],
    ['webm', bytes(0x1a, 0x45, 0xdf, 0xa3, 0x9f), 'video/webm'],
    ['text claiming jpeg', bytes('JFIF is not enough'), undefined],
    ['png without its line-ending check', bytes(0x89, 'PNG', 0x0a, 0x0a, 0x1a, 0x0a), undefined],
    ['%PDF without the dash', bytes('%PDF1.7'), undefined],
    ['ftyp at the wrong offset', bytes('ftypisom'), undefined],
    ['too short', bytes(0xff, 0xd8), undefined],
    ['empty', bytes(), undefined],
  ];
  for (const [name, head, mime] of rows) assert.equal(sniffType(head), mime, name);
});

test('which kinds take which types', () => {
  assert.equal(allowedFor('id_document', 'application/pdf'), true);
  assert.equal(allowedFor('id_document', 'video/mp4'), false);
  assert.equal(allowedFor('selfie_video', 'video/webm'), true);
  assert.equal(allowedFor('selfie_video', 'image/png'), false);
  assert.equal(allowedFor('login_history', 'image/jpeg'), true);
  assert.equal(allowedFor('login_history', undefined), false);
});
