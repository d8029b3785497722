/**
 * The status bar item naming the active notebook's ION environment and identity (`ION: sandbox · demo@…`),
 * so two notebooks logged in to two environments cannot be confused. Inactive (hidden) while not logged in.
 */
import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import { NotebookIonState, statusText } from './ionState';

export class IonStatusItem extends Widget {
  /** Emitted when the item starts or stops having something to show (the status bar hides it then). */
  readonly activeStateChanged = new Signal<this, void>(this);
  private active = false;

  constructor() {
    super();
    this.addClass('ion-status-item');
    this.addClass('jp-StatusBar-TextItem');
  }

  get isActive(): boolean {
    return this.active;
  }

  /** Show `state`'s login (none: inactive). */
  showState(state: NotebookIonState | null): void {
    const text = state ? statusText(state) : null;
    this.node.textContent = text ?? '';
    const as = state?.identity ? ` as ${state.identity}` : '';
    this.node.title = state?.environment ? `This notebook's kernel is logged in to ION ${state.environment}${as}` : '';
    if (this.active !== (text !== null)) {
      this.active = text !== null;
      this.activeStateChanged.emit();
    }
  }
}
