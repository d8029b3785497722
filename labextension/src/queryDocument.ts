/**
 * Edits of an `%%ion` cell's GraphQL through its graphql-js AST (pure: no JupyterLab, no schema).
 *
 * A field is named by its path of field names from the operation (`['runs', 'edges', 'node', 'title']`);
 * aliases are looked through and inline fragments and named fragment spreads are searched. Every edit is a
 * splice of the cell text at positions the AST gives, so the magic line, its options, the comments and the
 * formatting of everything else stay as they were.
 */
import {
  DocumentNode,
  FieldNode,
  FragmentDefinitionNode,
  InlineFragmentNode,
  Kind,
  OperationDefinitionNode,
  parse,
  SelectionSetNode,
  ValueNode
} from 'graphql';

import { firstLineLength } from './magicLine';

/** The operations the builder writes. */
export type OperationKind = 'query' | 'mutation';

/** The cell's GraphQL does not parse, so it cannot be edited from the panel. */
export class CellSyntaxError extends Error {}

/** A field of the document a path leads to, with what holds it (outermost first). */
interface IFound {
  field: FieldNode;
  /** The selection sets from the operation's down to the one holding `field`, with their owners. */
  chain: IContainer[];
}

/** A selection set and the node it belongs to. */
interface IContainer {
  owner: OperationDefinitionNode | FieldNode | InlineFragmentNode | FragmentDefinitionNode;
  selectionSet: SelectionSetNode;
}

/** The cell parsed: the magic line blanked out (so AST offsets are offsets into the cell text). */
interface IParsedCell {
  text: string;
  document: DocumentNode | null;
  fragments: Map<string, FragmentDefinitionNode>;
}

const IGNORED_ONLY = /^(?:[\s,]|#[^\n\r]*)*$/;

function parseCell(text: string): IParsedCell {
  const magicLength = firstLineLength(text);
  const body = ' '.repeat(magicLength) + text.slice(magicLength);
  if (IGNORED_ONLY.test(body)) {
    return { text, document: null, fragments: new Map() };
  }
  let document: DocumentNode;
  try {
    document = parse(body);
  } catch (error) {
    throw new CellSyntaxError((error as Error).message.split('\n')[0]);
  }
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      fragments.set(definition.name.value, definition);
    }
  }
  return { text, document, fragments };
}

function operationOf(cell: IParsedCell, kind: OperationKind): OperationDefinitionNode | null {
  for (const definition of cell.document?.definitions ?? []) {
    if (definition.kind === Kind.OPERATION_DEFINITION && definition.operation === kind) {
      return definition;
    }
  }
  return null;
}

/** The kind of the cell's first operation; null when the cell holds none (only the magic line, comments). */
export function operationKindOf(text: string): OperationKind | 'subscription' | null {
  const cell = parseCell(text);
  for (const definition of cell.document?.definitions ?? []) {
    if (definition.kind === Kind.OPERATION_DEFINITION) {
      return definition.operation;
    }
  }
  return null;
}

/** Every field of the selection set (through fragments), with the containers that lead to it. */
function* fieldsOf(
  cell: IParsedCell,
  container: IContainer,
  chain: IContainer[],
  seenFragments: ReadonlySet<string> = new Set()
): Generator<IFound> {
  const here = [...chain, container];
  for (const selection of container.selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      yield { field: selection, chain: here };
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      yield* fieldsOf(cell, { owner: selection, selectionSet: selection.selectionSet }, here, seenFragments);
    } else {
      const fragment = cell.fragments.get(selection.name.value);
      if (fragment && !seenFragments.has(fragment.name.value)) {
        const seen = new Set([...seenFragments, fragment.name.value]);
        yield* fieldsOf(cell, { owner: fragment, selectionSet: fragment.selectionSet }, here, seen);
      }
    }
  }
}

/** The field at `path` under the operation, or how far the path exists. */
function locate(
  cell: IParsedCell,
  operation: OperationDefinitionNode,
  path: readonly string[]
): { found: IFound[]; container: IContainer } {
  const found: IFound[] = [];
  let container: IContainer = { owner: operation, selectionSet: operation.selectionSet };
  let chain: IContainer[] = [];
  for (const name of path) {
    let match: IFound | undefined;
    for (const candidate of fieldsOf(cell, container, chain)) {
      if (candidate.field.name.value === name && (!match || (match.field.alias && !candidate.field.alias))) {
        match = candidate;
      }
    }
    if (!match) {
      break;
    }
    found.push(match);
    if (!match.field.selectionSet) {
      break;
    }
    chain = match.chain;
    container = { owner: match.field, selectionSet: match.field.selectionSet };
  }
  return { found, container };
}

/** What the cell selects: its operation kind and the dotted paths of every field it holds. */
export interface ISelection {
  kind: OperationKind | 'subscription' | null;
  paths: Set<string>;
}

/** The ticks of a cell: every field path of its first operation (`runs`, `runs.edges.node.title`, ...). */
export function selectedPaths(text: string): ISelection {
  const cell = parseCell(text);
  const operation = cell.document?.definitions.find(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION
  );
  const paths = new Set<string>();
  if (!operation) {
    return { kind: null, paths };
  }
  const walk = (container: IContainer, prefix: string, depth: number): void => {
    for (const { field } of fieldsOf(cell, container, [])) {
      const path = prefix ? `${prefix}.${field.name.value}` : field.name.value;
      paths.add(path);
      if (field.selectionSet && depth < 64) {
        walk({ owner: field, selectionSet: field.selectionSet }, path, depth + 1);
      }
    }
  };
  walk({ owner: operation, selectionSet: operation.selectionSet }, '', 0);
  return { kind: operation.operation, paths };
}

// -- text helpers ------------------------------------------------------------------------------------

function splice(text: string, from: number, to: number, insert: string): string {
  return text.slice(0, from) + insert + text.slice(to);
}

function lineStartOf(text: string, position: number): number {
  return text.lastIndexOf('\n', position - 1) + 1;
}

function indentOf(text: string, position: number): string {
  const start = lineStartOf(text, position);
  return /^[ \t]*/.exec(text.slice(start, position))![0];
}

/** The nested selection `a { b { c } }` on one line. */
function inlineSelection(names: readonly string[]): string {
  const [first, ...rest] = names;
  return rest.length ? `${first} { ${inlineSelection(rest)} }` : first;
}

/** The nested selection one field per line, each level indented by `unit` more than `indent`. */
function blockSelection(names: readonly string[], indent: string, unit: string): string {
  const [first, ...rest] = names;
  if (!rest.length) {
    return first;
  }
  return `${first} {\n${indent}${unit}${blockSelection(rest, indent + unit, unit)}\n${indent}}`;
}

/** Where a new selection goes after `end`: past a comment that ends the line, else right at `end`. */
function afterTrailingComment(text: string, end: number): number {
  const rest = /^[ \t,]*(#[^\n\r]*)?(?=\r?\n|$)/.exec(text.slice(end));
  return rest ? end + rest[0].length : end;
}

/** Insert `names` (a nested chain) as the last selection of `selectionSet`, in the set's own style. */
function insertInto(text: string, selectionSet: SelectionSetNode, names: readonly string[]): string {
  const last = selectionSet.selections[selectionSet.selections.length - 1];
  const open = selectionSet.loc!.start;
  const close = selectionSet.loc!.end - 1;
  if (!/\n/.test(text.slice(open, close))) {
    return splice(text, last.loc!.end, last.loc!.end, ` ${inlineSelection(names)}`);
  }
  const indent = indentOf(text, last.loc!.start);
  const ownerIndent = indentOf(text, open);
  const unit = indent.length > ownerIndent.length ? indent.slice(ownerIndent.length) : '  ';
  const lastIsAlone = lineStartOf(text, last.loc!.start) + indent.length === last.loc!.start;
  const lineIndent = lastIsAlone ? indent : ownerIndent + unit;
  const at = afterTrailingComment(text, last.loc!.end);
  return splice(text, at, at, `\n${lineIndent}${blockSelection(names, lineIndent, unit)}`);
}

/** The whole new operation `{ a { b } }` (or `mutation { ... }`), one field per line. */
function newOperation(kind: OperationKind, names: readonly string[]): string {
  const head = kind === 'mutation' ? 'mutation {' : '{';
  return `${head}\n  ${blockSelection(names, '  ', '  ')}\n}`;
}

/** The text of a new `%%ion` cell selecting `path` (e.g. `runs.edges.node.id`); `note` becomes a comment. */
export function newIonCell(kind: OperationKind, path: readonly string[], note = ''): string {
  const comment = note ? `# ${note}\n` : '';
  return `%%ion\n${comment}${newOperation(kind, path)}`;
}

/**
 * Add the field at `path` to the cell's operation of `kind`, creating the fields on the way as needed (an
 * operation too, when the cell has none of that kind). The text is returned unchanged when it is there.
 */
export function addField(text: string, kind: OperationKind, path: readonly string[]): string {
  const cell = parseCell(text);
  const operation = operationOf(cell, kind);
  if (!operation) {
    const trimmed = text.replace(/\s+$/, '');
    return `${trimmed}\n${newOperation(kind, path)}`;
  }
  const { found, container } = locate(cell, operation, path);
  if (found.length === path.length) {
    return text;
  }
  const missing = path.slice(found.length);
  const deepest = found[found.length - 1]?.field;
  if (deepest && !deepest.selectionSet) {
    return splice(text, deepest.loc!.end, deepest.loc!.end, ` { ${inlineSelection(missing)} }`);
  }
  return insertInto(text, container.selectionSet, missing);
}

/** The range to delete for a node at [start, end): its line when it stands alone on it, else the node. */
function removalRange(text: string, start: number, end: number): [number, number] {
  const lineStart = lineStartOf(text, start);
  const aloneBefore = /^[ \t,]*$/.test(text.slice(lineStart, start));
  const after = /^[ \t]*,?[ \t]*(#[^\n\r]*)?(\r?\n|$)/.exec(text.slice(end));
  if (aloneBefore && after) {
    const lineEnd = end + after[0].length;
    return after[2] || lineStart === 0 ? [lineStart, lineEnd] : [lineStart - 1, lineEnd];
  }
  const trailing = /^[ \t]*,?[ \t]*/.exec(text.slice(end))![0];
  const leading = /[ \t]*,?[ \t]*$/.exec(text.slice(lineStart, start))![0];
  if (/,/.test(trailing) || (!after && !/,/.test(leading))) {
    return [start, end + trailing.length];
  }
  return [start - leading.length, end];
}

/**
 * Remove the field at `path` from the cell's operation of `kind`. A selection set left empty goes with
 * its owner (a field, an inline fragment, at last the operation), so the GraphQL stays valid. The text is
 * returned unchanged when the field is not there.
 */
export function removeField(text: string, kind: OperationKind, path: readonly string[]): string {
  const cell = parseCell(text);
  const operation = operationOf(cell, kind);
  if (!operation) {
    return text;
  }
  const { found } = locate(cell, operation, path);
  if (found.length !== path.length) {
    return text;
  }
  const target = found[found.length - 1];
  let node: { loc?: { start: number; end: number } } = target.field;
  for (let index = target.chain.length - 1; index >= 0; index--) {
    const { owner, selectionSet } = target.chain[index];
    if (selectionSet.selections.length > 1) {
      break;
    }
    if (owner.kind === Kind.FRAGMENT_DEFINITION) {
      throw new CellSyntaxError(
        `${target.field.name.value} is the only field of fragment ${owner.name.value}: edit the fragment by hand.`
      );
    }
    node = owner;
  }
  const [from, to] = removalRange(text, node.loc!.start, node.loc!.end);
  return splice(text, from, to, '');
}

// -- arguments -------------------------------------------------------------------------------------

/** The value the field at `path` gives argument `name`, as written in the cell; null when absent. */
export function argumentValue(
  text: string,
  kind: OperationKind,
  path: readonly string[],
  name: string
): ValueNode | null {
  const cell = parseCell(text);
  const operation = operationOf(cell, kind);
  if (!operation) {
    return null;
  }
  const { found } = locate(cell, operation, path);
  if (found.length !== path.length) {
    return null;
  }
  return found[found.length - 1].field.arguments?.find(argument => argument.name.value === name)?.value ?? null;
}

/**
 * Give the field at `path` the argument `name: literal` (replacing its value when it has one), or remove
 * the argument when `literal` is null. The field must be in the cell.
 */
export function setArgument(
  text: string,
  kind: OperationKind,
  path: readonly string[],
  name: string,
  literal: string | null
): string {
  const cell = parseCell(text);
  const operation = operationOf(cell, kind);
  const found = operation ? locate(cell, operation, path).found : [];
  if (found.length !== path.length) {
    throw new CellSyntaxError(`${path.join('.')} is not in the cell.`);
  }
  const field = found[found.length - 1].field;
  const args = field.arguments ?? [];
  const index = args.findIndex(argument => argument.name.value === name);
  if (index >= 0 && literal !== null) {
    const value = args[index].value.loc!;
    return splice(text, value.start, value.end, literal);
  }
  if (index >= 0) {
    if (args.length === 1) {
      const open = text.lastIndexOf('(', args[0].loc!.start);
      const close = text.indexOf(')', args[0].loc!.end);
      return splice(text, open, close + 1, '');
    }
    const from = index === 0 ? args[0].loc!.start : args[index - 1].loc!.end;
    const to = index === 0 ? args[1].loc!.start : args[index].loc!.end;
    return splice(text, from, to, '');
  }
  if (literal === null) {
    return text;
  }
  if (args.length) {
    const end = args[args.length - 1].loc!.end;
    return splice(text, end, end, `, ${name}: ${literal}`);
  }
  const end = field.name.loc!.end;
  return splice(text, end, end, `(${name}: ${literal})`);
}
