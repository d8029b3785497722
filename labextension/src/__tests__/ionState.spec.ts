import { describeRoots, NotebookIonState, statusText } from '../ionState';
import { IRunRecord, ISchemaUpdate } from '../schemaMessage';

const record = (rows: number, complete = true): IRunRecord => ({
  time: '2026-12-01T15:00:00+00:00',
  document: '%%ion\n{ runs { edges { node { id } } } }',
  roots: [{ field: 'runs', rows, seconds: 0.314, complete, stopped: complete ? null : 'interrupted' }],
  environment: 'sandbox',
  variables: []
});

const login = (history: IRunRecord[] | null): ISchemaUpdate => ({
  schema: null, endpoint: 'e', environment: 'sandbox', identity: 'Demo', fragments: [], history
});

describe('NotebookIonState', () => {
  it('keeps the login and the runs, and tells its listeners', () => {
    const state = new NotebookIonState();
    const seen: number[] = [];
    const stop = state.subscribe(changed => seen.push(changed.history.length));
    state.setLogin(login([record(1)]));
    state.addRun(record(2));
    state.setLogin(login(null));
    expect(state.history.map(run => run.roots[0].rows)).toEqual([1, 2]);
    stop();
    state.addRun(record(3));
    expect(seen).toEqual([1, 2, 2]);
  });
});

describe('statusText', () => {
  it('names the environment and who the login acts as', () => {
    expect(statusText({ environment: null, identity: null })).toBeNull();
    expect(statusText({ environment: 'sandbox', identity: null })).toBe('ION: sandbox');
    expect(statusText({ environment: 'production', identity: 'demo@example.com (Acme)' })).toBe(
      'ION: production · demo@example.com (Acme)'
    );
    expect(statusText({ environment: 'sandbox', identity: 'a-very-long-user-name@example.com (Acme)' })).toBe(
      'ION: sandbox · a-very-long-user-name@e…'
    );
  });
});

describe('describeRoots', () => {
  it('says rows, seconds and why a root is incomplete', () => {
    expect(describeRoots(record(1234))).toBe('runs: 1,234 rows, 0.31 s');
    expect(describeRoots(record(1, false))).toBe('runs: 1 row, 0.31 s, incomplete: interrupted');
    expect(describeRoots({ ...record(1), roots: [] })).toBe('raw data');
  });
});
