"""A small ION-shaped schema for unit tests that run without the sandbox."""

from graphql import build_schema

ION_LIKE_SDL = """
scalar DateTime
type PageInfo { hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String endCursor: String
                totalCount: Int count: Int }
enum RunStatus { TODO IN_PROGRESS COMPLETE REDLINE HOLD FAILED CANCELED }
enum RunSortEnum { ID_ASC ID_DESC TITLE_ASC TITLE_DESC }
input IntFilter { eq: Int neq: Int in: [Int] }
input RunStatusFilter { eq: RunStatus neq: RunStatus in: [RunStatus] }
input RunsInputFilters { procedureId: IntFilter status: RunStatusFilter }
type Part { id: ID! partNumber: String revision: String }
type RunStep { id: ID! title: String status: RunStatus }
type Run { id: ID! title: String status: RunStatus createdAt: DateTime part: Part steps: [RunStep] _etag: String }
type RunEdge { cursor: String! node: Run }
type RunConnection { edges: [RunEdge]! pageInfo: PageInfo! }
type Query {
  runs(filters: RunsInputFilters, sort: [RunSortEnum], first: Int, after: String, last: Int, before: String):
    RunConnection
  run(id: ID!): Run
  parts: [Part]
  apiVersion: String
}
input CreateRunStepInput { runId: ID! title: String! }
type CreateRunStepPayload { step: RunStep }
type Mutation { createRunStep(input: CreateRunStepInput!): CreateRunStepPayload }
"""

ION_LIKE = build_schema(ION_LIKE_SDL)
