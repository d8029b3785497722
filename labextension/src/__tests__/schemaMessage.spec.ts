import { isEnumType, isObjectType } from 'graphql';

import { readKernelMessage, readSchemaUpdate, SchemaMessageError } from '../schemaMessage';
import { introspectionOf, smallSchema } from './fixtures';

describe('readSchemaUpdate', () => {
  it('builds a client schema from the introspection data the kernel sends', () => {
    const update = readSchemaUpdate({ schema: introspectionOf(smallSchema()), endpoint: 'http://127.0.0.1:1/graphql' });
    const run = update.schema?.getType('Run');
    expect(isObjectType(run) && Object.keys(run.getFields())).toEqual(['id', 'title', 'status', 'quantity']);
    expect(isEnumType(update.schema?.getType('RunStatus'))).toBe(true);
    expect(update.endpoint).toBe('http://127.0.0.1:1/graphql');
  });

  it('reads a null schema (logged out) as no schema', () => {
    expect(readSchemaUpdate({ schema: null, endpoint: null })).toEqual({
      schema: null, endpoint: null, environment: null, identity: null, fragments: [], history: null
    });
  });

  it('reads the environment, the identity, the fragments and the history of a login', () => {
    const run = { time: 't', document: '%%ion\n{ a }', roots: [{ field: 'a', rows: 2, seconds: 0.5, complete: true, stopped: null }],
      environment: 'sandbox', variables: ['n'] };
    const fragments = [{ name: 'RunBasics', typeCondition: 'Run', text: 'fragment RunBasics on Run { id }' }];
    const update = readSchemaUpdate({
      schema: null, endpoint: 'x', environment: 'sandbox', identity: 'Demo', fragments, history: [run]
    });
    expect(update).toEqual({ schema: null, endpoint: 'x', environment: 'sandbox', identity: 'Demo', fragments, history: [run] });
  });

  it.each([
    ['a request', { request: 'schema' }],
    ['not an object', 'schema'],
    ['a schema that is not introspection', { schema: { types: [] }, endpoint: null }],
    ['a broken introspection result', { schema: { __schema: { types: 'nope' } }, endpoint: null }]
  ])('rejects %s', (_what, data) => {
    expect(() => readSchemaUpdate(data)).toThrow(SchemaMessageError);
  });
});

describe('readKernelMessage', () => {
  it('tells a run record from a login', () => {
    const record = { time: 't', document: 'd', roots: [{ field: 'runs', rows: 3, seconds: 1, complete: false, stopped: 'interrupted' }],
      environment: 'sandbox', variables: [] };
    expect(readKernelMessage({ run: record })).toEqual({ kind: 'run', record });
    expect(readKernelMessage({ schema: null }).kind).toBe('login');
    expect(() => readKernelMessage({ run: { document: 'd' } })).toThrow(SchemaMessageError);
    expect(() => readKernelMessage({ run: { time: 't', document: 'd', roots: [{ rows: 1 }] } })).toThrow(SchemaMessageError);
  });
});
