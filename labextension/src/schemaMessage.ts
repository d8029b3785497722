/**
 * The comm protocol between the kernel and the front end, on the front end's side (pure: no JupyterLab).
 *
 * Target `ion_magic.schema`. The kernel opens a comm with data `{schema, endpoint, fragments}` whenever its
 * schema (or its fragment library: `fragments`, see libraryFragments.ts) changes; the front end opens one with `{request: "schema"}` when a kernel becomes ready, and the kernel
 * answers with one message `{schema, endpoint}` (or closes it, when ion_magic is not loaded). `schema` is the
 * `data` of the standard introspection query (`{__schema: ...}`) or null. No token ever travels this way.
 */
import { buildClientSchema, GraphQLSchema, IntrospectionQuery } from 'graphql';

import { ILibraryFragment, readFragments } from './libraryFragments';

export const COMM_TARGET = 'ion_magic.schema';

/** What the front end sends to ask a kernel for its schema. */
export const SCHEMA_REQUEST = { request: 'schema' } as const;

/** A schema update from the kernel. */
export interface ISchemaUpdate {
  schema: GraphQLSchema | null;
  endpoint: string | null;
  fragments: ILibraryFragment[];
}

/** Why a message could not be used; reported on the console, never thrown at the user. */
export class SchemaMessageError extends Error {}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Read a `{schema, endpoint}` message. `schema: null` means no schema (logged out): highlighting only.
 * Throws SchemaMessageError for anything else, including an introspection result graphql-js rejects.
 */
export function readSchemaUpdate(data: unknown): ISchemaUpdate {
  if (!isRecord(data) || !('schema' in data)) {
    const shape = isRecord(data) ? `keys ${Object.keys(data).join(', ')}` : typeof data;
    throw new SchemaMessageError(`not a schema message (${shape})`);
  }
  const endpoint = typeof data.endpoint === 'string' ? data.endpoint : null;
  const fragments = readFragments(data.fragments);
  if (data.schema === null) {
    return { schema: null, endpoint, fragments };
  }
  if (!isRecord(data.schema) || !isRecord(data.schema.__schema)) {
    throw new SchemaMessageError('schema is neither null nor an introspection result ({"__schema": ...})');
  }
  try {
    return { schema: buildClientSchema(data.schema as unknown as IntrospectionQuery), endpoint, fragments };
  } catch (error) {
    throw new SchemaMessageError(`unusable introspection result: ${(error as Error).message}`);
  }
}
