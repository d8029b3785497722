/**
 * The inputs for a connection's `sort` and `filters` arguments in the explorer (DOM only; the literals
 * come from argumentForm, the cell edits from the panel).
 */
import { GraphQLArgument, print } from 'graphql';

import {
  ArgumentValueError,
  conditionsOf,
  filterFields,
  filtersLiteral,
  ICondition,
  IFilterField,
  Operator,
  sortLiteral,
  sortOf,
  sortValues
} from './argumentForm';
import { element } from './dom';
import { argumentValue, CellSyntaxError } from './queryDocument';
import { ITreeField } from './schemaTree';

/** Writes an argument's literal into the notebook (null removes the argument). */
export type ArgumentWriter = (field: ITreeField, name: string, literal: string | null) => void;


function select(label: string, values: readonly string[], empty: string | null): HTMLSelectElement {
  const node = element('select', { 'aria-label': label });
  if (empty !== null) {
    node.append(element('option', { value: '' }, empty));
  }
  for (const value of values) {
    node.append(element('option', { value }, value));
  }
  return node;
}

/** Does the field take the arguments these inputs serve? */
export function hasArgumentInputs(field: ITreeField): boolean {
  return field.connection && field.field.args.some(arg => arg.name === 'sort' || arg.name === 'filters');
}

/** The sort dropdown and the filters form of one connection field. */
export class ArgumentInputs {
  readonly node = element('fieldset', { class: 'ion-explorer-arguments' });
  private readonly sortArg: GraphQLArgument | undefined;
  private readonly filtersArg: GraphQLArgument | undefined;
  private readonly sortSelect: HTMLSelectElement | null = null;
  private readonly conditions = element('div', { class: 'ion-explorer-conditions' });
  private readonly note = element('div', { class: 'ion-explorer-note', role: 'status' });
  private readonly addButton = element('button', { type: 'button' }, 'Add a filter');
  private shownFilters: string | null = null;

  constructor(
    private readonly field: ITreeField,
    private readonly write: ArgumentWriter
  ) {
    this.sortArg = field.field.args.find(arg => arg.name === 'sort');
    this.filtersArg = field.field.args.find(arg => arg.name === 'filters');
    this.node.append(element('legend', {}, `Arguments of ${field.name}`));
    if (this.sortArg && sortValues(this.sortArg).length) {
      const sortSelect = select(`${field.label} sort`, sortValues(this.sortArg), 'default order');
      sortSelect.addEventListener('change', () => this.writeSort());
      const label = element('label', { class: 'ion-explorer-argument' }, 'sort ');
      label.append(sortSelect);
      this.node.append(label);
      this.sortSelect = sortSelect;
    }
    if (this.filtersArg && filterFields(this.filtersArg).length) {
      this.node.append(element('div', { class: 'ion-explorer-argument' }, 'filters'), this.conditions, this.addButton);
      this.addButton.addEventListener('click', () => this.addCondition(null));
    }
    this.node.append(this.note);
  }

  /** Show what the active cell gives these arguments (nothing when the field is not in it). */
  refresh(cellText: string | null): void {
    let sortNode = null;
    let filtersNode = null;
    if (cellText !== null) {
      try {
        sortNode = argumentValue(cellText, this.field.kind, this.field.documentPath, 'sort');
        filtersNode = argumentValue(cellText, this.field.kind, this.field.documentPath, 'filters');
      } catch (error) {
        if (!(error instanceof CellSyntaxError)) {
          throw error;
        }
        return;
      }
    }
    if (this.sortSelect) {
      this.sortSelect.value = sortOf(sortNode) ?? '';
    }
    const shown = filtersNode ? print(filtersNode) : null;
    if (!this.filtersArg || shown === this.shownFilters) {
      return;
    }
    this.shownFilters = shown;
    const conditions = conditionsOf(this.filtersArg, filtersNode);
    this.conditions.replaceChildren();
    this.addButton.disabled = conditions === null;
    this.note.textContent = conditions === null ? 'These filters are written by hand: edit them in the cell.' : '';
    for (const condition of conditions ?? []) {
      this.addCondition(condition);
    }
  }

  private writeSort(): void {
    const literal = sortLiteral(this.sortArg!, this.sortSelect!.value || null);
    this.write(this.field, 'sort', literal);
  }

  private addCondition(condition: ICondition | null): void {
    const fields = filterFields(this.filtersArg!);
    const row = element('div', { class: 'ion-explorer-condition' });
    const fieldSelect = select('filter field', fields.map(field => field.name), null);
    const operatorSelect = select('filter operator', [], null);
    let valueInput: HTMLInputElement | HTMLSelectElement = element('input');
    const removeLabel = 'Remove this filter';
    const remove = element('button', { type: 'button', 'aria-label': removeLabel, title: removeLabel }, '×');
    const current = (): IFilterField => fields.find(field => field.name === fieldSelect.value)!;
    const renderValue = (value: string): void => {
      const field = current();
      const next =
        field.enumValues && operatorSelect.value !== 'in'
          ? select('filter value', field.enumValues, null)
          : element('input', {
              'aria-label': 'filter value',
              placeholder: operatorSelect.value === 'in' ? 'A, B, C' : 'value'
            });
      next.value = value || (next instanceof HTMLSelectElement ? field.enumValues![0] : '');
      next.addEventListener('change', () => this.writeFilters());
      valueInput.replaceWith(next);
      valueInput = next;
    };
    const renderOperators = (operator: Operator | null): void => {
      operatorSelect.replaceChildren(...current().operators.map(value => element('option', { value }, value)));
      operatorSelect.value = operator ?? current().operators[0];
    };
    fieldSelect.value = condition?.field ?? fields[0].name;
    renderOperators(condition?.operator ?? null);
    row.append(fieldSelect, operatorSelect, valueInput, remove);
    renderValue(condition?.value ?? '');
    fieldSelect.addEventListener('change', () => {
      renderOperators(null);
      renderValue('');
      this.writeFilters();
    });
    operatorSelect.addEventListener('change', () => {
      renderValue('');
      this.writeFilters();
    });
    remove.addEventListener('click', () => {
      row.remove();
      this.writeFilters();
    });
    this.conditions.append(row);
    if (!condition) {
      this.writeFilters();
    }
  }

  private writeFilters(): void {
    const conditions: ICondition[] = [];
    for (const row of Array.from(this.conditions.children)) {
      const [field, operator, value] = Array.from(row.querySelectorAll('select, input')) as HTMLInputElement[];
      if (value.value.trim()) {
        conditions.push({ field: field.value, operator: operator.value as Operator, value: value.value });
      }
    }
    let literal: string | null;
    try {
      literal = filtersLiteral(this.filtersArg!, conditions);
    } catch (error) {
      if (!(error instanceof ArgumentValueError)) {
        throw error;
      }
      this.note.textContent = error.message;
      return;
    }
    this.note.textContent = '';
    this.shownFilters = literal;
    this.write(this.field, 'filters', literal);
  }
}
