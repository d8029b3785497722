/**
 * The explorer's History tab (DOM only): every `%%ion` run of the notebook's kernel session, newest first;
 * a click shows the run's document, and a button inserts it as a new cell.
 */
import { describeRoots } from './ionState';
import { IRunRecord } from './schemaMessage';

export const NO_RUNS = 'No %%ion cell has run in this kernel session yet.';

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text = ''): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  node.textContent = text;
  return node;
}

/** The time of a record in the reader's clock (HH:MM:SS), or the raw text when it does not parse. */
function clockTime(iso: string): string {
  const time = new Date(iso);
  return Number.isNaN(time.getTime()) ? iso : time.toLocaleTimeString([], { hour12: false });
}

export class HistoryView {
  readonly node = element('div', 'ion-history');
  private readonly list = element('ol', 'ion-history-list');
  private readonly detail = element('div', 'ion-history-detail');
  private selected: IRunRecord | null = null;

  constructor(private readonly insertCell: (text: string) => void) {
    this.list.setAttribute('aria-label', 'Runs of this kernel session');
    this.node.append(this.list, this.detail);
  }

  render(records: readonly IRunRecord[]): void {
    this.list.replaceChildren();
    if (!records.includes(this.selected!)) {
      this.select(null);
    }
    if (!records.length) {
      this.list.append(element('li', 'ion-history-empty', NO_RUNS));
      return;
    }
    for (const record of [...records].reverse()) {
      const entry = element('button', 'ion-history-entry');
      entry.type = 'button';
      entry.setAttribute('aria-pressed', String(record === this.selected));
      const complete = record.roots.every(root => root.complete);
      entry.append(
        element('span', 'ion-history-time', clockTime(record.time)),
        element('span', 'ion-history-environment', record.environment),
        element('span', `ion-history-roots${complete ? '' : ' ion-history-incomplete'}`, describeRoots(record))
      );
      entry.title = record.time;
      entry.addEventListener('click', () => {
        this.select(record);
        this.render(records);
      });
      const item = element('li', 'ion-history-item');
      item.append(entry);
      this.list.append(item);
    }
  }

  private select(record: IRunRecord | null): void {
    this.selected = record;
    this.detail.replaceChildren();
    if (!record) {
      return;
    }
    const insert = element('button', 'jp-mod-styled jp-mod-accept ion-history-insert', 'Insert as a new cell');
    insert.type = 'button';
    insert.addEventListener('click', () => this.insertCell(record.document));
    const variables = record.variables.length ? `Variables: ${record.variables.map(name => `$${name}`).join(', ')}` : '';
    this.detail.append(
      element('pre', 'ion-history-document', record.document),
      element('div', 'ion-history-variables', variables),
      insert
    );
  }
}
