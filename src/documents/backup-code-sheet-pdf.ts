import PDFDocument from 'pdfkit';
import type { BackupCodeSheet } from './backup-code-sheet.ts';
import { assertBackupCodeSheet, formatIssuedAt, STORAGE_ADVICE, SUPERSEDED_NOTICE } from './backup-code-sheet.ts';

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
const CODE_ROW_HEIGHT = 26;
const CHECKBOX_SIZE = 12;

// Only the built-in standard fonts: no font files to ship or load, and the
// codes use Courier so every digit has the same width and 0/O stay distinct.
const BODY_FONT = 'Helvetica';
const BOLD_FONT = 'Helvetica-Bold';
const CODE_FONT = 'Courier';

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

  doc.font(BOLD_FONT).fontSize(22).text(`${sheet.productName} backup codes`, left, MARGINS.top, { width });
  doc.moveDown(0.6);

  doc.font(BODY_FONT).fontSize(11);
  doc.text(`Account: ${sheet.accountEmail}`, { width });
  doc.text(`Set ID: ${sheet.setId}`, { width });
  doc.text(`Issued: ${formatIssuedAt(sheet.issuedAt)}`, { width });
  doc.moveDown(0.6);
  doc.font(BOLD_FONT).text(SUPERSEDED_NOTICE, { width });
  doc.moveDown(1);

  doc.font(BODY_FONT).fontSize(11).text('Tick the box of each code when you use it.', { width });
  doc.moveDown(0.8);

  // pdfkit places text by the top of its line box (the font's ascender), not
  // by the glyphs; digits sit about 0.35 of the font size below that top in
  // both Courier and Helvetica, so the label, box and code share one middle.
  let rowTop = doc.y;
  sheet.codes.forEach((code, index) => {
    const middle = rowTop + CODE_ROW_HEIGHT / 2;
    doc
      .font(BODY_FONT)
      .fontSize(12)
      .text(`${index + 1}.`, left, middle - 0.36 * 12, { width: 24, lineBreak: false });
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

  doc
    .font(BOLD_FONT)
    .fontSize(12)
    .text('Keep these codes safe', left, rowTop + 18, { width });
  doc.moveDown(0.4);
  doc
    .font(BODY_FONT)
    .fontSize(11)
    .list([...STORAGE_ADVICE], { width, bulletRadius: 2, paragraphGap: 3 });

  doc.end();
  return finished;
}
