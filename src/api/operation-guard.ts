import { HeaderMap, type ApolloServerPlugin, type GraphQLResponse } from '@apollo/server';
import type { RequestHandler } from 'express';
import {
  getOperationAST,
  GraphQLError,
  Kind,
  NoSchemaIntrospectionCustomRule,
  specifiedRules,
  validate,
  ValuesOfCorrectTypeRule,
  visitInParallel,
  type ASTVisitor,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { AppError, type FieldError } from '../errors.js';
import { formatError, fromAppError, withoutTokenText } from './errors.js';
import {
  costOf,
  costReadsVariables,
  parseWithinLimit,
  shapeRules,
  tooComplex,
  type QueryLimits,
} from './limits.js';
import { printPath, variableProblems } from './variables.js';

/**
 * One definition of what an operation must pass before it runs, shared by both transports so that
 * HTTP (Apollo) and graphql-ws refuse the same operations with the same errors:
 *
 *   parse (token limit) → shape limits (aliases, depth, directives) → validation → the operation →
 *   its variables → its cost.
 *
 * Validation is graphql-js's specified rules, except that ValuesOfCorrectTypeRule's messages are
 * rewritten without the literal; in production there are no "Did you mean …" suggestions and no
 * introspection.
 */
export interface OperationGuard {
  /** The document, or the one error that stopped parsing (without the offending token's text). */
  parse(source: string): DocumentNode | GraphQLError;
  /** QUERY_TOO_COMPLEX when `source` has more tokens than allowed; cheap for short documents. */
  overTokenLimit(source: string): GraphQLError | undefined;
  /** Every reason not to execute: empty when the operation may run. */
  check(request: OperationRequest): readonly GraphQLError[];
}

export interface OperationRequest {
  document: DocumentNode;
  operationName?: string | null;
  variables?: Readonly<Record<string, unknown>> | null;
}

/** Values whose text graphql-js quotes when they have the wrong type. */
const LITERAL_KINDS = new Set<string>([
  Kind.INT,
  Kind.FLOAT,
  Kind.STRING,
  Kind.BOOLEAN,
  Kind.ENUM,
  Kind.NULL,
]);
const VALUE_KINDS = new Set<string>([...LITERAL_KINDS, Kind.LIST, Kind.OBJECT, Kind.VARIABLE]);

/** Apollo's own pattern for the same purpose (ApolloServerPluginDisableSuggestions). */
const hideSuggestions = (message: string) => message.replace(/ ?Did you mean(.+?)\?$/, '');

/**
 * ValuesOfCorrectTypeRule, reporting by path and expected type: graphql-js's message quotes the
 * literal (`String cannot represent a non string value: 4242`), which may be a password. The rule
 * itself still decides what is wrong; only its reports are reworded, while graphql's TypeInfo still
 * points at the offending value.
 */
const ValueFreeValuesOfCorrectTypeRule: ValidationRule = (context) => {
  // Where in the argument the visit is: `input`, `input.standby`, `input.tags[0]`.
  const path: (string | number)[] = [];
  const pushed: boolean[] = [];
  const tracker: ASTVisitor = {
    enter(node, key) {
      let segment: string | number | undefined;
      if (node.kind === Kind.ARGUMENT || node.kind === Kind.OBJECT_FIELD) segment = node.name.value;
      else if (node.kind === Kind.VARIABLE_DEFINITION) segment = node.variable.name.value;
      // A value under a numeric key is an item of a list value: the key is its index.
      else if (typeof key === 'number' && VALUE_KINDS.has(node.kind)) segment = key;
      pushed.push(segment !== undefined);
      if (segment !== undefined) path.push(segment);
    },
    leave() {
      if (pushed.pop()) path.pop();
    },
  };
  const reporting = Object.create(context, {
    reportError: {
      value: (error: GraphQLError) => {
        const node = error.nodes?.[0];
        const [root = '', ...rest] = path;
        const at = printPath(String(root), rest);
        if (node && LITERAL_KINDS.has(node.kind)) {
          const expected = String(context.getInputType() ?? 'another type');
          context.reportError(
            new GraphQLError(`Expected a value of type ${expected} at "${at}"`, {
              nodes: error.nodes,
              extensions: { fields: [{ field: at, message: `expected a value of type ${expected}` }] },
            }),
          );
        } else {
          // An input object missing a field or with an unknown one: the message names fields, not values.
          context.reportError(
            new GraphQLError(error.message, {
              nodes: error.nodes,
              extensions: { fields: [{ field: at, message: error.message }] },
            }),
          );
        }
      },
    },
  }) as ValidationContext;
  return visitInParallel([tracker, ValuesOfCorrectTypeRule(reporting)]);
};

/** Documents the guard keeps parsed (graphql-ws): the operations of clients, a few hundred at most. */
const PARSED_DOCUMENTS = 500;

export function createOperationGuard(
  schema: GraphQLSchema,
  options: { limits: QueryLimits; production: boolean },
): OperationGuard {
  const { limits, production } = options;
  const shape = shapeRules(limits);
  const rules: ValidationRule[] = [
    ...specifiedRules.map((rule) =>
      rule === ValuesOfCorrectTypeRule ? ValueFreeValuesOfCorrectTypeRule : rule,
    ),
    ...(production ? [NoSchemaIntrospectionCustomRule] : []),
  ];
  const asValidationError = (error: GraphQLError) => {
    const fields = error.extensions.fields as FieldError[] | undefined;
    const hide = production ? hideSuggestions : (text: string) => text;
    return new GraphQLError(hide(error.message), {
      nodes: error.nodes,
      extensions: {
        code: 'GRAPHQL_VALIDATION_FAILED',
        ...(fields ? { fields: fields.map((f) => ({ field: f.field, message: hide(f.message) })) } : {}),
      },
    });
  };
  // What a document's text alone decides, once per document: Apollo hands back the same
  // DocumentNode for the same query text from its document store.
  const validated = new WeakMap<DocumentNode, readonly GraphQLError[]>();
  const validateOnce = (document: DocumentNode) => {
    let errors = validated.get(document);
    if (!errors) {
      // The cheap limits first: validation proper is not spent on a document they refuse.
      const overLimits = validate(schema, document, shape);
      errors = overLimits.length > 0 ? overLimits : validate(schema, document, rules).map(asValidationError);
      validated.set(document, errors);
    }
    return errors;
  };

  // graphql-query-complexity walks the document on every call; when nothing it reads comes from the
  // variables, an operation's cost is its document's own and is worked out once.
  const fixedCosts = new WeakMap<DocumentNode, number | undefined>();
  const costFor = (request: OperationRequest): number | undefined => {
    const { document, operationName, variables } = request;
    if (fixedCosts.has(document)) return fixedCosts.get(document);
    const cost = costOf(schema, document, operationName ?? undefined, variables ?? {});
    const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
    if (operations.length === 1 && !costReadsVariables(document)) fixedCosts.set(document, cost);
    return cost;
  };

  // graphql-ws has no document store: the guard keeps the documents it parsed, by their text, so that
  // a subscription sent again (one per connection test followed) is neither parsed nor validated again
  // (validateOnce and costFor key on the document). Bounded: the oldest goes first.
  const parsed = new Map<string, DocumentNode>();
  const parse = (source: string): DocumentNode | GraphQLError => {
    const known = parsed.get(source);
    if (known) return known;
    try {
      const document = parseWithinLimit(source, limits.tokens);
      if (parsed.size >= PARSED_DOCUMENTS) parsed.delete(parsed.keys().next().value!);
      parsed.set(source, document);
      return document;
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      if (error.extensions.code === 'QUERY_TOO_COMPLEX') return error;
      return new GraphQLError(withoutTokenText(error.message), {
        source: error.source,
        positions: error.positions,
        extensions: { code: 'GRAPHQL_PARSE_FAILED' },
      });
    }
  };

  return {
    parse,

    overTokenLimit(source) {
      // Every token is at least one character long: a short document is not even parsed here.
      if (source.length <= limits.tokens) return undefined;
      const parsed = parse(source);
      return parsed instanceof GraphQLError && parsed.extensions.code === 'QUERY_TOO_COMPLEX'
        ? parsed
        : undefined;
    },

    check(request) {
      const { document, operationName, variables } = request;
      const invalid = validateOnce(document);
      if (invalid.length > 0) return invalid;
      const operation = getOperationAST(document, operationName ?? undefined);
      if (!operation) {
        const message = operationName
          ? 'The document has no operation of the name given in operationName'
          : 'The document has several operations: name the one to run in operationName';
        return [new GraphQLError(message, { extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } })];
      }
      const problems = variableProblems(schema, operation, variables ?? {});
      if (problems.length > 0) return [fromAppError(AppError.badInput(problems))];
      const cost = costFor(request);
      if (cost === undefined || cost > limits.cost) return [tooComplex('cost', limits.cost)];
      return [];
    },
  };
}

/** The errors of an operation refused before execution, as clients receive them. */
function refusal(errors: readonly GraphQLError[]): GraphQLResponse {
  return {
    http: { status: 400, headers: new HeaderMap() },
    body: {
      kind: 'single',
      singleResult: { errors: errors.map((error) => formatError(error.toJSON(), error)) },
    },
  };
}

/**
 * The token limit on HTTP, ahead of Apollo: Apollo parses before any plugin may refuse a request
 * cleanly (an error thrown from a parsing hook becomes a logged, masked 500), so a document over the
 * limit is refused here, before Apollo would parse it whole. Other parse failures are left to Apollo,
 * whose message formatError words like the guard's.
 */
export function tokenLimit(guard: OperationGuard): RequestHandler {
  return (req, res, next) => {
    const query: unknown =
      req.method === 'GET' ? req.query.query : (req.body as { query?: unknown } | undefined)?.query;
    const refused = typeof query === 'string' ? guard.overTokenLimit(query) : undefined;
    if (!refused) return next();
    res
      .status(asksForLegacyJson(req.header('accept')) ? 200 : 400)
      .json({ errors: [formatError(refused.toJSON(), refused)] });
  };
}

/** Errors of a request refused before execution: its document, its operation or its variables. */
const REQUEST_ERROR_CODES = new Set<unknown>([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_USER_INPUT',
  'QUERY_TOO_COMPLEX',
]);

/**
 * Whether the client asked for `application/json` by name and not for
 * `application/graphql-response+json`: a legacy client, which the GraphQL-over-HTTP spec answers with
 * 200 for a well-formed request whatever its GraphQL errors (a 4xx may be read as "not GraphQL").
 * Clients that send no Accept header, or one that accepts any type, keep getting 400 as before.
 */
export function asksForLegacyJson(accept: string | undefined): boolean {
  if (!accept) return false;
  const types = accept.split(',').map((part) => part.split(';')[0]?.trim().toLowerCase());
  return types.includes('application/json') && !types.includes('application/graphql-response+json');
}

/**
 * The rest of the guard on Apollo's pipeline, just before execution, where the variables are at
 * hand. Apollo's own validation is off (`dangerouslyDisableValidation`): it cannot drop
 * ValuesOfCorrectTypeRule, whose messages quote values; the guard validates with the same rules as
 * on graphql-ws instead.
 */
export function operationGuardPlugin<TContext extends object>(
  guard: OperationGuard,
): ApolloServerPlugin<TContext> {
  return {
    requestDidStart: () =>
      Promise.resolve({
        responseForOperation: ({ document, request }) => {
          const errors = guard.check({
            document,
            operationName: request.operationName,
            variables: request.variables,
          });
          return Promise.resolve(errors.length > 0 ? refusal(errors) : null);
        },
        // Parse, validation and variable failures (Apollo's and the guard's) are 400 by default; a
        // client that asked for application/json by name gets them with 200 (graphql-http's audit).
        willSendResponse: ({ request, response }) => {
          const { body, http } = response;
          if (http.status !== 400 || body.kind !== 'single' || 'data' in body.singleResult) {
            return Promise.resolve();
          }
          const codes = (body.singleResult.errors ?? []).map((error) => error.extensions?.code);
          if (
            codes.length > 0 &&
            codes.every((code) => REQUEST_ERROR_CODES.has(code)) &&
            asksForLegacyJson(request.http?.headers.get('accept'))
          ) {
            http.status = 200;
          }
          return Promise.resolve();
        },
      }),
  };
}
