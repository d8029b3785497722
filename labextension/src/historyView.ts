/**
 * The explorer's History tab (DOM only): every `%%ion` run of the notebook's kernel session, newest first;
 * a click shows the run's document, and a button inserts it as a new cell.
 */
import { element } from './dom';
import { describeRoots } from './ionState';
import { IRunRecord } from './schemaMessage';

export const NO_RUNS = 'No %%ion cell has run in this kernel session yet.';


/** The time of a record in the reader's clock (HH:MM:SS), or the raw text when it does not parse. */
function clockTime(iso: string): string {
  const time = new Date(iso);
  return Number.isNaN(time.getTime()) ? iso : time.toLocaleTimeString([], { hour12: false });
}

export class HistoryView {
  readonly node = element('div', { class: 'ion-history' });
  private readonly list = element('ol', { class: 'ion-history-list' });
  private readonly detail = element('div', { class: 'ion-history-detail' });
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
      this.list.append(element('li', { class: 'ion-history-empty' }, NO_RUNS));
      return;
    }
    for (const record of [...records].reverse()) {
      const entry = element('button', { class: 'ion-history-entry' });
      entry.type = 'button';
      entry.setAttribute('aria-pressed', String(record === this.selected));
      const complete = record.roots.every(root => root.complete);
      entry.append(
        element('span', { class: 'ion-history-time' }, clockTime(record.time)),
        element('span', { class: 'ion-history-environment' }, record.environment),
        element(
          'span',
          { class: `ion-history-roots${complete ? '' : ' ion-history-incomplete'}` },
          describeRoots(record)
        )
      );
      entry.title = record.time;
      entry.addEventListener('click', () => {
        this.select(record);
        this.render(records);
      });
      const item = element('li', { class: 'ion-history-item' });
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
    const insert = element(
      'button',
      { class: 'jp-mod-styled jp-mod-accept ion-history-insert' },
      'Insert as a new cell'
    );
    insert.type = 'button';
    insert.addEventListener('click', () => this.insertCell(record.document));
    const names = record.variables.map(name => `$${name}`).join(', ');
    this.detail.append(
      element('pre', { class: 'ion-history-document' }, record.document),
      element('div', { class: 'ion-history-variables' }, names ? `Variables: ${names}` : ''),
      insert
    );
  }
}
