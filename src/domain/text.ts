// Which characters text from outside may hold (issue 15, item 3). Control
// characters (C0, DEL, C1), bidirectional overrides and isolates, and lone
// surrogates are refused where text enters: they break PostgreSQL (NUL), mail
// headers and logs (CR, LF), and what a reader sees (bidi overrides, "Trojan
// Source"). Lone surrogates cannot be stored as UTF-8 at all.
const FORBIDDEN = '\\u0000-\\u001f\\u007f-\\u009f\\u202a-\\u202e\\u2066-\\u2069\\ud800-\\udfff';
/** The same minus tab, line feed and carriage return, for multi-line text such as a note. */
const FORBIDDEN_IN_MULTILINE =
  '\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\u202a-\\u202e\\u2066-\\u2069\\ud800-\\udfff';

/** A JSON Schema `pattern` (evaluated with the `u` flag) for one line of plain text. */
export const PLAIN_TEXT_PATTERN = `^[^${FORBIDDEN}]*$`;
/** A JSON Schema `pattern` (evaluated with the `u` flag) for text that may span lines. */
export const MULTILINE_TEXT_PATTERN = `^[^${FORBIDDEN_IN_MULTILINE}]*$`;

const PLAIN_TEXT = new RegExp(PLAIN_TEXT_PATTERN, 'u');

export function isPlainText(value: string): boolean {
  return PLAIN_TEXT.test(value);
}
