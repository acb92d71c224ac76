// A column that holds values encrypted with the keyring, described so that
// `keys rotate` can re-encrypt it without knowing what it holds. Factor modules
// declare theirs (factors/registry.ts); key rotation and its test loop over them.
import type { Executor } from '../storage/executor.ts';

/** One encrypted value as it is stored, with what it takes to decrypt it and write it back. */
export interface EncryptedValue {
  /** Identifies the row within its column (for reports and tests). */
  readonly key: string;
  readonly ciphertext: string;
  /** The additional data the value was encrypted with: binds it to its row. */
  readonly aad: string;
  /** A value stored before the column was encrypted: `keys rotate` encrypts it. */
  readonly plaintext?: string | undefined;
  save(db: Executor, ciphertext: string): Promise<void>;
}

export interface EncryptedColumn {
  /** Where the values live (a migration adding an `*_enc` column must name it here). */
  readonly table: string;
  readonly column: string;
  /** How `keys rotate` reports it, e.g. "TOTP secret(s)". */
  readonly label: string;
  /** Every value of the column that must stay decryptable. */
  list(db: Executor): Promise<EncryptedValue[]>;
}

export interface EncryptedColumnSpec<Row> {
  readonly table: string;
  readonly column: string;
  readonly label: string;
  rows(db: Executor): Promise<Row[]>;
  key(row: Row): string;
  ciphertext(row: Row): string;
  aad(row: Row): string;
  save(db: Executor, row: Row, ciphertext: string): Promise<void>;
  plaintext?(row: Row): string | undefined;
}

export function encryptedColumn<Row>(spec: EncryptedColumnSpec<Row>): EncryptedColumn {
  return {
    table: spec.table,
    column: spec.column,
    label: spec.label,
    async list(db) {
      return (await spec.rows(db)).map((row) => ({
        key: spec.key(row),
        ciphertext: spec.ciphertext(row),
        aad: spec.aad(row),
        plaintext: spec.plaintext?.(row),
        save: (target, ciphertext) => spec.save(target, row, ciphertext),
      }));
    },
  };
}
