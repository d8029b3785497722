/**
 * The CodeMirror extension on every code cell editor: while the cell's first line starts with `%%ion`, a
 * compartment holds the `%%ion` language (magic line + GraphQL), `tok-*` classes, and, given the notebook's
 * schema, completion, lint and hover; it is emptied again when the magic goes away.
 */
import { autocompletion, Completion, CompletionContext, CompletionResult, snippet } from '@codemirror/autocomplete';
import { syntaxHighlighting } from '@codemirror/language';
import { Diagnostic, linter } from '@codemirror/lint';
import { Compartment, EditorState, Extension, Prec, StateEffect, StateField, Text } from '@codemirror/state';
import { Decoration, EditorView, hoverTooltip, Tooltip, ViewPlugin } from '@codemirror/view';
import { classHighlighter } from '@lezer/highlight';
import { GraphQLSchema } from 'graphql';

import { hoverAt, ISuggestion, problemsIn, suggestionsAt } from './analysis';
import { ionCellLanguage, magicLineHighlighter } from './language';
import { ILibraryFragment } from './libraryFragments';
import { isIonCellText, magicLineSpan } from './magicLine';
import { SchemaSlot } from './schemaStore';

/** True when the document is an `%%ion` cell. */
export function isIonCell(doc: Text): boolean {
  return isIonCellText(doc.toString());
}

/** Replace the schema an editor works with (null: highlighting only). */
export const setSchema = StateEffect.define<GraphQLSchema | null>();

/** The schema of the editor's notebook, as last sent by its kernel. */
export const schemaField = StateField.define<GraphQLSchema | null>({
  create: () => null,
  update(schema, transaction) {
    for (const effect of transaction.effects) {
      if (effect.is(setSchema)) {
        schema = effect.value;
      }
    }
    return schema;
  }
});

function schemaOf(state: EditorState): GraphQLSchema | null {
  return state.field(schemaField, false) ?? null;
}

/** Replace the fragment library an editor knows (the kernel's operations folder). */
export const setLibrary = StateEffect.define<readonly ILibraryFragment[]>();

/** The library fragments a cell may spread, as last sent by the notebook's kernel. */
export const libraryField = StateField.define<readonly ILibraryFragment[]>({
  create: () => [],
  update(library, transaction) {
    for (const effect of transaction.effects) {
      if (effect.is(setLibrary)) {
        library = effect.value;
      }
    }
    return library;
  }
});

function libraryOf(state: EditorState): readonly ILibraryFragment[] {
  return state.field(libraryField, false) ?? [];
}

function toCompletion(suggestion: ISuggestion): Completion {
  return {
    label: suggestion.label,
    type: suggestion.type,
    detail: suggestion.detail,
    info: suggestion.documentation || undefined,
    boost: suggestion.deprecated ? -1 : 0,
    apply: suggestion.snippet ? snippet(suggestion.snippet) : suggestion.label
  };
}

/** Completion from the schema: on typing a name (or `$`), or on demand (Ctrl-Space) anywhere. */
export function ionCompletionSource(context: CompletionContext): CompletionResult | null {
  const schema = schemaOf(context.state);
  if (!schema) {
    return null;
  }
  const word = context.matchBefore(/\$?\w*/);
  const typed = word !== null && word.from < word.to;
  if (!typed && !context.explicit) {
    return null;
  }
  const suggestions = suggestionsAt(schema, context.state.doc, context.pos, libraryOf(context.state));
  if (!suggestions.length) {
    return null;
  }
  return { from: word?.from ?? context.pos, options: suggestions.map(toCompletion), validFor: /^\$?\w*$/ };
}

/** Lint from the schema: unknown fields, bad arguments, syntax errors. */
export function ionDiagnostics(state: EditorState): Diagnostic[] {
  const schema = schemaOf(state);
  if (!schema) {
    return [];
  }
  return problemsIn(schema, state.doc, libraryOf(state)).map(problem => ({ ...problem, source: 'GraphQL' }));
}

/** The hover card: the first line (the field or argument and its type) in code style, then the description. */
export function ionHover(state: EditorState, pos: number): Tooltip | null {
  const schema = schemaOf(state);
  const text = schema ? hoverAt(schema, state.doc, pos, libraryOf(state)) : null;
  if (!text) {
    return null;
  }
  const word = state.wordAt(pos);
  return {
    pos: word?.from ?? pos,
    end: word?.to ?? pos,
    above: true,
    create: () => {
      const dom = document.createElement('div');
      dom.className = 'ion-hover';
      const [signature, ...description] = text.split('\n');
      const code = dom.appendChild(document.createElement('code'));
      code.className = 'ion-hover-signature';
      code.textContent = signature;
      const rest = description.join('\n').trim();
      if (rest) {
        const paragraph = dom.appendChild(document.createElement('div'));
        paragraph.className = 'ion-hover-description';
        paragraph.textContent = rest;
      }
      return { dom };
    }
  };
}

const magicLineDecoration = EditorView.decorations.compute(['doc'], state => {
  const span = magicLineSpan(state.doc.toString());
  const line = span ? [Decoration.line({ class: 'ion-magic-line' }).range(state.doc.lineAt(span.from).from)] : [];
  return Decoration.set(line);
});

/** Everything an `%%ion` cell gets while it is one. */
const ionCellEditing: Extension = [
  Prec.highest(ionCellLanguage),
  syntaxHighlighting(classHighlighter),
  syntaxHighlighting(magicLineHighlighter),
  magicLineDecoration,
  EditorView.editorAttributes.compute([schemaField], state => ({
    class: 'ion-cell',
    'data-ion-schema': schemaOf(state) ? 'loaded' : 'none'
  })),
  autocompletion({ override: [ionCompletionSource], icons: false }),
  linter(view => ionDiagnostics(view.state), {
    delay: 300,
    needsRefresh: update =>
      schemaOf(update.startState) !== schemaOf(update.state) || libraryOf(update.startState) !== libraryOf(update.state)
  }),
  hoverTooltip((view, pos) => ionHover(view.state, pos))
];

/** Options of {@link ionCellExtension}. */
export interface IIonCellOptions {
  /** The editor's text when it is created, to start in the right mode. */
  initialText: string;
  /** The notebook's schema slot, when the editor belongs to a notebook. */
  schemas?: SchemaSlot | null;
}

/** The extension for one code cell editor. */
export function ionCellExtension(options: IIonCellOptions): Extension {
  const mode = new Compartment();
  const isActive = (state: EditorState) => mode.get(state) === ionCellEditing;
  const wanted = (doc: Text) => (isIonCell(doc) ? ionCellEditing : []);
  const slot = options.schemas ?? null;
  return [
    schemaField.init(() => slot?.schema ?? null),
    libraryField.init(() => slot?.fragments.value ?? []),
    mode.of(isIonCellText(options.initialText) ? ionCellEditing : []),
    EditorState.transactionExtender.of(transaction => {
      if (!transaction.docChanged || isIonCell(transaction.newDoc) === isActive(transaction.startState)) {
        return null;
      }
      return { effects: mode.reconfigure(wanted(transaction.newDoc)) };
    }),
    ViewPlugin.define(view => {
      let destroyed = false;
      // The text a cell is created with can differ from the one its editor opens with (collaborative
      // sync); the first edit would fix that, this fixes it at once.
      queueMicrotask(() => {
        if (!destroyed && isIonCell(view.state.doc) !== isActive(view.state)) {
          view.dispatch({ effects: mode.reconfigure(wanted(view.state.doc)) });
        }
      });
      const unsubscribe = slot?.subscribe(schema => view.dispatch({ effects: setSchema.of(schema) }));
      const unsubscribeLibrary = slot?.fragments.subscribe(library =>
        view.dispatch({ effects: setLibrary.of(library) })
      );
      return {
        destroy: () => {
          destroyed = true;
          unsubscribe?.();
          unsubscribeLibrary?.();
        }
      };
    })
  ];
}
