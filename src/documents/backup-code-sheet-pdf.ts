import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as fontkit from 'fontkit';
import PDFDocument from 'pdfkit';
import type { BackupCodeSheet } from './backup-code-sheet.ts';
import { assertBackupCodeSheet, formatIssuedAt, STORAGE_ADVICE, SUPERSEDED_NOTICE } from './backup-code-sheet.ts';
import { woffToSfnt } from './woff-to-sfnt.ts';

// The page is A4, but everything is drawn inside the area A4 shares with US
// Letter (595 x 792 pt), so the sheet prints whole on either paper without
// scaling. A4 is 841.89 pt tall; the extra bottom margin keeps pdfkit's own
// page-break line at Letter's safe edge, so content that grew too long would
// spill onto a second page (which the tests catch) instead of off the paper.
const A4_HEIGHT = 841.89;
const LETTER_HEIGHT = 792;
const SAFE_MARGIN = 50;
const MARGINS = {
  top: SAFE_MARGIN,
  left: SAFE_MARGIN,
  right: SAFE_MARGIN,
  bottom: A4_HEIGHT - LETTER_HEIGHT + SAFE_MARGIN,
};

const CODE_FONT_SIZE = 16;
const LABEL_FONT_SIZE = 12;
const CODE_ROW_HEIGHT = 26;
const CHECKBOX_SIZE = 12;

// Text is set in DejaVu Sans (Latin, Greek, Cyrillic and much more); any
// character it lacks (CJK, Hangul, kana …) falls back to UnifontEX, which
// covers the whole Basic Multilingual Plane. Both ship as npm packages (SIL OFL)
// and are embedded as subsets, so an account name in any script prints as
// written. The codes stay in the built-in Courier: every digit has the same
// width and 0/O stay distinct.
const BODY_FONT = 'Body';
const BOLD_FONT = 'Bold';
const FALLBACK_FONT = 'Fallback';
const CODE_FONT = 'Courier';

const packageFile = (specifier: string): string => fileURLToPath(import.meta.resolve(specifier));
const FONT_FILES = {
  [BODY_FONT]: packageFile('@fontsource/dejavu-sans/files/dejavu-sans-latin-400-normal.woff'),
  [BOLD_FONT]: packageFile('@fontsource/dejavu-sans/files/dejavu-sans-latin-700-normal.woff'),
  [FALLBACK_FONT]: packageFile('@fontsource/unifontex/files/unifontex-latin-400-normal.woff'),
};
type SheetFont = keyof typeof FONT_FILES;

interface LoadedFont {
  sfnt: Buffer;
  covers(codePoint: number): boolean;
  /** How far below the top of pdfkit's line box the middle of a digit sits, as a fraction of the font size. */
  digitMiddle: number;
}

const loadedFonts = new Map<SheetFont, LoadedFont>();

/** Read once per process, and the fallback only once a sheet needs it: the files never change while it runs. */
function sheetFont(name: SheetFont): LoadedFont {
  let loaded = loadedFonts.get(name);
  if (!loaded) {
    const sfnt = woffToSfnt(readFileSync(FONT_FILES[name]));
    const font = fontkit.create(sfnt);
    if (!('hasGlyphForCodePoint' in font)) throw new Error(`${FONT_FILES[name]} is a font collection, not a font`);
    const digitTop = font.glyphForCodePoint(0x30).bbox.maxY;
    loaded = {
      sfnt,
      covers: (codePoint) => font.hasGlyphForCodePoint(codePoint),
      digitMiddle: (font.ascent - digitTop / 2) / font.unitsPerEm,
    };
    loadedFonts.set(name, loaded);
  }
  return loaded;
}

/** Splits `text` into runs of `font` and of the fallback for the characters `font` has no glyph for. */
function fontRuns(text: string, font: SheetFont): Array<{ font: SheetFont; text: string }> {
  const primary = sheetFont(font);
  const runs: Array<{ font: SheetFont; text: string }> = [];
  for (const char of text) {
    const wanted = primary.covers(char.codePointAt(0) ?? 0) ? font : FALLBACK_FONT;
    const last = runs.at(-1);
    if (last?.font === wanted) last.text += char;
    else runs.push({ font: wanted, text: char });
  }
  return runs;
}

/** Selects one of the sheet's fonts; registering is only a name for the bytes, so repeating it costs nothing. */
function selectFont(doc: PDFKit.PDFDocument, name: SheetFont): PDFKit.PDFDocument {
  return doc.registerFont(name, sheetFont(name).sfnt).font(name);
}

/** `doc.text` for text that may hold any script: each run in a font that has its glyphs. */
function writeText(
  doc: PDFKit.PDFDocument,
  font: SheetFont,
  text: string,
  options: PDFKit.Mixins.TextOptions & { at?: { x: number; y: number } },
): void {
  const { at, ...textOptions } = options;
  const runs = fontRuns(text, font);
  runs.forEach((run, index) => {
    const runOptions = { ...textOptions, continued: index < runs.length - 1 };
    selectFont(doc, run.font);
    if (index === 0 && at) doc.text(run.text, at.x, at.y, runOptions);
    else doc.text(run.text, runOptions);
  });
}

export async function renderBackupCodeSheetPdf(sheet: BackupCodeSheet): Promise<Buffer> {
  assertBackupCodeSheet(sheet);

  const doc = new PDFDocument({
    size: 'A4',
    margins: MARGINS,
    // Pinning the dates to the issue time keeps the output stable for a given
    // sheet; no Author, so the account email is not left in the metadata.
    info: {
      Title: `${sheet.productName} backup codes`,
      Subject: `Backup code set ${sheet.setId}`,
      Creator: sheet.productName,
      CreationDate: sheet.issuedAt,
      ModDate: sheet.issuedAt,
    },
  });

  const chunks: Buffer[] = [];
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const left = MARGINS.left;
  const width = doc.page.width - MARGINS.left - MARGINS.right;

  doc.fontSize(22);
  writeText(doc, BOLD_FONT, `${sheet.productName} backup codes`, { width, at: { x: left, y: MARGINS.top } });
  doc.moveDown(0.6);

  doc.fontSize(11);
  writeText(doc, BODY_FONT, `Account: ${sheet.accountEmail}`, { width });
  selectFont(doc, BODY_FONT).text(`Set ID: ${sheet.setId}`, { width });
  doc.text(`Issued: ${formatIssuedAt(sheet.issuedAt)}`, { width });
  doc.moveDown(0.6);
  selectFont(doc, BOLD_FONT).text(SUPERSEDED_NOTICE, { width });
  doc.moveDown(1);

  selectFont(doc, BODY_FONT).fontSize(11).text('Tick the box of each code when you use it.', { width });
  doc.moveDown(0.8);

  // pdfkit places text by the top of its line box (the font's ascender), not
  // by the glyphs; the label and the code are moved up by where their digits'
  // middle sits below that top (about 0.35 of the size in Courier), so the
  // label, box and code share one middle.
  const labelMiddle = sheetFont(BODY_FONT).digitMiddle * LABEL_FONT_SIZE;
  let rowTop = doc.y;
  sheet.codes.forEach((code, index) => {
    const middle = rowTop + CODE_ROW_HEIGHT / 2;
    selectFont(doc, BODY_FONT)
      .fontSize(LABEL_FONT_SIZE)
      .text(`${index + 1}.`, left, middle - labelMiddle, { width: 24, lineBreak: false });
    doc
      .lineWidth(1)
      .rect(left + 30, middle - CHECKBOX_SIZE / 2, CHECKBOX_SIZE, CHECKBOX_SIZE)
      .stroke();
    doc
      .font(CODE_FONT)
      .fontSize(CODE_FONT_SIZE)
      .text(code, left + 56, middle - 0.35 * CODE_FONT_SIZE, { lineBreak: false });
    rowTop += CODE_ROW_HEIGHT;
  });

  selectFont(doc, BOLD_FONT)
    .fontSize(12)
    .text('Keep these codes safe', left, rowTop + 18, { width });
  doc.moveDown(0.4);
  selectFont(doc, BODY_FONT)
    .fontSize(11)
    .list([...STORAGE_ADVICE], { width, bulletRadius: 2, paragraphGap: 3 });

  doc.end();
  return finished;
}
