/**
 * A connection's `filters` and `sort` arguments as form data, and back to GraphQL literals (pure: graphql-js
 * only). A filter is a field of the filters input type whose own type offers `eq`/`neq`/`in`.
 */
import {
  astFromValue,
  getNamedType,
  GraphQLArgument,
  GraphQLInputObjectType,
  GraphQLInputType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  Kind,
  print,
  ValueNode
} from 'graphql';

/** The operators the form offers, when the filter's type has them. */
export const OPERATORS = ['eq', 'neq', 'in'] as const;
export type Operator = (typeof OPERATORS)[number];

/** One filterable field of a filters input type. */
export interface IFilterField {
  name: string;
  operators: Operator[];
  /** The type of one value (of `eq`). */
  valueType: GraphQLInputType;
  /** The allowed values when the value type is an enum (a dropdown), else null (a text input). */
  enumValues: string[] | null;
}

/** One condition of the form: `field operator value`; `in` takes comma-separated values. */
export interface ICondition {
  field: string;
  operator: Operator;
  value: string;
}

/** A value the form cannot turn into the type's literal (e.g. `abc` for an Int). */
export class ArgumentValueError extends Error {}

function withoutNonNull(type: GraphQLInputType): GraphQLInputType {
  return isNonNullType(type) ? type.ofType : type;
}

/** The filterable fields of a filters argument's input type (empty when it is not an input object). */
export function filterFields(argument: GraphQLArgument): IFilterField[] {
  const type = withoutNonNull(argument.type);
  if (!isInputObjectType(type)) {
    return [];
  }
  const fields: IFilterField[] = [];
  for (const field of Object.values(type.getFields())) {
    const operatorsType = withoutNonNull(field.type);
    if (!isInputObjectType(operatorsType)) {
      continue;
    }
    const available = operatorsType.getFields();
    const operators = OPERATORS.filter(operator => operator in available);
    if (!operators.length || !available.eq) {
      continue;
    }
    const valueType = available.eq.type;
    const named = getNamedType(valueType);
    fields.push({
      name: field.name,
      operators,
      valueType,
      enumValues: isEnumType(named) ? named.getValues().map(value => value.name) : null
    });
  }
  return fields;
}

/** The text a user typed or picked, as the JavaScript value graphql-js turns into a literal of `type`. */
function parsed(text: string, type: GraphQLInputType, where: string): unknown {
  const name = getNamedType(type).name;
  const trimmed = text.trim();
  if (name === 'Int' || name === 'Float') {
    const number = Number(trimmed);
    if (trimmed === '' || Number.isNaN(number) || (name === 'Int' && !Number.isInteger(number))) {
      const wanted = name === 'Int' ? 'an integer' : 'a number';
      throw new ArgumentValueError(`${where}: ${JSON.stringify(text)} is not ${wanted}.`);
    }
    return number;
  }
  if (name === 'Boolean') {
    if (trimmed !== 'true' && trimmed !== 'false') {
      throw new ArgumentValueError(`${where}: give true or false.`);
    }
    return trimmed === 'true';
  }
  return trimmed;
}

function literal(value: unknown, type: GraphQLInputType, where: string): ValueNode {
  let node: ValueNode | null;
  try {
    node = astFromValue(value, type) ?? null;
  } catch (error) {
    throw new ArgumentValueError(`${where}: ${(error as Error).message}`);
  }
  if (!node) {
    throw new ArgumentValueError(`${where}: ${JSON.stringify(value)} is not a ${String(type)}.`);
  }
  return node;
}

/** The `filters` literal for `conditions` (`{status: {eq: COMPLETE}}`); null when there are none. */
export function filtersLiteral(argument: GraphQLArgument, conditions: readonly ICondition[]): string | null {
  const type = withoutNonNull(argument.type) as GraphQLInputObjectType;
  const fields = new Map(filterFields(argument).map(field => [field.name, field]));
  const value: Record<string, Record<string, unknown>> = {};
  for (const condition of conditions) {
    const field = fields.get(condition.field);
    if (!field || !field.operators.includes(condition.operator)) {
      throw new ArgumentValueError(`${condition.field} cannot be filtered with ${condition.operator}.`);
    }
    const where = `${condition.field} ${condition.operator}`;
    const values = condition.operator === 'in' ? condition.value.split(',') : [condition.value];
    const typed = values.map(text => parsed(text, field.valueType, where));
    const operand = condition.operator === 'in' ? typed : typed[0];
    value[condition.field] = { ...value[condition.field], [condition.operator]: operand };
  }
  if (!Object.keys(value).length) {
    return null;
  }
  return print(literal(value, type, argument.name));
}

/** The conditions a `filters` value in the cell holds, or null when the form cannot show all of it. */
export function conditionsOf(argument: GraphQLArgument, node: ValueNode | null): ICondition[] | null {
  if (!node) {
    return [];
  }
  if (node.kind !== Kind.OBJECT) {
    return null;
  }
  const fields = new Map(filterFields(argument).map(field => [field.name, field]));
  const conditions: ICondition[] = [];
  for (const entry of node.fields) {
    const field = fields.get(entry.name.value);
    if (!field || entry.value.kind !== Kind.OBJECT) {
      return null;
    }
    for (const operation of entry.value.fields) {
      const operator = operation.name.value as Operator;
      const text = textOf(operation.value, operator === 'in');
      if (!field.operators.includes(operator) || text === null) {
        return null;
      }
      conditions.push({ field: field.name, operator, value: text });
    }
  }
  return conditions;
}

/** The form text of a literal value: `COMPLETE`, `Bracket`, `1, 2` for a list; null for a variable. */
function textOf(node: ValueNode, list: boolean): string | null {
  if (list) {
    if (node.kind !== Kind.LIST) {
      return textOf(node, false);
    }
    const parts = node.values.map(value => textOf(value, false));
    return parts.every(part => part !== null) ? parts.join(', ') : null;
  }
  switch (node.kind) {
    case Kind.STRING:
    case Kind.ENUM:
    case Kind.INT:
    case Kind.FLOAT:
      return node.value;
    case Kind.BOOLEAN:
      return String(node.value);
    default:
      return null;
  }
}

/** The values of a `sort` argument's enum (empty when it has none). */
export function sortValues(argument: GraphQLArgument): string[] {
  const named = getNamedType(argument.type);
  return isEnumType(named) ? named.getValues().map(value => value.name) : [];
}

/** The `sort` literal for one order (`[TITLE_ASC]` when the argument takes a list); null for none. */
export function sortLiteral(argument: GraphQLArgument, value: string | null): string | null {
  if (!value) {
    return null;
  }
  const type = withoutNonNull(argument.type);
  const listed = isListType(type) ? [value] : value;
  return print(literal(listed, type, 'sort'));
}

/** The single order a `sort` value in the cell holds; null when it holds none or several. */
export function sortOf(node: ValueNode | null): string | null {
  if (node?.kind === Kind.ENUM) {
    return node.value;
  }
  if (node?.kind === Kind.LIST && node.values.length === 1 && node.values[0].kind === Kind.ENUM) {
    return node.values[0].value;
  }
  return null;
}
