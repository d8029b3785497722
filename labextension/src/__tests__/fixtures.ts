/** A small schema in the shape of ION's (connections of runs with an enum status), for the unit tests. */
import { buildSchema, GraphQLSchema, graphqlSync, getIntrospectionQuery, IntrospectionQuery } from 'graphql';

export const SDL = `
  """A manufacturing run."""
  type Run {
    id: ID!
    "The run's title, as shown in ION."
    title: String
    status: RunStatus!
    quantity: Float
  }
  enum RunStatus { TODO IN_PROGRESS COMPLETE }
  type RunEdge { node: Run! cursor: String! }
  type PageInfo { hasNextPage: Boolean! endCursor: String }
  type RunConnection { edges: [RunEdge!]! pageInfo: PageInfo! }
  input RunsFilters { status: RunStatus title: String }
  type Query {
    "Runs, newest first."
    runs(first: Int, after: String, filters: RunsFilters): RunConnection!
    run(id: ID!): Run
  }
`;

export function smallSchema(): GraphQLSchema {
  return buildSchema(SDL);
}

/** What the kernel sends: the `data` of the standard introspection query. */
export function introspectionOf(schema: GraphQLSchema): IntrospectionQuery {
  const result = graphqlSync({ schema, source: getIntrospectionQuery() });
  return result.data as unknown as IntrospectionQuery;
}
