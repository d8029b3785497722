/** A schema in the shape of ION's for the explorer's tests: connections, operator filters, a sort enum,
 * lists, a cycle (Run -> steps -> run), a node without `id`, and mutations with payloads. */
import { buildSchema, GraphQLSchema } from 'graphql';

export const EXPLORER_SDL = `
  type Query {
    """
    Runs of procedures.
    Second line of the description: all of it is shown.
    """
    runs(filters: RunsInputFilters, sort: [RunSortEnum], first: Int, after: String): RunConnection
    run(id: ID!): Run
    readings: ReadingConnection
    version: String
  }
  type Mutation {
    "Start a run."
    createRun(input: CreateRunInput!): CreateRunPayload
    deleteRun(id: ID!): Boolean
  }
  input CreateRunInput { title: String }
  type CreateRunPayload { run: Run }
  type Run {
    id: ID!
    "Title, as shown in ION."
    title: String
    status: RunStatus
    quantity: Int
    steps: [RunStep]
  }
  type RunStep { id: ID! status: RunStepStatus run: Run }
  type Reading { value: Float station: Station }
  type Station { name: String }
  enum RunStatus { TODO IN_PROGRESS COMPLETE }
  enum RunStepStatus { TODO FAILED }
  enum RunSortEnum { ID_ASC TITLE_ASC TITLE_DESC }
  input RunsInputFilters {
    id: IDFilter
    title: StringFilter
    status: RunStatusFilter
    quantity: IntFilter
    startedAt: String
  }
  input IDFilter { eq: ID neq: ID in: [ID!] }
  input StringFilter { eq: String neq: String in: [String!] contains: String }
  input IntFilter { eq: Int in: [Int!] }
  input RunStatusFilter { eq: RunStatus neq: RunStatus in: [RunStatus!] }
  type PageInfo { hasNextPage: Boolean! endCursor: String }
  type RunEdge { node: Run cursor: String! }
  type RunConnection { edges: [RunEdge]! pageInfo: PageInfo! totalCount: Int }
  type ReadingEdge { node: Reading }
  type ReadingConnection { edges: [ReadingEdge] }
`;

export function explorerSchema(): GraphQLSchema {
  return buildSchema(EXPLORER_SDL);
}
