/**
 * Where each notebook's current GraphQL schema lives in the front end, so that every `%%ion` editor of the
 * notebook (including cells created later) sees the schema its kernel last sent.
 */
import { GraphQLSchema } from 'graphql';

export type SchemaListener = (schema: GraphQLSchema | null) => void;

/** The schema of one notebook (null: not logged in, or unknown), with change notification. */
export class SchemaSlot {
  private current: GraphQLSchema | null = null;
  private readonly listeners = new Set<SchemaListener>();

  get schema(): GraphQLSchema | null {
    return this.current;
  }

  set(schema: GraphQLSchema | null): void {
    if (schema === this.current) {
      return;
    }
    this.current = schema;
    for (const listener of [...this.listeners]) {
      listener(schema);
    }
  }

  /** Call `listener` on every change until the returned function is called. */
  subscribe(listener: SchemaListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** One slot per notebook, keyed by the notebook's shared model (what each cell model points back to). */
export class NotebookSchemas {
  private readonly slots = new WeakMap<object, SchemaSlot>();

  slotFor(notebook: object): SchemaSlot {
    let slot = this.slots.get(notebook);
    if (!slot) {
      slot = new SchemaSlot();
      this.slots.set(notebook, slot);
    }
    return slot;
  }
}
