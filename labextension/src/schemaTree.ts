/**
 * The explorer's tree as plain data from a GraphQL schema (pure: no JupyterLab, no DOM): the query and
 * mutation fields, each field's children (its type's fields, through `edges { node }` for a connection),
 * where a field sits in a document, and the search over names, types and descriptions.
 */
import {
  getNamedType,
  GraphQLField,
  GraphQLInterfaceType,
  GraphQLNamedType,
  GraphQLObjectType,
  GraphQLOutputType,
  GraphQLSchema,
  isEnumType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isRequiredArgument
} from 'graphql';

import { OperationKind } from './queryDocument';

/** A type whose fields can be selected. */
export type FieldsType = GraphQLObjectType | GraphQLInterfaceType;

/** One argument as the tree shows it. */
export interface IArgumentInfo {
  name: string;
  type: string;
  description: string;
}

/** One row of the tree: a field reached by a path from a root. */
export interface ITreeField {
  /** Unique in the tree: `query:runs.title`. */
  key: string;
  kind: OperationKind;
  /** `Run.title`: the checkbox's accessible name. */
  label: string;
  name: string;
  /** The field's type as written in SDL (`RunConnection`, `[RunStep]`, `String!`). */
  type: string;
  description: string;
  args: IArgumentInfo[];
  /** The values of the field's enum type (empty for other types). */
  enumValues: string[];
  /** The field's path in a document (`runs.edges.node.title`). */
  documentPath: string[];
  /** What ticking the field adds: its path, then `edges.node` and a first field when it has fields. */
  tickPath: string[];
  /** The type whose fields are this row's children: a connection's node type; null for a leaf. */
  childType: FieldsType | null;
  /** True for a connection (children are its nodes' fields). */
  connection: boolean;
  field: GraphQLField<unknown, unknown>;
}

function fieldsTypeOf(type: GraphQLNamedType): FieldsType | null {
  return isObjectType(type) || isInterfaceType(type) ? type : null;
}

/** The node type of a connection (`{ edges: [{ node: T }] }`), or null when `type` is not one. */
export function connectionNodeType(type: GraphQLOutputType): FieldsType | null {
  const connection = fieldsTypeOf(getNamedType(type));
  const edges = connection?.getFields().edges;
  if (!edges) {
    return null;
  }
  let edgesType = edges.type;
  if (isNonNullType(edgesType)) {
    edgesType = edgesType.ofType;
  }
  if (!isListType(edgesType)) {
    return null;
  }
  const node = fieldsTypeOf(getNamedType(edgesType))?.getFields().node;
  return node ? fieldsTypeOf(getNamedType(node.type)) : null;
}

/**
 * The path a new selection of `type` starts with: `id` when it has one, else its first plain field without
 * required arguments, else the first selection of its first object field (`run { id }` for a payload),
 * else `__typename`.
 */
export function firstSelection(type: FieldsType, depth = 0): string[] {
  const fields = Object.values(type.getFields()).filter(field => !field.args.some(isRequiredArgument));
  if (fields.some(field => field.name === 'id')) {
    return ['id'];
  }
  const leaf = fields.find(field => isLeafType(getNamedType(field.type)));
  if (leaf) {
    return [leaf.name];
  }
  const nested = fields.find(field => fieldsTypeOf(getNamedType(field.type)));
  if (nested && depth < 3) {
    const nodeType = connectionNodeType(nested.type);
    const inner = nodeType ?? fieldsTypeOf(getNamedType(nested.type))!;
    return [nested.name, ...(nodeType ? ['edges', 'node'] : []), ...firstSelection(inner, depth + 1)];
  }
  return ['__typename'];
}

function treeField(
  kind: OperationKind,
  parentType: FieldsType,
  field: GraphQLField<unknown, unknown>,
  parentPath: string[]
): ITreeField {
  const named = getNamedType(field.type);
  const nodeType = connectionNodeType(field.type);
  const childType = nodeType ?? fieldsTypeOf(named);
  const documentPath = [...parentPath, field.name];
  const nodePath = nodeType ? [...documentPath, 'edges', 'node'] : documentPath;
  return {
    key: `${kind}:${documentPath.join('.')}`,
    kind,
    label: `${parentType.name}.${field.name}`,
    name: field.name,
    type: String(field.type),
    description: field.description ?? '',
    args: field.args.map(arg => ({ name: arg.name, type: String(arg.type), description: arg.description ?? '' })),
    enumValues: isEnumType(named) ? named.getValues().map(value => value.name) : [],
    documentPath,
    tickPath: childType ? [...nodePath, ...firstSelection(childType)] : documentPath,
    childType,
    connection: nodeType !== null,
    field
  };
}

/** The tree's top rows: the query fields, then the mutation fields. */
export function rootFields(schema: GraphQLSchema): ITreeField[] {
  const roots: ITreeField[] = [];
  for (const [kind, type] of [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()]
  ] as const) {
    for (const field of Object.values(type?.getFields() ?? {})) {
      roots.push(treeField(kind, type!, field, []));
    }
  }
  return roots;
}

/** A row's children, built when the row is expanded (so cycles in the schema are no problem). */
export function childFields(parent: ITreeField): ITreeField[] {
  if (!parent.childType) {
    return [];
  }
  const parentPath = parent.connection ? [...parent.documentPath, 'edges', 'node'] : parent.documentPath;
  return Object.values(parent.childType.getFields()).map(field =>
    treeField(parent.kind, parent.childType!, field, parentPath)
  );
}

/** Does a row match a search: its name, its type's name or its description contains the term? */
export function matchesSearch(field: ITreeField, term: string): boolean {
  const needle = term.trim().toLowerCase();
  if (!needle) {
    return true;
  }
  return [field.name, getNamedType(field.field.type).name, field.description].some(text =>
    text.toLowerCase().includes(needle)
  );
}

/** How a row shows under a search. */
export interface ISearchView {
  field: ITreeField;
  /** The row matches itself: its children show unfiltered. */
  matches: boolean;
  /** Only some of its children match: show the row expanded, with those children. */
  matchingChildren: ITreeField[];
}

/**
 * The rows to show for `term` among `fields`: those that match, and those with a matching child (shown
 * open on the matching children). An empty term shows everything.
 */
export function searchRows(fields: readonly ITreeField[], term: string): ISearchView[] {
  const views: ISearchView[] = [];
  for (const field of fields) {
    if (matchesSearch(field, term)) {
      views.push({ field, matches: true, matchingChildren: [] });
      continue;
    }
    const children = childFields(field).filter(child => matchesSearch(child, term));
    if (children.length) {
      views.push({ field, matches: false, matchingChildren: children });
    }
  }
  return views;
}

/** Is the row ticked in a cell that selects `paths` with an operation of `kind`? */
export function isTicked(field: ITreeField, selection: { kind: string | null; paths: ReadonlySet<string> }): boolean {
  return selection.kind === field.kind && selection.paths.has(field.documentPath.join('.'));
}
