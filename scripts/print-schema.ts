// Writes the generated SDL to schema.graphql (committed; test/api/schema.test.ts fails when it is stale).
import { writeFile } from 'node:fs/promises';
import { printSchemaSdl } from '../src/api/schema.js';

await writeFile(new URL('../schema.graphql', import.meta.url), await printSchemaSdl());
console.log('schema.graphql written');
