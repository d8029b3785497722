import { CompletionContext, CompletionResult } from '@codemirror/autocomplete';
import { language } from '@codemirror/language';
import { EditorState } from '@codemirror/state';

import { ionCellExtension, ionCompletionSource, ionDiagnostics, ionHover, schemaField, setSchema } from '../editor';
import { ionCellLanguage } from '../language';
import { SchemaSlot } from '../schemaStore';
import { smallSchema } from './fixtures';

function cell(text: string, slot: SchemaSlot | null = null): EditorState {
  return EditorState.create({ doc: text, extensions: ionCellExtension({ initialText: text, schemas: slot }) });
}

function withSchema(text: string): EditorState {
  const slot = new SchemaSlot();
  slot.set(smallSchema());
  return cell(text, slot);
}

const isIonMode = (state: EditorState) => state.facet(language) === ionCellLanguage;

function type(state: EditorState, text: string, at = state.doc.length): EditorState {
  return state.update({ changes: { from: at, insert: text } }).state;
}

describe('switching a cell to %%ion and back', () => {
  it('starts in %%ion mode when created with the magic', () => {
    expect(isIonMode(cell('%%ion\n{ runs }'))).toBe(true);
    expect(isIonMode(cell('print("%%ion")'))).toBe(false);
  });

  it('switches while the magic is typed, character by character', () => {
    let state = cell('\n{ runs { edges } }');
    const seen: boolean[] = [];
    for (const [i, ch] of [...'%%ion'].entries()) {
      state = type(state, ch, i);
      seen.push(isIonMode(state));
    }
    expect(seen).toEqual([false, false, false, false, true]);
    state = type(state, 'ic', 5);
    expect(isIonMode(state)).toBe(false);
  });

  it('switches back when the magic line is removed', () => {
    let state = cell('%%ion --x\n{ runs }');
    state = state.update({ changes: { from: 0, to: '%%ion --x\n'.length } }).state;
    expect(state.doc.toString()).toBe('{ runs }');
    expect(isIonMode(state)).toBe(false);
  });

  it('leaves other cells alone, whatever they contain later in the text', () => {
    let state = cell('df = 1');
    state = type(state, '\n%%ion\n{ runs }');
    expect(isIonMode(state)).toBe(false);
  });
});

describe('the schema of a cell', () => {
  it('comes from the notebook slot at creation and follows it via setSchema', () => {
    const slot = new SchemaSlot();
    const schema = smallSchema();
    slot.set(schema);
    let state = cell('%%ion\n{ }', slot);
    expect(state.field(schemaField)).toBe(schema);
    state = state.update({ effects: setSchema.of(null) }).state;
    expect(state.field(schemaField)).toBeNull();
  });

  it('survives the cell leaving and re-entering %%ion mode', () => {
    let state = withSchema('%%ion\n{ }');
    state = state.update({ changes: { from: 0, to: 1 } }).state;
    state = type(state, '%', 0);
    expect(isIonMode(state)).toBe(true);
    expect(state.field(schemaField)).not.toBeNull();
  });
});

function complete(state: EditorState, marker: string, explicit = false): string[] {
  const pos = state.doc.toString().indexOf(marker) + marker.length;
  const result = ionCompletionSource(new CompletionContext(state, pos, explicit)) as CompletionResult | null;
  return result ? result.options.map(option => option.label) : [];
}

describe('completion', () => {
  it('offers the fields of the type under the cursor when asked', () => {
    const state = withSchema('%%ion --x\n{ runs { edges { node {  } } } }');
    expect(complete(state, 'node { ', true)).toEqual(expect.arrayContaining(['id', 'title', 'status', 'quantity']));
    expect(complete(state, 'node { ', true)).not.toContain('runs');
  });

  it('narrows to the typed prefix, and stays quiet on whitespace unless asked', () => {
    const state = withSchema('%%ion\n{ runs { edges { node { st } } } }');
    expect(complete(state, 'node { st')[0]).toBe('status');
    expect(complete(state, 'node { st')).not.toContain('title');
    expect(complete(state, 'node { ')).toEqual([]);
  });

  it('offers root fields, arguments, enum values and declared variables', () => {
    expect(complete(withSchema('%%ion\n{ r }'), '{ r')).toEqual(expect.arrayContaining(['run', 'runs']));
    expect(complete(withSchema('%%ion\n{ runs(f) { edges { node { id } } } }'), 'runs(f')).toEqual(
      expect.arrayContaining(['first', 'filters'])
    );
    expect(
      complete(withSchema('%%ion\n{ runs(filters: {status: I}) { edges { node { id } } } }'), 'status: I')
    ).toEqual(['IN_PROGRESS']);
    const withVariables = withSchema(
      '%%ion\nquery ($n: Int, $s: RunStatus) { runs(first: $) { edges { node { id } } } }'
    );
    expect(complete(withVariables, 'first: $')).toEqual(['$n']);
  });

  it('offers nothing in the magic line, nor without a schema', () => {
    expect(complete(withSchema('%%ion --r\n{ runs }'), '--r', true)).toEqual([]);
    expect(complete(cell('%%ion\n{ r }'), '{ r', true)).toEqual([]);
  });
});

describe('lint', () => {
  it('underlines an unknown field and a bad argument where they are', () => {
    const text = '%%ion --x\n{ runs(frist: 3) { edges { node { titel } } } }';
    const problems = ionDiagnostics(withSchema(text));
    const underlined = problems.map(problem => text.slice(problem.from, problem.to));
    expect(underlined).toEqual(expect.arrayContaining([expect.stringMatching(/^frist/), 'titel']));
    expect(problems.find(problem => problem.message.includes('titel'))?.message).toContain('Did you mean "title"');
    expect(problems.every(problem => problem.severity === 'error')).toBe(true);
  });

  it('finds nothing wrong with a valid cell, its magic line included', () => {
    expect(
      ionDiagnostics(withSchema('%%ion --page-size 5 df\n{ runs(first: 3) { edges { node { title } } } }'))
    ).toEqual([]);
  });

  it('is silent without a schema and on a cell with no GraphQL yet', () => {
    expect(ionDiagnostics(cell('%%ion\n{ runs { titel } }'))).toEqual([]);
    expect(ionDiagnostics(withSchema('%%ion\n'))).toEqual([]);
  });
});

describe('hover', () => {
  it('covers the word under the pointer', () => {
    const text = '%%ion\n{ runs { edges { node { title } } } }';
    const tooltip = ionHover(withSchema(text), text.indexOf('title') + 2);
    expect(tooltip && text.slice(tooltip.pos, tooltip.end)).toBe('title');
  });

  it('is absent without a schema', () => {
    const text = '%%ion\n{ runs }';
    expect(ionHover(cell(text), text.indexOf('runs') + 1)).toBeNull();
  });
});
