import {
  coerceInputValue,
  getNullableType,
  isInputObjectType,
  isInputType,
  isListType,
  isNonNullType,
  typeFromAST,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import type { FieldError } from '../errors.js';

/** `input.standby.port`, `input.tags[2]`: graphql-js's own way of naming a place in a variable. */
export function printPath(root: string, path: readonly (string | number)[]): string {
  return path.reduce<string>(
    (printed, key) => (typeof key === 'number' ? `${printed}[${key}]` : `${printed}.${key}`),
    root,
  );
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The input type at `path` inside a value of type `type`, or undefined past an unknown field. */
function typeAt(type: GraphQLInputType, path: readonly (string | number)[]): GraphQLInputType | undefined {
  let current: GraphQLInputType | undefined = type;
  for (const key of path) {
    const nullable: GraphQLInputType | undefined = current && getNullableType(current);
    if (typeof key === 'number' && isListType(nullable)) current = nullable.ofType;
    else if (typeof key === 'string' && isInputObjectType(nullable))
      current = nullable.getFields()[key]?.type;
    else return undefined;
  }
  return current;
}

/**
 * What is wrong at `path`, worded from the schema alone. graphql-js reports an input object's unknown
 * and missing fields at the object's own path, so for an object they are worked out here, one entry
 * per field.
 */
function describe(
  variable: string,
  type: GraphQLInputType,
  path: readonly (string | number)[],
  value: unknown,
) {
  const expected = typeAt(type, path);
  const at = printPath(variable, path);
  const target = expected && getNullableType(expected);
  if (isInputObjectType(target) && isObject(value)) {
    const fields = target.getFields();
    const problems: FieldError[] = [];
    for (const key of Object.keys(value)) {
      if (!fields[key]) problems.push({ field: `${at}.${key}`, message: `is not a field of ${target.name}` });
    }
    for (const field of Object.values(fields)) {
      if (value[field.name] === undefined && isNonNullType(field.type) && field.defaultValue === undefined) {
        problems.push({ field: `${at}.${field.name}`, message: `is required (${String(field.type)})` });
      }
    }
    if (problems.length > 0) return problems;
  }
  return [
    {
      field: at,
      message: expected ? `expected a value of type ${String(expected)}` : 'is not expected here',
    },
  ];
}

/**
 * Checks an operation's variables as execution would coerce them, but reports each problem by its path
 * and the type expected there: graphql-js's own messages (`Variable "$input" got invalid value {…}`)
 * quote the value, which may hold a password. Run before execution on both transports, so execution
 * never meets a variable it would reject.
 */
export function variableProblems(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  inputs: Readonly<Record<string, unknown>>,
): FieldError[] {
  const problems: FieldError[] = [];
  const seen = new Set<string>();
  const add = (problem: FieldError) => {
    const key = `${problem.field}\u0000${problem.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(problem);
    }
  };
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    const type = typeFromAST(schema, definition.type);
    // Not an input type: validation (VariablesAreInputTypesRule) has refused the document already.
    if (!type || !isInputType(type)) continue;
    if (!Object.hasOwn(inputs, name)) {
      if (isNonNullType(type) && definition.defaultValue === undefined) {
        add({ field: name, message: `is required (${String(type)})` });
      }
      continue;
    }
    const value = inputs[name];
    if (value === null && isNonNullType(type)) {
      add({ field: name, message: `must not be null (${String(type)})` });
      continue;
    }
    coerceInputValue(value, type, (path, invalid) => {
      for (const problem of describe(name, type, path, invalid)) add(problem);
    });
  }
  return problems;
}
