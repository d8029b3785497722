/**
 * What a tick in the explorer does to the notebook (pure): edit the active `%%ion` cell, or insert a new
 * one. The builder never adds `--allow-mutation`: running a mutation stays the user's decision.
 */
import { isIonCellText } from './magicLine';
import { addField, newIonCell, operationKindOf, removeField, selectedPaths, setArgument } from './queryDocument';
import { ITreeField } from './schemaTree';

/** The change to make: the active cell's new text, a new cell below it, or nothing. */
export type CellEdit = { action: 'edit'; text: string } | { action: 'insert'; text: string } | { action: 'none' };

/** The comment a new mutation cell starts with. */
export const MUTATION_NOTE = 'A mutation changes data in ION: add --allow-mutation to the first line to run it.';

/** Can `text` (the active cell, null when it is not a code cell) take `field`'s operation? */
export function editsActiveCell(text: string | null, field: ITreeField): text is string {
  if (text === null || !isIonCellText(text)) {
    return false;
  }
  const kind = operationKindOf(text);
  return kind === null || kind === field.kind;
}

/**
 * The edit for ticking (`checked`) or unticking `field` while `activeText` is the active cell. Throws
 * CellSyntaxError when the active `%%ion` cell does not parse.
 */
export function tickEdit(activeText: string | null, field: ITreeField, checked: boolean): CellEdit {
  if (!editsActiveCell(activeText, field)) {
    if (!checked) {
      return { action: 'none' };
    }
    const note = field.kind === 'mutation' ? MUTATION_NOTE : '';
    return { action: 'insert', text: newIonCell(field.kind, field.tickPath, note) };
  }
  if (checked) {
    if (selectedPaths(activeText).paths.has(field.documentPath.join('.'))) {
      return { action: 'none' };
    }
    return { action: 'edit', text: addField(activeText, field.kind, field.tickPath) };
  }
  const text = removeField(activeText, field.kind, field.documentPath);
  return text === activeText ? { action: 'none' } : { action: 'edit', text };
}

/**
 * The edit for setting argument `name` of `field` to `literal` (null: remove it). A field not yet in the
 * active `%%ion` cell is ticked first; without such a cell, a new one is inserted.
 */
export function argumentEdit(
  activeText: string | null,
  field: ITreeField,
  name: string,
  literal: string | null
): CellEdit {
  if (!editsActiveCell(activeText, field)) {
    if (literal === null) {
      return { action: 'none' };
    }
    const created = newIonCell(field.kind, field.tickPath);
    return { action: 'insert', text: setArgument(created, field.kind, field.documentPath, name, literal) };
  }
  const withField = selectedPaths(activeText).paths.has(field.documentPath.join('.'))
    ? activeText
    : addField(activeText, field.kind, field.tickPath);
  const text = setArgument(withField, field.kind, field.documentPath, name, literal);
  return text === activeText ? { action: 'none' } : { action: 'edit', text };
}

/** The smallest replacement turning `before` into `after`: [from, to) of `before`, and the new text. */
export function minimalChange(before: string, after: string): { from: number; to: number; insert: string } {
  let start = 0;
  const shorter = Math.min(before.length, after.length);
  while (start < shorter && before[start] === after[start]) {
    start++;
  }
  let end = 0;
  while (end < shorter - start && before[before.length - 1 - end] === after[after.length - 1 - end]) {
    end++;
  }
  return { from: start, to: before.length - end, insert: after.slice(start, after.length - end) };
}
