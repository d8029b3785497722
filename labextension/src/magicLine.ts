/**
 * Recognising `%%ion` cells and tokenising their first line, as plain functions of text.
 */

/** The cell magic this extension serves. */
export const ION_MAGIC = '%%ion';

const MAGIC_AT_START = /^%%ion(?=\s|$)/;

/** True when `text` is the source of an `%%ion` cell: its first line starts with the magic. */
export function isIonCellText(text: string): boolean {
  return MAGIC_AT_START.test(text);
}

/** The length of the first line of `text`, without its line break. */
export function firstLineLength(text: string): number {
  const end = text.search(/\r\n?|\n/);
  return end === -1 ? text.length : end;
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
 * Split an `%%ion` magic line into tokens: the magic itself, then options (`-x`, `--name`), quoted strings,
 * numbers, `=`/`:`/`,` and bare words (a variable to assign, an option's value). Whitespace is skipped.
 * A line that does not start with the magic has no tokens.
 */
export function tokenizeMagicLine(line: string): IMagicToken[] {
  if (!isIonCellText(line)) {
    return [];
  }
  const tokens: IMagicToken[] = [{ kind: 'keyword', from: 0, to: ION_MAGIC.length }];
  let pos = ION_MAGIC.length;
  while (pos < line.length) {
    const space = /\s+/y;
    space.lastIndex = pos;
    if (space.test(line)) {
      pos = space.lastIndex;
      continue;
    }
    for (const [kind, pattern] of TOKEN_PATTERNS) {
      pattern.lastIndex = pos;
      if (pattern.test(line)) {
        tokens.push({ kind, from: pos, to: pattern.lastIndex });
        pos = pattern.lastIndex;
        break;
      }
    }
  }
  return tokens;
}
