import { readFile } from 'node:fs/promises';
import {
  buildSchema,
  GraphQLEnumType,
  GraphQLInputObjectType,
  GraphQLObjectType,
  isSpecifiedScalarType,
  type GraphQLArgument,
  type GraphQLInputField,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildApiSchema, printSchemaSdl } from '../../src/api/schema.js';

const CONTRACT = new URL('../../../shared/spec/api.graphql', import.meta.url);
const COMMITTED = new URL('../../schema.graphql', import.meta.url);

const defaultOf = (input: GraphQLArgument | GraphQLInputField) => JSON.stringify(input.defaultValue ?? null);

describe('schema.graphql', () => {
  it('is what the code generates (run `npm run schema:print` after changing the API)', async () => {
    expect(await readFile(COMMITTED, 'utf8')).toBe(await printSchemaSdl());
  });

  it('contains the public contract unchanged: every type, field, argument, default and enum value', async () => {
    const contract = buildSchema(await readFile(CONTRACT, 'utf8'));
    const ours = await buildApiSchema();
    const problems: string[] = [];

    for (const type of Object.values(contract.getTypeMap())) {
      if (type.name.startsWith('__') || isSpecifiedScalarType(type)) continue;
      const mine = ours.getType(type.name);
      if (!mine || mine.constructor !== type.constructor) {
        problems.push(`${type.name}: missing or of another kind`);
        continue;
      }
      if (type instanceof GraphQLEnumType && mine instanceof GraphQLEnumType) {
        for (const value of type.getValues()) {
          if (!mine.getValue(value.name)) problems.push(`${type.name}.${value.name}: missing enum value`);
        }
      }
      if (type instanceof GraphQLInputObjectType && mine instanceof GraphQLInputObjectType) {
        const fields = mine.getFields();
        for (const field of Object.values(type.getFields())) {
          const own = fields[field.name];
          if (!own) problems.push(`${type.name}.${field.name}: missing`);
          else if (String(own.type) !== String(field.type) || defaultOf(own) !== defaultOf(field)) {
            problems.push(
              `${type.name}.${field.name}: ${String(own.type)} = ${defaultOf(own)}, contract ${String(field.type)} = ${defaultOf(field)}`,
            );
          }
        }
        for (const own of Object.values(fields)) {
          if (
            !type.getFields()[own.name] &&
            String(own.type).endsWith('!') &&
            own.defaultValue === undefined
          ) {
            problems.push(`${type.name}.${own.name}: an added input field must be optional`);
          }
        }
      }
      if (type instanceof GraphQLObjectType && mine instanceof GraphQLObjectType) {
        const fields = mine.getFields();
        for (const field of Object.values(type.getFields())) {
          const own = fields[field.name];
          if (!own) {
            problems.push(`${type.name}.${field.name}: missing`);
            continue;
          }
          if (String(own.type) !== String(field.type)) {
            problems.push(`${type.name}.${field.name}: ${String(own.type)}, contract ${String(field.type)}`);
          }
          for (const arg of field.args) {
            const ownArg = own.args.find((a) => a.name === arg.name);
            if (!ownArg || String(ownArg.type) !== String(arg.type) || defaultOf(ownArg) !== defaultOf(arg)) {
              problems.push(`${type.name}.${field.name}(${arg.name}): differs from the contract`);
            }
          }
          for (const ownArg of own.args) {
            if (
              !field.args.some((a) => a.name === ownArg.name) &&
              String(ownArg.type).endsWith('!') &&
              ownArg.defaultValue === undefined
            ) {
              problems.push(`${type.name}.${field.name}(${ownArg.name}): an added argument must be optional`);
            }
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
