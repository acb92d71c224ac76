import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { normalizeEmail } from '../../src/domain/account-rules.ts';
import { DomainError } from '../../src/domain/errors.ts';

const failsWith = (code: string) => (error: unknown) => error instanceof DomainError && error.code === code;

describe('normalizeEmail', () => {
  for (const [input, expected] of [
    ['alice@example.com', 'alice@example.com'],
    ['  Alice@Example.COM ', 'alice@example.com'],
    ['ＡＬＩＣＥ@example.com', 'alice@example.com'], // NFKC folds full-width letters
    ['a.b+tag@sub.example.org', 'a.b+tag@sub.example.org'],
  ] as const) {
    test(`"${input}" → ${expected}`, () => assert.equal(normalizeEmail(input), expected));
  }
  for (const input of ['', 'alice', 'alice@', '@example.com', 'alice@example', 'a b@example.com', 'a@b@c.com']) {
    test(`"${input}" is refused`, () => assert.throws(() => normalizeEmail(input), failsWith('invalid_request')));
  }
  test('longer than 254 characters is refused', () => {
    assert.throws(() => normalizeEmail(`${'a'.repeat(250)}@example.com`), failsWith('invalid_request'));
  });
});
