import { argumentEdit, minimalChange, MUTATION_NOTE, tickEdit } from '../builder';
import { CellSyntaxError } from '../queryDocument';
import { childFields, ITreeField, rootFields } from '../schemaTree';
import { explorerSchema } from './explorerFixtures';

const roots = rootFields(explorerSchema());
const field = (label: string, among: ITreeField[] = roots): ITreeField => among.find(f => f.label === label)!;
const runs = field('Query.runs');
const title = field('Run.title', childFields(runs));

describe('tickEdit', () => {
  it('inserts a new %%ion cell when the active cell is not one', () => {
    for (const active of [null, '', 'x = 1']) {
      expect(tickEdit(active, runs, true)).toEqual({
        action: 'insert',
        text: '%%ion\n{\n  runs {\n    edges {\n      node {\n        id\n      }\n    }\n  }\n}'
      });
    }
    expect(tickEdit('x = 1', runs, false)).toEqual({ action: 'none' });
  });

  it('inserts a mutation with a note and never --allow-mutation', () => {
    const edit = tickEdit('%%ion\n{ runs { edges { node { id } } } }', field('Mutation.createRun'), true);
    expect(edit.action).toBe('insert');
    const text = (edit as { text: string }).text;
    expect(text.startsWith(`%%ion\n# ${MUTATION_NOTE}\nmutation {`)).toBe(true);
    expect(text.split('\n')[0]).toBe('%%ion');
  });

  it('edits the active %%ion cell', () => {
    const cell = '%%ion --all\n{ runs { edges { node { id } } } }';
    const added = tickEdit(cell, title, true);
    expect(added).toEqual({ action: 'edit', text: '%%ion --all\n{ runs { edges { node { id title } } } }' });
    expect(tickEdit((added as { text: string }).text, title, false)).toEqual({ action: 'edit', text: cell });
    expect(tickEdit(cell, title, false)).toEqual({ action: 'none' });
    expect(tickEdit(cell, runs, true)).toEqual({ action: 'none' });
  });

  it('says when the active cell does not parse', () => {
    expect(() => tickEdit('%%ion\n{ runs {', title, true)).toThrow(CellSyntaxError);
  });
});

describe('argumentEdit', () => {
  it('writes the argument into the active cell, ticking the field first when needed', () => {
    const cell = '%%ion\n{ runs { edges { node { id } } } }';
    expect(argumentEdit(cell, runs, 'sort', '[TITLE_ASC]')).toEqual({
      action: 'edit',
      text: '%%ion\n{ runs(sort: [TITLE_ASC]) { edges { node { id } } } }'
    });
    const other = '%%ion\n{ version }';
    expect(argumentEdit(other, runs, 'sort', '[TITLE_ASC]')).toEqual({
      action: 'edit',
      text: '%%ion\n{ version runs(sort: [TITLE_ASC]) { edges { node { id } } } }'
    });
    expect(argumentEdit(cell, runs, 'sort', null)).toEqual({ action: 'none' });
  });

  it('inserts a new cell with the argument when the active cell is not an %%ion cell', () => {
    const edit = argumentEdit('print(1)', runs, 'filters', '{status: {eq: TODO}}');
    expect(edit).toEqual({ action: 'insert', text: expect.stringContaining('  runs(filters: {status: {eq: TODO}}) {\n') });
    expect(argumentEdit('print(1)', runs, 'filters', null)).toEqual({ action: 'none' });
  });
});

describe('minimalChange', () => {
  it('finds the one replaced range', () => {
    expect(minimalChange('{ a b }', '{ a x b }')).toEqual({ from: 4, to: 4, insert: 'x ' });
    expect(minimalChange('{ a b c }', '{ a c }')).toEqual({ from: 4, to: 6, insert: '' });
    expect(minimalChange('same', 'same')).toEqual({ from: 4, to: 4, insert: '' });
  });
});
