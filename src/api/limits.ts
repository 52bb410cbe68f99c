import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { MaxTokensParserWLexer } from '@escape.tech/graphql-armor-max-tokens';
import {
  BREAK,
  Kind,
  parse,
  visit,
  type DocumentNode,
  type GraphQLError,
  type GraphQLSchema,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import { fromAppError } from './errors.js';

/**
 * What one GraphQL operation may ask for, on HTTP and graphql-ws alike (PRODUCT.md §6). A refusal is
 * QUERY_TOO_COMPLEX with `extensions.limit = { name, max }`, `name` one of:
 * - `tokens`: lexical tokens in the document (checked while parsing, so a huge document is never
 *   parsed whole);
 * - `aliases`: aliased fields in one operation, fragments included;
 * - `depth`: nesting of selections (fields and fragments), introspection's `__schema` not counted;
 * - `directives`: directives in one operation;
 * - `cost`: every field costs 1, and a field with a `first` argument costs 1 + `first` × the cost of
 *   its selection, `first` taken from the operation, its variables or the argument's default.
 */
export type LimitName = 'tokens' | 'aliases' | 'depth' | 'directives' | 'cost';

export type QueryLimits = Config['queryLimits'];

/** No knob of its own: a real operation has a few @include/@skip; this only stops directive floods. */
export const MAX_DIRECTIVES = 50;

const MESSAGES: Record<LimitName, (max: number) => string> = {
  tokens: (max) => `The document has more tokens than the limit of ${max}`,
  aliases: (max) => `The operation has more aliases than the limit of ${max}`,
  depth: (max) => `The operation is nested deeper than the limit of ${max}`,
  directives: (max) => `The operation has more directives than the limit of ${max}`,
  cost: (max) =>
    `The operation costs more than the limit of ${max} (a list's \`first\` multiplies its fields' cost)`,
};

export function tooComplex(name: LimitName, max: number): GraphQLError {
  return fromAppError(
    new AppError('QUERY_TOO_COMPLEX', MESSAGES[name](max), [], {
      limit: { name, max },
    }),
  );
}

/**
 * Parses `source`, giving up at the token limit. Syntax errors are thrown as graphql-js raised them;
 * a document over the limit throws QUERY_TOO_COMPLEX.
 */
export function parseWithinLimit(source: string, maxTokens: number): DocumentNode {
  // Every token is at least one character: a document this short cannot be over the limit, and
  // graphql-js's parser is several times faster than armor's, which counts through a Proxy.
  if (source.length <= maxTokens) return parse(source);
  let overLimit = false;
  const parser = new MaxTokensParserWLexer(source, {
    n: maxTokens,
    onReject: [
      () => {
        overLimit = true;
      },
    ],
  });
  try {
    return parser.parseDocument();
  } catch (error) {
    if (overLimit) throw tooComplex('tokens', maxTokens);
    throw error;
  }
}

/** graphql-armor reports through callbacks: ours adds one QUERY_TOO_COMPLEX error and lets validation go on. */
const reportAs = (name: LimitName, max: number) => ({
  propagateOnRejection: false,
  onReject: [(context: ValidationContext | null) => context?.reportError(tooComplex(name, max))],
});

/** The limits a document's shape alone decides, as validation rules (graphql-armor's). */
export function shapeRules(limits: QueryLimits): ValidationRule[] {
  return [
    maxAliasesRule({ n: limits.aliases, ...reportAs('aliases', limits.aliases) }),
    maxDepthRule({ n: limits.depth, ignoreIntrospection: true, ...reportAs('depth', limits.depth) }),
    maxDirectivesRule({ n: MAX_DIRECTIVES, ...reportAs('directives', MAX_DIRECTIVES) }),
  ];
}

/** A field with `first` fetches up to `first` rows, each costing its selection. */
const listSizeEstimator: ComplexityEstimator = ({ field, args, childComplexity }) => {
  const first = field.args.find((arg) => arg.name === 'first');
  if (!first) return 1 + childComplexity;
  // An explicit null means "the default" to our resolvers, as an omitted argument does.
  const value: unknown = args.first ?? first.defaultValue;
  const rows = typeof value === 'number' && value > 1 ? value : 1;
  return 1 + rows * childComplexity;
};

/**
 * The cost of the operation `operationName` with `variables`, which must already have been validated
 * and coerced (graphql-query-complexity reads them again). Undefined when it cannot be computed (a
 * fragment explosion over graphql-query-complexity's node limit): the caller refuses that too.
 */
export function costOf(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  variables: Record<string, unknown>,
): number | undefined {
  try {
    return getComplexity({
      schema,
      query: document,
      operationName,
      variables,
      estimators: [listSizeEstimator],
    });
  } catch {
    return undefined;
  }
}

/**
 * Whether an operation's cost can change with its variables: the estimator reads `first`, and
 * graphql-query-complexity reads @include/@skip's `if`; no other argument counts. Keep in step with
 * listSizeEstimator.
 */
export function costReadsVariables(document: DocumentNode): boolean {
  let reads = false;
  visit(document, {
    Argument(node) {
      if ((node.name.value === 'first' || node.name.value === 'if') && node.value.kind === Kind.VARIABLE) {
        reads = true;
        return BREAK;
      }
      return undefined;
    },
  });
  return reads;
}
