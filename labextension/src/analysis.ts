/**
 * GraphQL analysis of an `%%ion` cell given a schema and the kernel's fragment library: completion,
 * diagnostics and hover, via graphql-language-service. The magic line (and any blank line above it) is blanked out
 * (same length, spaces) so offsets and line numbers in the cell and in the GraphQL text are identical and the magic
 * never reaches the analysis.
 */
import { Text } from '@codemirror/state';
import { GraphQLSchema, parse } from 'graphql';
import {
  CompletionItemKind,
  getAutocompleteSuggestions,
  getDiagnostics,
  getHoverInformation,
  IPosition
} from 'graphql-language-service';

import { describeFragment, ILibraryFragment, libraryDefinitions, librarySpreadAt } from './libraryFragments';
import { blankMagicLine, magicLineSpan } from './magicLine';

/** The GraphQL text of a cell: the magic line replaced by as many spaces, everything else unchanged. */
export function graphqlText(cellText: string): string {
  return blankMagicLine(cellText);
}

class Position implements IPosition {
  constructor(
    public line: number,
    public character: number
  ) {}

  setLine(line: number): void {
    this.line = line;
  }

  setCharacter(character: number): void {
    this.character = character;
  }

  lessThanOrEqualTo(other: IPosition): boolean {
    return this.line < other.line || (this.line === other.line && this.character <= other.character);
  }
}

function positionAt(doc: Text, offset: number): Position {
  const line = doc.lineAt(offset);
  return new Position(line.number - 1, offset - line.from);
}

function offsetAt(doc: Text, position: { line: number; character: number }): number {
  const lineNumber = Math.min(Math.max(position.line + 1, 1), doc.lines);
  const line = doc.line(lineNumber);
  return Math.min(line.from + Math.max(position.character, 0), line.to);
}

/** Where the cursor is: inside the magic line nothing GraphQL applies. */
function inMagicLine(doc: Text, offset: number): boolean {
  const span = magicLineSpan(doc.toString());
  return span !== null && offset <= span.to;
}

/** What a suggestion is, in CodeMirror's vocabulary (it picks the icon). */
export type SuggestionType = 'property' | 'variable' | 'enum' | 'type' | 'keyword' | 'function' | 'text';

/** One completion offered at the cursor. `snippet` is a CodeMirror snippet template when there is one. */
export interface ISuggestion {
  label: string;
  type: SuggestionType;
  detail: string;
  documentation: string;
  deprecated: boolean;
  snippet: string | null;
}

const SUGGESTION_TYPES: Partial<Record<number, SuggestionType>> = {
  [CompletionItemKind.Field]: 'property',
  [CompletionItemKind.Variable]: 'variable',
  [CompletionItemKind.Value]: 'property',
  [CompletionItemKind.Enum]: 'enum',
  [CompletionItemKind.EnumMember]: 'enum',
  [CompletionItemKind.Class]: 'type',
  [CompletionItemKind.Interface]: 'type',
  [CompletionItemKind.Struct]: 'type',
  [CompletionItemKind.TypeParameter]: 'type',
  [CompletionItemKind.Keyword]: 'keyword',
  [CompletionItemKind.Function]: 'keyword',
  [CompletionItemKind.Constructor]: 'keyword'
};

const SNIPPET_FORMAT = 2;

/** LSP snippet tab stops (`$1`) in CodeMirror's template syntax (`${1}`). */
function toCodeMirrorSnippet(lspSnippet: string): string {
  return lspSnippet.replace(/\$(\d+)/g, '${$1}');
}

/**
 * Completions for the GraphQL under `offset` in the cell: fields, arguments, enum values, variables, types,
 * and after `...` the fragments of the cell and of the library.
 */
export function suggestionsAt(
  schema: GraphQLSchema,
  doc: Text,
  offset: number,
  library: readonly ILibraryFragment[] = []
): ISuggestion[] {
  if (inMagicLine(doc, offset)) {
    return [];
  }
  const text = graphqlText(doc.toString());
  const fragments = libraryDefinitions(library, text);
  const items = getAutocompleteSuggestions(schema, text, positionAt(doc, offset), undefined, fragments);
  return items.map(item => ({
    label: item.label,
    type: SUGGESTION_TYPES[item.kind ?? 0] ?? 'text',
    detail: item.detail ?? item.labelDetails?.detail?.trim() ?? '',
    documentation: typeof item.documentation === 'string' ? item.documentation : '',
    deprecated: Boolean(item.isDeprecated),
    snippet: item.insertText && item.insertTextFormat === SNIPPET_FORMAT ? toCodeMirrorSnippet(item.insertText) : null
  }));
}

/** A problem in the cell's GraphQL, as offsets into the cell. */
export interface IProblem {
  from: number;
  to: number;
  severity: 'error' | 'warning' | 'info';
  message: string;
}

const SEVERITIES: IProblem['severity'][] = ['error', 'warning', 'info', 'info'];

function parses(text: string): boolean {
  try {
    parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Syntax and validation problems of the cell's GraphQL against the schema (unknown fields, bad arguments,
 * undeclared variables, unknown fragments...). Library fragments are known; a problem inside one is the
 * kernel's to report (it names the file). A cell with nothing after the magic line has no problems yet.
 */
export function problemsIn(schema: GraphQLSchema, doc: Text, library: readonly ILibraryFragment[] = []): IProblem[] {
  const text = graphqlText(doc.toString());
  if (!text.trim()) {
    return [];
  }
  // An unfinished cell would read on into the appended library text: its syntax error comes first.
  const fragments = parses(text) ? libraryDefinitions(library, text) : [];
  const diagnostics = getDiagnostics(text, schema, undefined, undefined, fragments.length ? fragments : undefined);
  const inCell = diagnostics.filter(diagnostic => diagnostic.range.start.line < doc.lines);
  return inCell.map(diagnostic => {
    const from = offsetAt(doc, diagnostic.range.start);
    // The service's ranges end one character past the offending token.
    const end = offsetAt(doc, diagnostic.range.end) - 1;
    const to = end > from ? end : Math.min(from + 1, doc.length);
    return {
      from: to > from ? from : Math.max(from - 1, 0),
      to,
      severity: SEVERITIES[(diagnostic.severity ?? 1) - 1],
      message: typeof diagnostic.message === 'string' ? diagnostic.message : diagnostic.message.value
    };
  });
}

/**
 * What hovering `offset` shows: the field, argument, enum value or type there, its type and description; or
 * the library fragment a spread names, with its text.
 */
export function hoverAt(
  schema: GraphQLSchema,
  doc: Text,
  offset: number,
  library: readonly ILibraryFragment[] = []
): string | null {
  if (inMagicLine(doc, offset)) {
    return null;
  }
  const text = graphqlText(doc.toString());
  const fragment = librarySpreadAt(library, text, offset);
  if (fragment) {
    return describeFragment(fragment);
  }
  const info = getHoverInformation(schema, text, positionAt(doc, offset), undefined, {
    useMarkdown: false
  });
  const shown = typeof info === 'string' ? info : '';
  return shown.trim() ? shown : null;
}
