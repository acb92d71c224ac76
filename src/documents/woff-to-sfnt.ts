// WOFF 1.0 (W3C, https://www.w3.org/TR/WOFF/) to the plain TrueType/OpenType
// file it wraps. fontkit reads WOFF itself but inflates every table with a
// JavaScript inflater on each document, which takes seconds for a large font;
// Node's zlib does it once, in milliseconds, and pdfkit then reads plain tables.
import { inflateSync } from 'node:zlib';

const WOFF_SIGNATURE = 0x774f4646; // 'wOFF'
const WOFF_HEADER_SIZE = 44;
const WOFF_ENTRY_SIZE = 20;
const SFNT_HEADER_SIZE = 12;
const SFNT_ENTRY_SIZE = 16;

const align4 = (n: number): number => (n + 3) & ~3;

export function woffToSfnt(woff: Buffer): Buffer {
  if (woff.length < WOFF_HEADER_SIZE || woff.readUInt32BE(0) !== WOFF_SIGNATURE) {
    throw new Error('not a WOFF 1.0 font');
  }
  const flavor = woff.readUInt32BE(4);
  const numTables = woff.readUInt16BE(12);
  const tables = Array.from({ length: numTables }, (_, i) => {
    const at = WOFF_HEADER_SIZE + i * WOFF_ENTRY_SIZE;
    return {
      tag: woff.readUInt32BE(at),
      offset: woff.readUInt32BE(at + 4),
      compLength: woff.readUInt32BE(at + 8),
      origLength: woff.readUInt32BE(at + 12),
      checksum: woff.readUInt32BE(at + 16),
    };
  });

  // The sfnt header's search fields, as the OpenType spec defines them.
  const entrySelector = Math.floor(Math.log2(Math.max(numTables, 1)));
  const searchRange = 2 ** entrySelector * SFNT_ENTRY_SIZE;
  const directorySize = SFNT_HEADER_SIZE + SFNT_ENTRY_SIZE * numTables;
  const sfnt = Buffer.alloc(tables.reduce((size, table) => size + align4(table.origLength), directorySize));
  sfnt.writeUInt32BE(flavor, 0);
  sfnt.writeUInt16BE(numTables, 4);
  sfnt.writeUInt16BE(searchRange, 6);
  sfnt.writeUInt16BE(entrySelector, 8);
  sfnt.writeUInt16BE(numTables * SFNT_ENTRY_SIZE - searchRange, 10);

  let offset = directorySize;
  tables.forEach((table, i) => {
    const stored = woff.subarray(table.offset, table.offset + table.compLength);
    const data = table.compLength < table.origLength ? inflateSync(stored) : stored;
    if (data.length !== table.origLength) throw new Error('WOFF table has the wrong length');
    data.copy(sfnt, offset);
    const entry = SFNT_HEADER_SIZE + i * SFNT_ENTRY_SIZE;
    sfnt.writeUInt32BE(table.tag, entry);
    sfnt.writeUInt32BE(table.checksum, entry + 4);
    sfnt.writeUInt32BE(offset, entry + 8);
    sfnt.writeUInt32BE(table.origLength, entry + 12);
    offset += align4(table.origLength);
  });
  return sfnt;
}
