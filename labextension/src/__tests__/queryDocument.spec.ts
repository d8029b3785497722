import { parse } from 'graphql';

import {
  addField,
  argumentValue,
  CellSyntaxError,
  newIonCell,
  operationKindOf,
  removeField,
  selectedPaths,
  setArgument
} from '../queryDocument';

const NODE = ['runs', 'edges', 'node'];

/** The cell's GraphQL must still parse after every edit. */
function graphqlOf(text: string): string {
  const body = text.slice(text.indexOf('\n') + 1);
  if (body.trim()) {
    parse(body);
  }
  return body;
}

describe('newIonCell', () => {
  it('writes a pageable skeleton one field per line', () => {
    expect(newIonCell('query', [...NODE, 'id'])).toBe(
      '%%ion\n{\n  runs {\n    edges {\n      node {\n        id\n      }\n    }\n  }\n}'
    );
  });

  it('writes a mutation with its note as a comment and no --allow-mutation', () => {
    const text = newIonCell('mutation', ['createRun', 'run', 'id'], 'add --allow-mutation to run it');
    expect(text.split('\n').slice(0, 3)).toEqual(['%%ion', '# add --allow-mutation to run it', 'mutation {']);
    expect(graphqlOf(text)).toContain('createRun {');
  });
});

describe('addField', () => {
  const multiLine = newIonCell('query', [...NODE, 'id']);

  it('adds a field under a connection node, in the cell\'s own layout', () => {
    expect(addField(multiLine, 'query', [...NODE, 'title'])).toBe(
      '%%ion\n{\n  runs {\n    edges {\n      node {\n        id\n        title\n      }\n    }\n  }\n}'
    );
  });

  it('adds at every depth, creating the selections on the way', () => {
    let text = addField(multiLine, 'query', [...NODE, 'steps', 'status']);
    expect(text).toContain('        id\n        steps {\n          status\n        }\n');
    text = addField(text, 'query', [...NODE, 'steps', 'title']);
    expect(text).toContain('          status\n          title\n        }');
    text = addField(text, 'query', ['parts', 'edges', 'node', 'id']);
    expect(text.endsWith('  }\n  parts {\n    edges {\n      node {\n        id\n      }\n    }\n  }\n}')).toBe(true);
    expect(selectedPaths(text).paths).toEqual(
      new Set([
        'runs', 'runs.edges', 'runs.edges.node', 'runs.edges.node.id', 'runs.edges.node.steps',
        'runs.edges.node.steps.status', 'runs.edges.node.steps.title',
        'parts', 'parts.edges', 'parts.edges.node', 'parts.edges.node.id'
      ])
    );
  });

  it('adds inline to a one-line cell and keeps the magic line and its options', () => {
    const text = '%%ion runs --page-size 5 --all\n{ runs(first: 5) { edges { node { id } } } }';
    expect(addField(text, 'query', [...NODE, 'title'])).toBe(
      '%%ion runs --page-size 5 --all\n{ runs(first: 5) { edges { node { id title } } } }'
    );
    expect(addField(text, 'query', [...NODE, 'procedure', 'id'])).toBe(
      '%%ion runs --page-size 5 --all\n{ runs(first: 5) { edges { node { id procedure { id } } } } }'
    );
  });

  it('keeps comments, odd indentation and commas', () => {
    const text = [
      '%%ion --max-rows 10',
      '# my runs',
      'query Mine {',
      '    runs {   # all of them',
      '        edges { node {',
      '            id,  # the id',
      '            status',
      '        } }',
      '    }',
      '}'
    ].join('\n');
    const added = addField(text, 'query', [...NODE, 'title']);
    expect(added).toBe(text.replace('            status\n', '            status\n            title\n'));
    graphqlOf(added);
  });

  it('puts the new field after a comment that ends the last line', () => {
    const text = '%%ion\n{\n  runs {\n    edges {\n      node {\n        id # the id\n      }\n    }\n  }\n}';
    expect(addField(text, 'query', [...NODE, 'title'])).toContain('        id # the id\n        title\n');
  });

  it('finds a field under an inline fragment and adds below it', () => {
    const text = '%%ion\n{ runs { edges { node { ... on Run { id steps { id } } } } } }';
    const added = addField(text, 'query', [...NODE, 'steps', 'status']);
    expect(added).toBe('%%ion\n{ runs { edges { node { ... on Run { id steps { id status } } } } } }');
    expect(selectedPaths(added).paths.has('runs.edges.node.steps.status')).toBe(true);
  });

  it('looks through aliases', () => {
    const text = '%%ion\n{ recent: runs { edges { node { id } } } }';
    expect(addField(text, 'query', [...NODE, 'title'])).toBe('%%ion\n{ recent: runs { edges { node { id title } } } }');
  });

  it('leaves the text alone when the field is there', () => {
    const text = '%%ion\n{ runs { edges { node { id title } } } }';
    expect(addField(text, 'query', [...NODE, 'title'])).toBe(text);
  });

  it('starts an operation in a cell that has only the magic line and comments', () => {
    expect(addField('%%ion --all\n# later\n', 'query', ['me', 'id'])).toBe('%%ion --all\n# later\n{\n  me {\n    id\n  }\n}');
    expect(operationKindOf('%%ion --all\n# later\n')).toBeNull();
  });

  it('refuses a cell that does not parse', () => {
    expect(() => addField('%%ion\n{ runs { edges ', 'query', [...NODE, 'id'])).toThrow(CellSyntaxError);
  });
});

describe('removeField', () => {
  it('removes a field on its own line, and only that line', () => {
    const text = '%%ion\n{\n  runs {\n    edges {\n      node {\n        id\n        title\n      }\n    }\n  }\n}';
    expect(removeField(text, 'query', [...NODE, 'title'])).toBe(newIonCell('query', [...NODE, 'id']));
  });

  it('removes inline fields and their commas', () => {
    const text = '%%ion\n{ runs { edges { node { id, title, status } } } }';
    expect(removeField(text, 'query', [...NODE, 'title'])).toBe('%%ion\n{ runs { edges { node { id, status } } } }');
    expect(removeField(text, 'query', [...NODE, 'status'])).toBe('%%ion\n{ runs { edges { node { id, title } } } }');
    expect(removeField(text, 'query', [...NODE, 'id'])).toBe('%%ion\n{ runs { edges { node { title, status } } } }');
  });

  it('removes a nested field with its selection, at every depth', () => {
    const text = '%%ion\n{ runs { edges { node { id steps { id status } } } } }';
    const once = removeField(text, 'query', [...NODE, 'steps', 'status']);
    expect(once).toBe('%%ion\n{ runs { edges { node { id steps { id } } } } }');
    expect(removeField(once, 'query', [...NODE, 'steps'])).toBe('%%ion\n{ runs { edges { node { id } } } }');
  });

  it('takes an emptied selection with its owner, up to the operation', () => {
    const text = '%%ion --all\n# keep me\n{ runs { edges { node { id } } } }\n';
    expect(removeField(text, 'query', [...NODE, 'id'])).toBe('%%ion --all\n# keep me\n');
    const two = '%%ion\n{\n  runs { edges { node { id } } }\n  parts { edges { node { id } } }\n}';
    expect(removeField(two, 'query', [...NODE, 'id'])).toBe('%%ion\n{\n  parts { edges { node { id } } }\n}');
  });

  it('removes under an inline fragment, and the fragment when it empties', () => {
    const text = '%%ion\n{ runs { edges { node { id ... on Run { title status } } } } }';
    const once = removeField(text, 'query', [...NODE, 'title']);
    expect(once).toBe('%%ion\n{ runs { edges { node { id ... on Run { status } } } } }');
    expect(removeField(once, 'query', [...NODE, 'status'])).toBe('%%ion\n{ runs { edges { node { id } } } }');
  });

  it('keeps comments and layout of the rest', () => {
    const text = [
      '%%ion runs',
      '{',
      '  # runs first',
      '  runs {',
      '    edges { node {',
      '      id',
      '      title   # drop me with my comment',
      '      status',
      '    } }',
      '  }',
      '}'
    ].join('\n');
    const removed = removeField(text, 'query', [...NODE, 'title']);
    expect(removed).toBe(text.replace('      title   # drop me with my comment\n', ''));
    graphqlOf(removed);
  });

  it('edits a named fragment it reaches, and refuses to empty one', () => {
    const text = '%%ion\n{ runs { edges { node { ...R } } } }\nfragment R on Run { id title }';
    expect(selectedPaths(text).paths.has('runs.edges.node.title')).toBe(true);
    const once = removeField(text, 'query', [...NODE, 'title']);
    expect(once).toBe('%%ion\n{ runs { edges { node { ...R } } } }\nfragment R on Run { id }');
    expect(() => removeField(once, 'query', [...NODE, 'id'])).toThrow(/only field of fragment R/);
  });

  it('leaves the text alone when the field is not there', () => {
    const text = '%%ion\n{ runs { edges { node { id } } } }';
    expect(removeField(text, 'query', [...NODE, 'title'])).toBe(text);
    expect(removeField(text, 'mutation', ['createRun'])).toBe(text);
  });

  it('is the inverse of addField', () => {
    const start = '%%ion --page-size 5\n{\n  # comment\n  runs(first: 3) {\n    edges {\n      node {\n        id\n      }\n    }\n  }\n}';
    const added: Array<[string[], string[]]> = [
      [[...NODE, 'title'], [...NODE, 'title']],
      [[...NODE, 'steps', 'status'], [...NODE, 'steps']],
      [['parts', 'edges', 'node', 'id'], ['parts']]
    ];
    for (const [path, created] of added) {
      const text = addField(start, 'query', path);
      expect(text).not.toBe(start);
      expect(removeField(text, 'query', created)).toBe(start);
    }
  });
});

describe('selectedPaths', () => {
  it('reads the ticks from a document written by hand', () => {
    const selection = selectedPaths('%%ion\nquery { runs(filters: {status: {eq: DONE}}) { edges { node { id title } } } }');
    expect(selection.kind).toBe('query');
    expect([...selection.paths]).toEqual(['runs', 'runs.edges', 'runs.edges.node', 'runs.edges.node.id', 'runs.edges.node.title']);
  });

  it('reads a mutation and a cell with no operation', () => {
    expect(selectedPaths('%%ion\nmutation { createRun(input: {}) { run { id } } }').kind).toBe('mutation');
    expect(selectedPaths('%%ion\n').kind).toBeNull();
  });

  it('survives a fragment that spreads itself', () => {
    const text = '%%ion\n{ runs { edges { node { ...R } } } }\nfragment R on Run { id ...R }';
    expect(selectedPaths(text).paths.has('runs.edges.node.id')).toBe(true);
  });
});

describe('setArgument', () => {
  const text = '%%ion --all\n{\n  runs {\n    edges { node { id } }\n  }\n}';

  it('adds, replaces and removes arguments', () => {
    const withSort = setArgument(text, 'query', ['runs'], 'sort', '[TITLE_ASC]');
    expect(withSort).toContain('  runs(sort: [TITLE_ASC]) {');
    const both = setArgument(withSort, 'query', ['runs'], 'filters', '{status: {eq: COMPLETE}}');
    expect(both).toContain('runs(sort: [TITLE_ASC], filters: {status: {eq: COMPLETE}}) {');
    const replaced = setArgument(both, 'query', ['runs'], 'sort', '[TITLE_DESC]');
    expect(replaced).toContain('runs(sort: [TITLE_DESC], filters: {status: {eq: COMPLETE}}) {');
    expect(argumentValue(replaced, 'query', ['runs'], 'sort')).toMatchObject({ kind: 'ListValue' });
    const noSort = setArgument(replaced, 'query', ['runs'], 'sort', null);
    expect(noSort).toContain('runs(filters: {status: {eq: COMPLETE}}) {');
    expect(setArgument(noSort, 'query', ['runs'], 'filters', null)).toBe(text);
    graphqlOf(both);
  });

  it('removes the last of several arguments with its comma', () => {
    const text2 = '%%ion\n{ runs(first: 5, sort: [ID_ASC]) { edges { node { id } } } }';
    expect(setArgument(text2, 'query', ['runs'], 'sort', null)).toBe('%%ion\n{ runs(first: 5) { edges { node { id } } } }');
  });

  it('needs the field in the cell', () => {
    expect(() => setArgument(text, 'query', ['parts'], 'sort', '[ID_ASC]')).toThrow(/parts is not in the cell/);
  });
});
