/**
 * The "ION Schema Explorer" side panel (DOM on a Lumino widget): an Explorer tab with the schema tree whose
 * checkboxes build the active `%%ion` cell, and a History tab. What it reads and edits in the notebook goes
 * through an `IExplorerHost`, so the panel knows nothing of how notebooks are tracked.
 */
import { Widget } from '@lumino/widgets';
import { GraphQLSchema } from 'graphql';

import { ArgumentInputs, hasArgumentInputs } from './argumentInputs';
import { argumentEdit, CellEdit, tickEdit } from './builder';
import { element } from './dom';
import { HistoryView } from './historyView';
import { NotebookIonState } from './ionState';
import { isIonCellText } from './magicLine';
import { CellSyntaxError, ISelection, selectedPaths } from './queryDocument';
import { childFields, isTicked, ITreeField, rootFields, searchRows } from './schemaTree';

export const EXPLORER_LABEL = 'ION Schema Explorer';
export const LOGGED_OUT_MESSAGE = 'Log in with %ion_login to browse the schema.';
export const SEARCH_PLACEHOLDER = 'Search the ION schema';

/** What the panel needs from the notebook it follows. */
export interface IExplorerHost {
  /** The current notebook's ION state; null when no notebook is open. */
  readonly state: NotebookIonState | null;
  /** The active cell's text when it is a code cell; null otherwise. */
  activeCellText(): string | null;
  /** Replace the active cell's text (as one edit, so undo works). */
  replaceActiveCell(text: string): void;
  /** Insert a code cell with `text` below the active cell, and make it active. */
  insertCellBelow(text: string): void;
}


/** A field's line (toggle, checkbox, name, type), then its arguments, whole description and enum values. */
function fieldDescription(field: ITreeField, toggle: HTMLElement, checkbox: HTMLElement): HTMLElement[] {
  const line = element('div', { class: 'ion-explorer-line' });
  line.append(
    toggle,
    checkbox,
    element('span', { class: 'ion-explorer-name' }, field.name),
    element('span', { class: 'ion-explorer-type' }, `: ${field.type}`)
  );
  const parts = [line];
  if (field.args.length) {
    const args = field.args.map(arg => `${arg.name}: ${arg.type}`).join(', ');
    parts.push(element('div', { class: 'ion-explorer-args' }, `(${args})`));
  }
  if (field.description) {
    parts.push(element('div', { class: 'ion-explorer-description' }, field.description));
  }
  if (field.enumValues.length) {
    parts.push(element('div', { class: 'ion-explorer-enum' }, `Values: ${field.enumValues.join(', ')}`));
  }
  return parts;
}

/** A rendered row: its checkbox, and its argument inputs when it has some. */
interface IRow {
  field: ITreeField;
  checkbox: HTMLInputElement;
  inputs: ArgumentInputs | null;
}

export class ExplorerPanel extends Widget {
  private readonly explorerTab = element('button', { class: 'ion-explorer-tab' }, 'Explorer');
  private readonly historyTab = element('button', { class: 'ion-explorer-tab' }, 'History');
  private readonly explorer = element('div', { class: 'ion-explorer-section' });
  private readonly message = element('p', { class: 'ion-explorer-message' }, LOGGED_OUT_MESSAGE);
  private readonly search = element('input', { class: 'ion-explorer-search jp-mod-styled' });
  private readonly notice = element('div', { class: 'ion-explorer-notice' });
  private readonly tree = element('div', { class: 'ion-explorer-tree' });
  private readonly history: HistoryView;
  private readonly expanded = new Set<string>();
  private readonly rows = new Map<string, IRow>();
  private schema: GraphQLSchema | null = null;

  constructor(private readonly host: IExplorerHost) {
    super();
    this.addClass('ion-explorer');
    this.title.caption = EXPLORER_LABEL;
    this.history = new HistoryView(text => this.host.insertCellBelow(text));

    const tabs = element('div', { class: 'ion-explorer-tabs' });
    tabs.setAttribute('role', 'tablist');
    for (const [tab, history] of [
      [this.explorerTab, false],
      [this.historyTab, true]
    ] as const) {
      tab.type = 'button';
      tab.setAttribute('role', 'tab');
      tab.addEventListener('click', () => this.showTab(history));
      tabs.append(tab);
    }
    this.search.type = 'search';
    this.search.placeholder = SEARCH_PLACEHOLDER;
    this.search.setAttribute('aria-label', SEARCH_PLACEHOLDER);
    this.search.addEventListener('input', () => this.renderTree());
    this.notice.setAttribute('role', 'status');
    this.tree.setAttribute('role', 'tree');
    this.tree.setAttribute('aria-label', 'ION schema');
    this.explorer.append(this.message, this.search, this.notice, this.tree);
    const heading = element('h2', { class: 'ion-explorer-title' }, EXPLORER_LABEL);
    this.node.append(heading, tabs, this.explorer, this.history.node);
    this.showTab(false);
    this.renderTree();
    this.stateChanged();
  }

  /** The current notebook, its login or its history changed. */
  stateChanged(): void {
    const state = this.host.state;
    const schema = state?.schema ?? null;
    if (schema !== this.schema) {
      this.schema = schema;
      this.renderTree();
    }
    this.history.render(state?.history ?? []);
  }

  /** The active cell or its text changed: tick what it selects. */
  refreshTicks(): void {
    const text = this.host.activeCellText();
    let selection: ISelection = { kind: null, paths: new Set() };
    if (text !== null && isIonCellText(text)) {
      try {
        selection = selectedPaths(text);
      } catch (error) {
        if (!(error instanceof CellSyntaxError)) {
          throw error;
        }
        this.say(`The active cell does not parse (${error.message}); the ticks show its last readable state.`);
        return;
      }
    }
    this.say('');
    for (const row of this.rows.values()) {
      row.checkbox.checked = isTicked(row.field, selection);
      row.inputs?.refresh(text !== null && isIonCellText(text) ? text : null);
    }
  }

  private showTab(history: boolean): void {
    this.explorerTab.setAttribute('aria-selected', String(!history));
    this.historyTab.setAttribute('aria-selected', String(history));
    this.explorer.hidden = history;
    this.history.node.hidden = !history;
  }

  private say(text: string): void {
    this.notice.textContent = text;
  }

  private renderTree(): void {
    this.tree.replaceChildren();
    this.rows.clear();
    const schema = this.schema;
    this.message.hidden = schema !== null;
    this.search.hidden = schema === null;
    if (!schema) {
      return;
    }
    for (const view of searchRows(rootFields(schema), this.search.value)) {
      this.tree.append(this.renderRow(view.field, view.matches ? null : view.matchingChildren));
    }
    this.refreshTicks();
  }

  /** One field's row; `only`: show it open on just these children (a search matched them). */
  private renderRow(field: ITreeField, only: ITreeField[] | null): HTMLElement {
    const expandable = field.childType !== null;
    const toggle = element('button', { class: 'ion-explorer-toggle', type: 'button' });
    const checkbox = element('input', { class: 'ion-explorer-check', type: 'checkbox', 'aria-label': field.label });
    const children = element('div', { class: 'ion-explorer-children', role: 'group' });
    const row = element('div', { class: 'ion-explorer-row', role: 'treeitem' });
    row.append(...fieldDescription(field, toggle, checkbox), children);
    const write = this.writeArgument.bind(this);
    const inputs = hasArgumentInputs(field) ? new ArgumentInputs(field, write) : null;
    this.rows.set(field.key, { field, checkbox, inputs });

    const setOpen = (open: boolean): void => {
      row.setAttribute('aria-expanded', String(open));
      toggle.textContent = open ? '▾' : '▸';
      children.hidden = !open;
      if (open && !children.childElementCount) {
        if (inputs) {
          children.append(inputs.node);
        }
        for (const child of only ?? childFields(field)) {
          children.append(this.renderRow(child, null));
        }
      }
    };
    if (expandable) {
      toggle.setAttribute('aria-label', `Expand ${field.label}`);
      setOpen(only !== null || this.expanded.has(field.key));
      toggle.addEventListener('click', () => {
        const open = children.hidden;
        if (open) {
          this.expanded.add(field.key);
        } else {
          this.expanded.delete(field.key);
        }
        setOpen(open);
        this.refreshTicks();
      });
    } else {
      toggle.disabled = true;
      toggle.setAttribute('aria-hidden', 'true');
      children.hidden = true;
    }
    checkbox.addEventListener('change', () => {
      const applied = this.apply(() => tickEdit(this.host.activeCellText(), field, checkbox.checked));
      if (!applied) {
        checkbox.checked = !checkbox.checked;
      } else if (checkbox.checked && expandable && children.hidden) {
        this.expanded.add(field.key);
        setOpen(true);
      }
      this.refreshTicks();
    });
    return row;
  }

  private writeArgument(field: ITreeField, name: string, literal: string | null): void {
    this.apply(() => argumentEdit(this.host.activeCellText(), field, name, literal));
    this.refreshTicks();
  }

  /** Make the edit `plan` computes; false (with the reason shown) when the active cell does not parse. */
  private apply(plan: () => CellEdit): boolean {
    let edit: CellEdit;
    try {
      edit = plan();
    } catch (error) {
      if (!(error instanceof CellSyntaxError)) {
        throw error;
      }
      this.say(`Cannot edit the active cell: ${error.message}`);
      return false;
    }
    if (edit.action === 'edit') {
      this.host.replaceActiveCell(edit.text);
    } else if (edit.action === 'insert') {
      this.host.insertCellBelow(edit.text);
    }
    return true;
  }
}
