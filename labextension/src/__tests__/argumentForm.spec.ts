import { parseValue } from 'graphql';

import {
  ArgumentValueError,
  conditionsOf,
  filterFields,
  filtersLiteral,
  sortLiteral,
  sortOf,
  sortValues
} from '../argumentForm';
import { explorerSchema } from './explorerFixtures';

const runs = explorerSchema().getQueryType()!.getFields().runs;
const filters = runs.args.find(arg => arg.name === 'filters')!;
const sort = runs.args.find(arg => arg.name === 'sort')!;

describe('filters', () => {
  it('offers the fields whose type has eq/neq/in, enums as dropdowns', () => {
    expect(filterFields(filters).map(field => [field.name, field.operators, field.enumValues])).toEqual([
      ['id', ['eq', 'neq', 'in'], null],
      ['title', ['eq', 'neq', 'in'], null],
      ['status', ['eq', 'neq', 'in'], ['TODO', 'IN_PROGRESS', 'COMPLETE']],
      ['quantity', ['eq', 'in'], null]
    ]);
  });

  it('writes GraphQL literals of the right types', () => {
    expect(filtersLiteral(filters, [])).toBeNull();
    expect(
      filtersLiteral(filters, [
        { field: 'status', operator: 'in', value: 'TODO, COMPLETE' },
        { field: 'title', operator: 'neq', value: 'A "quoted" title' },
        { field: 'quantity', operator: 'eq', value: ' 3 ' },
        { field: 'status', operator: 'neq', value: 'IN_PROGRESS' }
      ])
    ).toBe('{title: {neq: "A \\"quoted\\" title"}, status: {neq: IN_PROGRESS, in: [TODO, COMPLETE]}, quantity: {eq: 3}}');
  });

  it('refuses values that do not fit', () => {
    expect(() => filtersLiteral(filters, [{ field: 'quantity', operator: 'eq', value: 'many' }])).toThrow(
      new ArgumentValueError('quantity eq: "many" is not an integer.')
    );
    expect(() => filtersLiteral(filters, [{ field: 'status', operator: 'eq', value: 'LATE' }])).toThrow(
      new ArgumentValueError('filters: Enum "RunStatus" cannot represent value: "LATE"')
    );
    expect(() => filtersLiteral(filters, [{ field: 'quantity', operator: 'neq', value: '1' }])).toThrow(
      /quantity cannot be filtered with neq/
    );
  });

  it('reads the conditions back from the cell, or says it cannot', () => {
    const written = filtersLiteral(filters, [
      { field: 'status', operator: 'in', value: 'TODO,COMPLETE' },
      { field: 'title', operator: 'eq', value: 'Bracket' }
    ])!;
    expect(conditionsOf(filters, parseValue(written))).toEqual([
      { field: 'title', operator: 'eq', value: 'Bracket' },
      { field: 'status', operator: 'in', value: 'TODO, COMPLETE' }
    ]);
    expect(conditionsOf(filters, null)).toEqual([]);
    expect(conditionsOf(filters, parseValue('{title: {contains: "a"}}'))).toBeNull();
    expect(conditionsOf(filters, parseValue('{title: {eq: $wanted}}'))).toBeNull();
    expect(conditionsOf(filters, parseValue('$filters'))).toBeNull();
  });
});

describe('sort', () => {
  it('offers the sort enum and writes a list literal', () => {
    expect(sortValues(sort)).toEqual(['ID_ASC', 'TITLE_ASC', 'TITLE_DESC']);
    expect(sortLiteral(sort, 'TITLE_DESC')).toBe('[TITLE_DESC]');
    expect(sortLiteral(sort, null)).toBeNull();
    expect(sortOf(parseValue('[TITLE_DESC]'))).toBe('TITLE_DESC');
    expect(sortOf(parseValue('TITLE_DESC'))).toBe('TITLE_DESC');
    expect(sortOf(parseValue('[TITLE_DESC, ID_ASC]'))).toBeNull();
  });
});
