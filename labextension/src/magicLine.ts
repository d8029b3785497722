/**
 * Recognising `%%ion` cells and tokenising their magic line, as plain functions of text.
 *
 * A cell is an `%%ion` cell when IPython runs it through the magic: its first line that is not blank, less
 * its trailing whitespace, is `%%ion` alone or followed by a space. Lines above it that are empty or only
 * whitespace are skipped, as IPython drops them; an indented magic line is not one. The kernel applies the same
 * rule (`ion_magic/ion_cell.py`); both sides test it on the cases in `tests/ion_cell_cases.json`.
 */

/** The cell magic this extension serves. */
export const ION_MAGIC = '%%ion';

const MAGIC_LINE = /^%%ion(?: .*)?$/;

/** Where a line of a cell is: `from`/`to` bound its text (its line break excluded). */
export interface ILineSpan {
  from: number;
  to: number;
}

/** True when `line` (the first line of a cell that is not blank) calls the `%%ion` magic. */
function isIonMagicLine(line: string): boolean {
  return MAGIC_LINE.test(line.trimEnd());
}

/** The cell's first line that is not blank, with its offsets, or null when every line is blank. */
function firstContentLine(text: string): ILineSpan | null {
  const lineBreak = /\r\n?|\n/g;
  for (let from = 0; ;) {
    const found = lineBreak.exec(text);
    const to = found ? found.index : text.length;
    if (text.slice(from, to).trim()) {
      return { from, to };
    }
    if (!found) {
      return null;
    }
    from = lineBreak.lastIndex;
  }
}

/** The span of the `%%ion` line in `text`, or null when `text` is no `%%ion` cell. */
export function magicLineSpan(text: string): ILineSpan | null {
  const line = firstContentLine(text);
  return line && isIonMagicLine(text.slice(line.from, line.to)) ? line : null;
}

/** True when `text` is the source of an `%%ion` cell. */
export function isIonCellText(text: string): boolean {
  return magicLineSpan(text) !== null;
}

/**
 * The length of a cell's head: its blank leading lines and its first other line, without that line's break
 * (the whole text when no such line has ended yet). The magic line, if any, ends the head.
 */
export function cellHeadLength(text: string): number {
  const line = firstContentLine(text);
  return line ? line.to : text.length;
}

/**
 * The GraphQL text of a cell: the blank leading lines and the magic line replaced by spaces (line breaks kept),
 * so that offsets and line numbers in the cell and in the GraphQL text are identical.
 */
export function blankMagicLine(text: string): string {
  const span = magicLineSpan(text);
  if (!span) {
    return text;
  }
  return text.slice(0, span.to).replace(/[^\r\n]/g, ' ') + text.slice(span.to);
}

/** The kinds of token on a magic line, each styled on its own. */
export type MagicTokenKind = 'keyword' | 'option' | 'string' | 'number' | 'operator' | 'word';

/** A token of the magic line: `from`/`to` are offsets into the line. */
export interface IMagicToken {
  kind: MagicTokenKind;
  from: number;
  to: number;
}

const TOKEN_PATTERNS: ReadonlyArray<[MagicTokenKind, RegExp]> = [
  ['option', /--?[A-Za-z][\w-]*/y],
  ['string', /"(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?/y],
  ['number', /-?\d+(?:\.\d+)?(?![\w.])/y],
  ['operator', /[=:,]/y],
  ['word', /[^\s=:,"']+/y]
];

/**
 * Split the head of an `%%ion` cell (see `cellHeadLength`) into tokens: the magic itself, then options (`-x`,
 * `--name`), quoted strings, numbers, `=`/`:`/`,` and bare words (a variable to assign, an option's value).
 * Whitespace is skipped. Offsets are into `head`; a head that is no `%%ion` cell's has no tokens.
 */
export function tokenizeMagicLine(head: string): IMagicToken[] {
  const span = magicLineSpan(head);
  if (!span) {
    return [];
  }
  const tokens: IMagicToken[] = [{ kind: 'keyword', from: span.from, to: span.from + ION_MAGIC.length }];
  let pos = span.from + ION_MAGIC.length;
  while (pos < span.to) {
    const space = /\s+/y;
    space.lastIndex = pos;
    if (space.test(head)) {
      pos = space.lastIndex;
      continue;
    }
    for (const [kind, pattern] of TOKEN_PATTERNS) {
      pattern.lastIndex = pos;
      if (pattern.test(head)) {
        tokens.push({ kind, from: pos, to: Math.min(pattern.lastIndex, span.to) });
        pos = pattern.lastIndex;
        break;
      }
    }
  }
  return tokens;
}
