// What an uploaded file is, decided by its first bytes (its "magic number"),
// never by its name or the Content-Type the client claims (OWASP ASVS 5.0
// 5.2.2: file content matches the expected type).
export const EVIDENCE_KINDS = ['id_document', 'selfie_video', 'login_history'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];
export type EvidenceMime = 'image/jpeg' | 'image/png' | 'application/pdf' | 'video/mp4' | 'video/webm';

/** The types each kind of evidence may be. */
export const ALLOWED_TYPES: Readonly<Record<EvidenceKind, readonly EvidenceMime[]>> = {
  id_document: ['image/jpeg', 'image/png', 'application/pdf'],
  selfie_video: ['video/mp4', 'video/webm'],
  login_history: ['application/pdf', 'image/png', 'image/jpeg'],
};

/** Enough leading bytes to tell every supported type apart. */
export const SNIFF_BYTES = 12;

const startsWith = (head: Uint8Array, signature: readonly number[], offset = 0): boolean =>
  head.length >= offset + signature.length && signature.every((byte, i) => head[offset + i] === byte);

export function sniffType(head: Uint8Array): EvidenceMime | undefined {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(head, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf'; // %PDF-
  if (startsWith(head, [0x66, 0x74, 0x79, 0x70], 4)) return 'video/mp4'; // ISO BMFF: 'ftyp' box at offset 4
  if (startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) return 'video/webm'; // EBML header
  return undefined;
}

export function isEvidenceKind(value: string): value is EvidenceKind {
  return (EVIDENCE_KINDS as readonly string[]).includes(value);
}

export function allowedFor(kind: EvidenceKind, mime: EvidenceMime | undefined): mime is EvidenceMime {
  return mime !== undefined && ALLOWED_TYPES[kind].includes(mime);
}
