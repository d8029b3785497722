import { CompletionContext, CompletionResult } from '@codemirror/autocomplete';
import { EditorState, Text } from '@codemirror/state';

import { hoverAt, problemsIn, suggestionsAt } from '../analysis';
import { ionCellExtension, ionCompletionSource, ionDiagnostics, ionHover, libraryField, setLibrary } from '../editor';
import { readFragments } from '../libraryFragments';
import { readSchemaUpdate } from '../schemaMessage';
import { SchemaSlot } from '../schemaStore';
import { introspectionOf, smallSchema } from './fixtures';

const doc = (text: string) => Text.of(text.split('\n'));

/** What the kernel sends for an operations folder with two fragments (one using the other). */
const LIBRARY = [
  { name: 'RunBasics', typeCondition: 'Run', text: 'fragment RunBasics on Run {\n  id\n  title\n  ...RunState\n}' },
  { name: 'RunState', typeCondition: 'Run', text: 'fragment RunState on Run { status }' },
  { name: 'Broken', typeCondition: 'Run', text: 'fragment Broken on Run { titel }' }
];

describe('the fragments field of the schema message', () => {
  it('is read with the schema, and absent means none', () => {
    const update = readSchemaUpdate({ schema: introspectionOf(smallSchema()), endpoint: null, fragments: LIBRARY });
    expect(update.fragments.map(fragment => fragment.name)).toEqual(['RunBasics', 'RunState', 'Broken']);
    expect(readSchemaUpdate({ schema: null, endpoint: null }).fragments).toEqual([]);
  });

  it('leaves out entries that are not fragments', () => {
    expect(readFragments([LIBRARY[1], { name: 'X' }, 'fragment Y on Run { id }', null])).toEqual([LIBRARY[1]]);
    expect(readFragments('nope')).toEqual([]);
  });
});

describe('library fragments in the analysis of a cell', () => {
  const cell = '%%ion\n{ runs { edges { node { ...RunBasics } } } }';

  it('knows spreads of library fragments: no "Unknown fragment" problem', () => {
    const schema = smallSchema();
    expect(problemsIn(schema, doc(cell)).map(problem => problem.message)).toEqual(['Unknown fragment "RunBasics".']);
    expect(problemsIn(schema, doc(cell), LIBRARY)).toEqual([]);
  });

  it('still reports a misspelt spread, at the spread', () => {
    const text = '%%ion\n{ runs { edges { node { ...RunBasic } } } }';
    const problems = problemsIn(smallSchema(), doc(text), LIBRARY);
    expect(problems.map(problem => problem.message)).toEqual(['Unknown fragment "RunBasic".']);
    expect(text.slice(problems[0].from, problems[0].to)).toContain('RunBasic');
  });

  it('reports an unfinished cell at its end, not inside the library text', () => {
    const text = '%%ion\n{ runs { edges { node { ...RunBasics';
    const problems = problemsIn(smallSchema(), doc(text), LIBRARY);
    expect(problems.map(problem => problem.message)).toEqual([expect.stringContaining('Syntax Error')]);
    expect(problems[0].to).toBeGreaterThanOrEqual(text.length - 1);
  });

  it('checks a library fragment against the type it is spread into', () => {
    const text = '%%ion\n{ runs { pageInfo { ...RunState } } }';
    const messages = problemsIn(smallSchema(), doc(text), LIBRARY).map(problem => problem.message);
    expect(messages).toEqual([expect.stringContaining('Fragment "RunState" cannot be spread here')]);
  });

  it('lets the cell define a fragment of the same name (its own wins)', () => {
    const text = cell + '\nfragment RunBasics on Run { quantity }';
    expect(problemsIn(smallSchema(), doc(text), LIBRARY)).toEqual([]);
    expect(hoverAt(smallSchema(), doc(text), text.indexOf('RunBasics') + 2, LIBRARY)).toBeNull();
  });

  it('completes library fragment names after ...', () => {
    const text = '%%ion\n{ runs { edges { node { ...Run } } } }';
    const labels = suggestionsAt(smallSchema(), doc(text), text.indexOf('...Run') + 6, LIBRARY).map(s => s.label);
    expect(labels).toEqual(expect.arrayContaining(['RunBasics', 'RunState']));
    expect(suggestionsAt(smallSchema(), doc(text), text.indexOf('...Run') + 6).map(s => s.label)).not.toContain(
      'RunBasics'
    );
  });

  it('hovers a spread with the fragment, its type and its text', () => {
    const hover = hoverAt(smallSchema(), doc(cell), cell.indexOf('RunBasics') + 3, LIBRARY);
    expect(hover?.split('\n')[0]).toBe('fragment RunBasics on Run (operations folder)');
    expect(hover).toContain('...RunState');
  });
});

describe('library fragments in the editor', () => {
  function editor(text: string, library: typeof LIBRARY = []): { state: EditorState; slot: SchemaSlot } {
    const slot = new SchemaSlot();
    slot.set(smallSchema());
    slot.fragments.set(library);
    const state = EditorState.create({ doc: text, extensions: ionCellExtension({ initialText: text, schemas: slot }) });
    return { state, slot };
  }

  it('lints, completes and hovers with the fragments of the notebook slot', () => {
    const text = '%%ion\n{ runs { edges { node { ...RunB } } } }';
    const { state } = editor(text, LIBRARY);
    const pos = text.indexOf('RunB') + 4;
    const result = ionCompletionSource(new CompletionContext(state, pos, false)) as CompletionResult;
    expect(result.options.map(option => option.label)).toContain('RunBasics');
    expect(ionDiagnostics(state).map(d => d.message)).toEqual(['Unknown fragment "RunB".']);
    const fixed = state.update({ changes: { from: pos, insert: 'asics' } }).state;
    expect(ionDiagnostics(fixed)).toEqual([]);
    expect(ionHover(fixed, pos)).not.toBeNull();
  });

  it('starts from the slot and follows setLibrary (what the slot dispatches when the kernel sends one)', () => {
    const text = '%%ion\n{ runs { edges { node { ...RunState } } } }';
    const { state } = editor(text);
    expect(state.field(libraryField)).toEqual([]);
    expect(ionDiagnostics(state)).toHaveLength(1);
    const updated = state.update({ effects: setLibrary.of(LIBRARY) }).state;
    expect(ionDiagnostics(updated)).toEqual([]);
    expect(editor(text, LIBRARY).state.field(libraryField)).toBe(LIBRARY);
  });
});
