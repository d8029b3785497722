/**
 * Where each notebook's current GraphQL schema lives in the front end, so that every `%%ion` editor of the
 * notebook (including cells created later) sees the schema its kernel last sent.
 */
import { GraphQLSchema } from 'graphql';

import { ILibraryFragment } from './libraryFragments';

export type Listener<T> = (value: T) => void;
export type SchemaListener = Listener<GraphQLSchema | null>;

/** A value with change notification. */
export class Slot<T> {
  private readonly listeners = new Set<Listener<T>>();

  constructor(private current: T) {}

  get value(): T {
    return this.current;
  }

  set(value: T): void {
    if (value === this.current) {
      return;
    }
    this.current = value;
    for (const listener of [...this.listeners]) {
      listener(value);
    }
  }

  /** Call `listener` on every change until the returned function is called. */
  subscribe(listener: Listener<T>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** The schema of one notebook (null: not logged in, or unknown), and the kernel's fragment library. */
export class SchemaSlot extends Slot<GraphQLSchema | null> {
  readonly fragments = new Slot<readonly ILibraryFragment[]>([]);

  constructor() {
    super(null);
  }

  get schema(): GraphQLSchema | null {
    return this.value;
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
