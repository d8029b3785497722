/**
 * The comm protocol between the kernel and the front end, on the front end's side (pure: no JupyterLab).
 *
 * Target `ion_magic.schema`. The kernel opens a comm with data
 * `{schema, endpoint, fragments, environment, identity}` whenever the login or its fragment library
 * (`fragments`, see libraryFragments.ts) changes, and one with `{run: record}` after every run of `%%ion` or
 * `%ion NAME`; the front end opens one with `{request: "schema"}` when a kernel becomes ready, and the kernel
 * answers with one login message that also holds `history` (every run so far), or closes it when ion_magic
 * is not loaded. `schema` is the `data` of the standard introspection query (`{__schema: ...}`) or null.
 * No token ever travels this way.
 */
import { buildClientSchema, GraphQLSchema, IntrospectionQuery } from 'graphql';

import { ILibraryFragment, readFragments } from './libraryFragments';

export const COMM_TARGET = 'ion_magic.schema';

/** What the front end sends to ask a kernel for its schema. */
export const SCHEMA_REQUEST = { request: 'schema' } as const;

/** A schema update from the kernel: the login (all null when logged out). */
export interface ISchemaUpdate {
  schema: GraphQLSchema | null;
  endpoint: string | null;
  /** The ION environment's name (`sandbox`, `production`, ...). */
  environment: string | null;
  /** Who the login acts as, in words, when the kernel knows it. */
  identity: string | null;
  /** The operations folder's fragments, for completion and checks of `...Name` spreads. */
  fragments: ILibraryFragment[];
  /** The runs so far, when the message carries them (the answer to a request); null otherwise. */
  history: IRunRecord[] | null;
}

/** How one root field of a run went. */
export interface IRootRecord {
  field: string;
  rows: number;
  seconds: number;
  complete: boolean;
  /** Why the root is incomplete; null when complete. */
  stopped: string | null;
}

/** One run of `%%ion` or `%ion NAME`, as the kernel records it: never a token, a secret or a variable's value. */
export interface IRunRecord {
  /** ISO 8601, UTC. */
  time: string;
  /** The cell as run, magic line first. */
  document: string;
  roots: IRootRecord[];
  environment: string;
  /** The names of the operation's variables. */
  variables: string[];
}

/** What a kernel message says: a new login state, or one more run. */
export type KernelMessage = { kind: 'login'; update: ISchemaUpdate } | { kind: 'run'; record: IRunRecord };

/** Why a message could not be used; reported on the console, never thrown at the user. */
export class SchemaMessageError extends Error {}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function readRoot(data: unknown): IRootRecord {
  if (!isRecord(data) || typeof data.field !== 'string') {
    throw new SchemaMessageError('a run record\'s root has no field name');
  }
  return {
    field: data.field,
    rows: typeof data.rows === 'number' ? data.rows : 0,
    seconds: typeof data.seconds === 'number' ? data.seconds : 0,
    complete: data.complete === true,
    stopped: stringOrNull(data.stopped)
  };
}

/** Read one run record; throws SchemaMessageError when it lacks its time or document. */
export function readRunRecord(data: unknown): IRunRecord {
  if (!isRecord(data) || typeof data.time !== 'string' || typeof data.document !== 'string') {
    throw new SchemaMessageError('a run record needs a time and a document');
  }
  return {
    time: data.time,
    document: data.document,
    roots: Array.isArray(data.roots) ? data.roots.map(readRoot) : [],
    environment: stringOrNull(data.environment) ?? '',
    variables: Array.isArray(data.variables) ? data.variables.filter(name => typeof name === 'string') : []
  };
}

/** Read any message of the kernel: a login (see readSchemaUpdate) or `{run: record}`. */
export function readKernelMessage(data: unknown): KernelMessage {
  if (isRecord(data) && 'run' in data) {
    return { kind: 'run', record: readRunRecord(data.run) };
  }
  return { kind: 'login', update: readSchemaUpdate(data) };
}

/**
 * Read a `{schema, endpoint, fragments, environment, identity[, history]}` message. `schema: null` means no schema
 * (logged out): highlighting only.
 * Throws SchemaMessageError for anything else, including an introspection result graphql-js rejects.
 */
export function readSchemaUpdate(data: unknown): ISchemaUpdate {
  if (!isRecord(data) || !('schema' in data)) {
    const shape = isRecord(data) ? `keys ${Object.keys(data).join(', ')}` : typeof data;
    throw new SchemaMessageError(`not a schema message (${shape})`);
  }
  const login = {
    endpoint: stringOrNull(data.endpoint),
    environment: stringOrNull(data.environment),
    identity: stringOrNull(data.identity),
    fragments: readFragments(data.fragments),
    history: Array.isArray(data.history) ? data.history.map(readRunRecord) : null
  };
  if (data.schema === null) {
    return { schema: null, ...login };
  }
  if (!isRecord(data.schema) || !isRecord(data.schema.__schema)) {
    throw new SchemaMessageError('schema is neither null nor an introspection result ({"__schema": ...})');
  }
  try {
    return { schema: buildClientSchema(data.schema as unknown as IntrospectionQuery), ...login };
  } catch (error) {
    throw new SchemaMessageError(`unusable introspection result: ${(error as Error).message}`);
  }
}
