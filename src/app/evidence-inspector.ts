// A pass-through stream that decides the upload's type from its first bytes
// and counts its size, failing the stream (so nothing is kept) as soon as the
// type is wrong or the size is over the limit.
import { Transform, type TransformCallback } from 'node:stream';
import { DomainError } from '../domain/errors.ts';
import {
  ALLOWED_TYPES,
  allowedFor,
  type EvidenceKind,
  type EvidenceMime,
  SNIFF_BYTES,
  sniffType,
} from '../domain/evidence-types.ts';

export class EvidenceInspector extends Transform {
  #head: Buffer[] = [];
  #headBytes = 0;
  #size = 0;
  #mime: EvidenceMime | undefined;

  constructor(
    private readonly kind: EvidenceKind,
    private readonly maxBytes: number,
  ) {
    super();
  }

  get mimeType(): EvidenceMime | undefined {
    return this.#mime;
  }

  get size(): number {
    return this.#size;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.#size += chunk.length;
    if (this.#size > this.maxBytes) {
      done(tooLarge(this.maxBytes));
    } else if (this.#mime) {
      done(null, chunk);
    } else {
      // Hold the first bytes back until there are enough to tell the type.
      this.#head.push(chunk);
      this.#headBytes += chunk.length;
      if (this.#headBytes < SNIFF_BYTES) done();
      else this.#release(done);
    }
  }

  override _flush(done: TransformCallback): void {
    if (this.#mime) done();
    else this.#release(done);
  }

  #release(done: TransformCallback): void {
    const head = Buffer.concat(this.#head);
    this.#head = [];
    const mime = sniffType(head);
    if (!allowedFor(this.kind, mime)) {
      done(wrongType(this.kind));
      return;
    }
    this.#mime = mime;
    done(null, head);
  }
}

export function tooLarge(maxBytes: number): DomainError {
  return new DomainError('payload_too_large', `The file is larger than the limit of ${maxBytes} bytes.`, { maxBytes });
}

function wrongType(kind: EvidenceKind): DomainError {
  const allowed = ALLOWED_TYPES[kind].join(', ');
  return new DomainError(
    'unsupported_media_type',
    `The file's content is not one of the types accepted for ${kind} (${allowed}).`,
    { allowed: ALLOWED_TYPES[kind] },
  );
}
