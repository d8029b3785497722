import { isEnumType, isObjectType } from 'graphql';

import { readSchemaUpdate, SchemaMessageError } from '../schemaMessage';
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
    expect(readSchemaUpdate({ schema: null, endpoint: null })).toEqual({ schema: null, endpoint: null, fragments: [] });
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
