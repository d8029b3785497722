/**
 * Keeps one notebook's schema, login, fragment library and run history in step with its kernel over the
 * `ion_magic.schema` comm: listens for the kernel's pushes, asks for the schema when a kernel becomes ready,
 * and forgets it when the kernel changes, restarts or dies.
 */
import type { ISessionContext } from '@jupyterlab/apputils';
import type { Kernel, KernelMessage } from '@jupyterlab/services';
import type { IDisposable } from '@lumino/disposable';

import {
  COMM_TARGET,
  IRunRecord,
  ISchemaUpdate,
  readKernelMessage,
  SCHEMA_REQUEST,
  SchemaMessageError
} from './schemaMessage';

/** What the front end knows of a kernel that is gone: nothing, no fragments and no runs. */
const NO_SCHEMA: ISchemaUpdate = {
  schema: null,
  endpoint: null,
  environment: null,
  identity: null,
  fragments: [],
  history: []
};
const KERNEL_LOST: ReadonlySet<Kernel.Status> = new Set(['restarting', 'autorestarting', 'dead']);

/** Options of {@link KernelSchemaLink}. */
export interface IKernelSchemaLinkOptions {
  /** The notebook's session. */
  session: ISessionContext;
  /** Called with every schema update (including `NO_SCHEMA` when the kernel goes away). */
  onUpdate: (update: ISchemaUpdate) => void;
  /** Called with the record of every run (`%%ion` or `%ion NAME`) the kernel reports. */
  onRun?: (record: IRunRecord) => void;
  /**
   * Whether to ask the kernel for its schema now. Asking a kernel without ion_magic makes it log an error,
   * so the plugin only asks for notebooks that use ion_magic; it asks again at the kernel's next idle.
   */
  shouldRequest: () => boolean;
}

export class KernelSchemaLink implements IDisposable {
  private kernel: Kernel.IKernelConnection | null = null;
  private requestPending = false;
  private disposed = false;

  constructor(private readonly options: IKernelSchemaLinkOptions) {
    options.session.kernelChanged.connect(this.onKernelChanged, this);
    this.attach(options.session.session?.kernel ?? null);
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.options.session.kernelChanged.disconnect(this.onKernelChanged, this);
    this.attach(null);
    this.disposed = true;
  }

  private onKernelChanged(
    _session: ISessionContext,
    change: { newValue: Kernel.IKernelConnection | null }
  ): void {
    this.attach(change.newValue);
  }

  private attach(kernel: Kernel.IKernelConnection | null): void {
    if (kernel === this.kernel) {
      return;
    }
    if (this.kernel && !this.kernel.isDisposed) {
      this.kernel.removeCommTarget(COMM_TARGET, this.onCommOpen);
      this.kernel.statusChanged.disconnect(this.onStatusChanged, this);
    }
    this.kernel = kernel;
    this.options.onUpdate(NO_SCHEMA);
    if (!kernel) {
      return;
    }
    kernel.registerCommTarget(COMM_TARGET, this.onCommOpen);
    kernel.statusChanged.connect(this.onStatusChanged, this);
    this.requestPending = true;
    this.onStatusChanged(kernel, kernel.status);
  }

  private onStatusChanged(kernel: Kernel.IKernelConnection, status: Kernel.Status): void {
    if (KERNEL_LOST.has(status)) {
      this.requestPending = true;
      this.options.onUpdate(NO_SCHEMA);
    } else if (status === 'idle' && this.requestPending && this.options.shouldRequest()) {
      this.requestPending = false;
      this.request(kernel);
    }
  }

  private readonly onCommOpen = (_comm: Kernel.IComm, message: KernelMessage.ICommOpenMsg): void => {
    this.deliver(message.content.data);
  };

  private request(kernel: Kernel.IKernelConnection): void {
    const comm = kernel.createComm(COMM_TARGET);
    comm.onMsg = message => {
      this.deliver(message.content.data);
      if (!comm.isDisposed) {
        comm.close();
      }
    };
    comm.open({ ...SCHEMA_REQUEST });
  }

  private deliver(data: unknown): void {
    if (this.disposed) {
      return;
    }
    try {
      const message = readKernelMessage(data);
      if (message.kind === 'run') {
        this.options.onRun?.(message.record);
      } else {
        this.options.onUpdate(message.update);
      }
    } catch (error) {
      if (!(error instanceof SchemaMessageError)) {
        throw error;
      }
      console.warn(`ion-magic: ignoring a schema message: ${error.message}`);
    }
  }
}
