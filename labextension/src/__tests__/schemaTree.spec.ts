import {
  childFields,
  connectionNodeType,
  firstSelection,
  isTicked,
  ITreeField,
  rootFields,
  searchRows
} from '../schemaTree';
import { selectedPaths } from '../queryDocument';
import { explorerSchema } from './explorerFixtures';

function byLabel(fields: ITreeField[], label: string): ITreeField {
  const found = fields.find(field => field.label === label);
  if (!found) {
    throw new Error(`no ${label} among ${fields.map(field => field.label).join(', ')}`);
  }
  return found;
}

describe('the tree', () => {
  const schema = explorerSchema();
  const roots = rootFields(schema);
  const runs = byLabel(roots, 'Query.runs');

  it('lists the queries, then the mutations', () => {
    expect(roots.map(root => root.label)).toEqual([
      'Query.runs', 'Query.run', 'Query.readings', 'Query.version', 'Mutation.createRun', 'Mutation.deleteRun'
    ]);
    expect(roots.map(root => root.kind)).toEqual(['query', 'query', 'query', 'query', 'mutation', 'mutation']);
  });

  it('shows a field\'s type, arguments and whole description', () => {
    expect(runs.type).toBe('RunConnection');
    expect(runs.args.map(arg => `${arg.name}: ${arg.type}`)).toEqual([
      'filters: RunsInputFilters', 'sort: [RunSortEnum]', 'first: Int', 'after: String'
    ]);
    expect(runs.description).toBe('Runs of procedures.\nSecond line of the description: all of it is shown.');
  });

  it('expands a connection to its node type\'s fields, at their place in a document', () => {
    expect(runs.connection).toBe(true);
    const children = childFields(runs);
    expect(children.map(child => child.label)).toEqual(['Run.id', 'Run.title', 'Run.status', 'Run.quantity', 'Run.steps']);
    const title = byLabel(children, 'Run.title');
    expect(title.documentPath).toEqual(['runs', 'edges', 'node', 'title']);
    expect(title.tickPath).toEqual(['runs', 'edges', 'node', 'title']);
    expect(byLabel(children, 'Run.status').enumValues).toEqual(['TODO', 'IN_PROGRESS', 'COMPLETE']);
  });

  it('expands lists and follows cycles lazily', () => {
    const steps = byLabel(childFields(runs), 'Run.steps');
    expect(steps.connection).toBe(false);
    expect(steps.tickPath).toEqual(['runs', 'edges', 'node', 'steps', 'id']);
    const run = byLabel(childFields(steps), 'RunStep.run');
    const again = byLabel(childFields(run), 'Run.steps');
    expect(again.documentPath).toEqual(['runs', 'edges', 'node', 'steps', 'run', 'steps']);
    expect(again.key).toBe('query:runs.edges.node.steps.run.steps');
  });

  it('starts a selection with id, else a plain field, else through a payload', () => {
    expect(runs.tickPath).toEqual(['runs', 'edges', 'node', 'id']);
    expect(byLabel(roots, 'Query.readings').tickPath).toEqual(['readings', 'edges', 'node', 'value']);
    expect(byLabel(roots, 'Mutation.createRun').tickPath).toEqual(['createRun', 'run', 'id']);
    expect(byLabel(roots, 'Query.version').tickPath).toEqual(['version']);
    expect(firstSelection(schema.getType('Station') as never)).toEqual(['name']);
  });

  it('knows a connection by its edges and nodes', () => {
    expect(connectionNodeType(schema.getQueryType()!.getFields().runs.type)?.name).toBe('Run');
    expect(connectionNodeType(schema.getQueryType()!.getFields().run.type)).toBeNull();
  });

  it('ticks the rows a document selects, for its own operation kind only', () => {
    const selection = selectedPaths('%%ion\n{ runs { edges { node { id title } } } }');
    const children = childFields(runs);
    expect(isTicked(runs, selection)).toBe(true);
    expect(isTicked(byLabel(children, 'Run.title'), selection)).toBe(true);
    expect(isTicked(byLabel(children, 'Run.status'), selection)).toBe(false);
    const mutation = selectedPaths('%%ion\nmutation { runs { id } }');
    expect(isTicked(runs, mutation)).toBe(false);
  });
});

describe('searchRows', () => {
  const roots = rootFields(explorerSchema());

  it('shows everything for an empty search', () => {
    expect(searchRows(roots, ' ').map(view => view.field.label)).toHaveLength(roots.length);
  });

  it('keeps fields matching by name, type or description', () => {
    const views = searchRows(roots, 'runs');
    expect(views.map(view => [view.field.label, view.matches])).toEqual([
      ['Query.runs', true],
      ['Query.run', false]
    ]);
    expect(views[1].matchingChildren.map(child => `${child.label}: ${child.type}`)).toEqual([
      'Run.status: RunStatus',
      'Run.steps: [RunStep]'
    ]);
    expect(searchRows(roots, 'RUNCONNECTION').map(view => view.field.label)).toEqual(['Query.runs']);
    expect(searchRows(roots, 'second line').map(view => view.field.label)).toEqual(['Query.runs']);
  });

  it('opens a field on the children that match', () => {
    const views = searchRows(roots, 'station');
    expect(views.map(view => [view.field.label, view.matches])).toEqual([['Query.readings', false]]);
    expect(views[0].matchingChildren.map(child => child.label)).toEqual(['Reading.station']);
  });
});
