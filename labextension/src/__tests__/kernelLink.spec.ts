/**
 * KernelSchemaLink against a stand-in for JupyterLab's kernel connection: only the calls the link makes
 * (comm targets, comms, status), with real Lumino signals. The real thing runs in tests/browser.
 */
import { Signal } from '@lumino/signaling';
import type { ISessionContext } from '@jupyterlab/apputils';
import type { Kernel } from '@jupyterlab/services';

import { KernelSchemaLink } from '../kernelLink';
import { COMM_TARGET, IRunRecord, ISchemaUpdate } from '../schemaMessage';
import { introspectionOf, smallSchema } from './fixtures';

type CommTarget = (comm: unknown, message: { content: { data: unknown } }) => void;

class StandInComm {
  opened: unknown = undefined;
  closed = false;
  isDisposed = false;
  onMsg: ((message: { content: { data: unknown } }) => void) | null = null;
  constructor(readonly targetName: string) {}
  open(data: unknown): void {
    this.opened = data;
  }
  close(): void {
    this.closed = true;
    this.isDisposed = true;
  }
}

class StandInKernel {
  readonly statusChanged = new Signal<StandInKernel, Kernel.Status>(this);
  readonly targets = new Map<string, CommTarget>();
  readonly comms: StandInComm[] = [];
  isDisposed = false;
  constructor(public status: Kernel.Status = 'starting') {}
  registerCommTarget(name: string, target: CommTarget): void {
    this.targets.set(name, target);
  }
  removeCommTarget(name: string, target: CommTarget): void {
    if (this.targets.get(name) === target) {
      this.targets.delete(name);
    }
  }
  createComm(targetName: string): StandInComm {
    const comm = new StandInComm(targetName);
    this.comms.push(comm);
    return comm;
  }
  setStatus(status: Kernel.Status): void {
    this.status = status;
    this.statusChanged.emit(status);
  }
  /** The kernel opening a comm of its own, as ion_magic does on login/logout/refresh. */
  push(data: unknown): void {
    this.targets.get(COMM_TARGET)?.({}, { content: { data } });
  }
}

class StandInSession {
  readonly kernelChanged = new Signal<StandInSession, { newValue: StandInKernel | null }>(this);
  session: { kernel: StandInKernel | null } | null = null;
  changeKernel(kernel: StandInKernel | null): void {
    this.session = { kernel };
    this.kernelChanged.emit({ newValue: kernel });
  }
}

function setUp(usesIon = true) {
  const session = new StandInSession();
  const updates: ISchemaUpdate[] = [];
  const runs: IRunRecord[] = [];
  const link = new KernelSchemaLink({
    session: session as unknown as ISessionContext,
    onUpdate: update => updates.push(update),
    onRun: record => runs.push(record),
    shouldRequest: () => usesIon
  });
  return { session, updates, runs, link };
}

const LOGGED_IN = { schema: introspectionOf(smallSchema()), endpoint: 'http://127.0.0.1:9/graphql' };

describe('KernelSchemaLink', () => {
  it('registers the comm target on each kernel it sees and applies what the kernel pushes', () => {
    const { session, updates } = setUp();
    const kernel = new StandInKernel();
    session.changeKernel(kernel);
    expect(kernel.targets.has(COMM_TARGET)).toBe(true);
    kernel.push(LOGGED_IN);
    expect(updates.at(-1)?.schema?.getType('Run')).toBeDefined();
    kernel.push({ schema: null, endpoint: null });
    expect(updates.at(-1)?.schema).toBeNull();
  });

  it('asks a kernel for its schema once it is ready, and closes the comm after the answer', () => {
    const { session, updates } = setUp();
    const kernel = new StandInKernel('starting');
    session.changeKernel(kernel);
    expect(kernel.comms).toHaveLength(0);
    kernel.setStatus('idle');
    kernel.setStatus('busy');
    kernel.setStatus('idle');
    expect(kernel.comms).toHaveLength(1);
    const [comm] = kernel.comms;
    expect(comm.targetName).toBe(COMM_TARGET);
    expect(comm.opened).toEqual({ request: 'schema' });
    comm.onMsg?.({ content: { data: LOGGED_IN } });
    expect(updates.at(-1)?.endpoint).toBe(LOGGED_IN.endpoint);
    expect(comm.closed).toBe(true);
  });

  it('passes run records on, and a lost kernel empties the history', () => {
    const { session, updates, runs } = setUp();
    const kernel = new StandInKernel('idle');
    session.changeKernel(kernel);
    kernel.push({ ...LOGGED_IN, environment: 'sandbox', identity: null });
    const record = { time: 't', document: '%%ion\n{ a }', roots: [], environment: 'sandbox', variables: [] };
    kernel.push({ run: record });
    expect(runs).toEqual([record]);
    expect(updates.at(-1)?.environment).toBe('sandbox');
    kernel.setStatus('dead');
    expect(updates.at(-1)).toMatchObject({ schema: null, environment: null, history: [] });
  });

  it('does not ask kernels of notebooks that do not use ion_magic', () => {
    const { session } = setUp(false);
    const kernel = new StandInKernel('idle');
    session.changeKernel(kernel);
    kernel.setStatus('idle');
    expect(kernel.comms).toHaveLength(0);
  });

  it('forgets the schema when the kernel restarts, and asks again when it is back', () => {
    const { session, updates } = setUp();
    const kernel = new StandInKernel('idle');
    session.changeKernel(kernel);
    kernel.push(LOGGED_IN);
    kernel.setStatus('restarting');
    expect(updates.at(-1)?.schema).toBeNull();
    kernel.setStatus('idle');
    expect(kernel.comms).toHaveLength(2);
  });

  it('moves to a new kernel: the old one is let go, the schema starts empty', () => {
    const { session, updates } = setUp();
    const first = new StandInKernel('idle');
    session.changeKernel(first);
    first.push(LOGGED_IN);
    const second = new StandInKernel('starting');
    session.changeKernel(second);
    expect(first.targets.has(COMM_TARGET)).toBe(false);
    expect(updates.at(-1)?.schema).toBeNull();
    first.setStatus('idle');
    first.push(LOGGED_IN);
    expect(updates.at(-1)?.schema).toBeNull();
  });

  it('ignores malformed messages without dropping the current schema', () => {
    const { session, updates } = setUp();
    const kernel = new StandInKernel('idle');
    session.changeKernel(kernel);
    kernel.push(LOGGED_IN);
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    kernel.push({ schema: { __schema: 'garbage' } });
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
    expect(updates.at(-1)?.schema).not.toBeNull();
  });

  it('stops listening once disposed', () => {
    const { session, updates, link } = setUp();
    const kernel = new StandInKernel('idle');
    session.changeKernel(kernel);
    link.dispose();
    const count = updates.length;
    kernel.push(LOGGED_IN);
    session.changeKernel(new StandInKernel('idle'));
    expect(updates.length).toBe(count);
  });
});
