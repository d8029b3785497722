/**
 * What the front end knows of one notebook's ION login and runs (pure: no JupyterLab), with change
 * notification for the side panel and the status bar.
 */
import { GraphQLSchema } from 'graphql';

import { IRunRecord, ISchemaUpdate } from './schemaMessage';

export type StateListener = (state: NotebookIonState) => void;

/** One notebook's login (schema, environment, identity) and the runs of its kernel session. */
export class NotebookIonState {
  private login: ISchemaUpdate = {
    schema: null,
    endpoint: null,
    environment: null,
    identity: null,
    fragments: [],
    history: null
  };
  private runs: IRunRecord[] = [];
  private readonly listeners = new Set<StateListener>();

  get schema(): GraphQLSchema | null {
    return this.login.schema;
  }

  get environment(): string | null {
    return this.login.environment;
  }

  get identity(): string | null {
    return this.login.identity;
  }

  /** The runs, oldest first. */
  get history(): readonly IRunRecord[] {
    return this.runs;
  }

  /** A login message: replaces the login, and the history when the message carries one. */
  setLogin(update: ISchemaUpdate): void {
    this.login = update;
    if (update.history !== null) {
      this.runs = [...update.history];
    }
    this.notify();
  }

  addRun(record: IRunRecord): void {
    this.runs = [...this.runs, record];
    this.notify();
  }

  /** Call `listener` on every change until the returned function is called. */
  subscribe(listener: StateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    for (const listener of [...this.listeners]) {
      listener(this);
    }
  }
}

/** One state per notebook, keyed by the notebook's panel. */
export class NotebookStates {
  private readonly states = new WeakMap<object, NotebookIonState>();

  stateFor(notebook: object): NotebookIonState {
    let state = this.states.get(notebook);
    if (!state) {
      state = new NotebookIonState();
      this.states.set(notebook, state);
    }
    return state;
  }
}

const IDENTITY_LENGTH = 24;

/** The status bar's text for a notebook: `ION: sandbox · demo@…`; null when it is not logged in. */
export function statusText(state: Pick<NotebookIonState, 'environment' | 'identity'>): string | null {
  if (!state.environment) {
    return null;
  }
  const identity = state.identity ?? '';
  const short = identity.length > IDENTITY_LENGTH ? `${identity.slice(0, IDENTITY_LENGTH - 1)}…` : identity;
  return short ? `ION: ${state.environment} · ${short}` : `ION: ${state.environment}`;
}

/** A run's roots in a few words: `runs: 52 rows, 0.31 s` (and why a root is incomplete). */
export function describeRoots(record: IRunRecord): string {
  if (!record.roots.length) {
    return 'raw data';
  }
  return record.roots
    .map(root => {
      const state = root.complete ? '' : `, incomplete: ${root.stopped ?? 'stopped'}`;
      const rows = `${root.rows.toLocaleString('en')} row${root.rows === 1 ? '' : 's'}`;
      return `${root.field}: ${rows}, ${root.seconds.toFixed(2)} s${state}`;
    })
    .join('; ');
}
