// Checks Cypher statements with Neo4j's own parser and semantic analysis
// (@neo4j-cypher/language-support, lintCypherQuery).
//
// Usage: node tools/cypherlint/lint.mjs corpus.json
//
// corpus.json: {"schema": {"labels": [...], "relationshipTypes": [...],
// "propertyKeys": [...]}, "statements": [{"name": "...", "cypher": "...",
// "params": {...}}]}
//
// Prints one line per problem and exits 1 when any statement has an
// error-severity diagnostic, a warning that a label, relationship type or
// property key is not in the schema (a misspelling), or a deprecation warning
// (what the server would send as a deprecation notification). Exits 2 on bad
// usage.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// The package's CommonJS build: the ESM build of 2.0.0-next.20 (the last
// release whose engines allow Node 20) has extensionless imports that Node
// cannot resolve.
const { lintCypherQuery } = createRequire(import.meta.url)('@neo4j-cypher/language-support');

const ERROR = 1; // DiagnosticSeverity.Error

const file = process.argv[2];
if (!file) {
  console.error('usage: node lint.mjs corpus.json');
  process.exit(2);
}
const corpus = JSON.parse(readFileSync(file, 'utf8'));
// Linting one statement at a time costs a fixed setup per call, so the corpus
// goes through in one call, one statement per line, with the union of their
// parameters; each diagnostic is mapped back to its statement by line.
for (const st of corpus.statements) {
  if (st.cypher.includes('\n')) {
    console.error(`statement ${st.name} spans lines; keep each statement on one line`);
    process.exit(2);
  }
}
const parameters = Object.assign({}, ...corpus.statements.map((st) => st.params ?? {}));
const text = corpus.statements.map((st) => st.cypher).join(';\n');
// Releases up to 2.0.0-next.20 return the diagnostics, later ones an object
// holding them.
const linted = lintCypherQuery(text, { ...corpus.schema, parameters });
const diagnostics = Array.isArray(linted) ? linted : linted.diagnostics;
let failed = 0;
let warnings = 0;
for (const d of diagnostics) {
  const st = corpus.statements[d.range.start.line] ?? { name: '?', cypher: '' };
  const unknownName = d.message.includes('is not present in the database');
  const deprecated = /deprecat/i.test(d.message);
  const fatal = d.severity === ERROR || unknownName || deprecated;
  if (fatal) failed++;
  else warnings++;
  console.log(`${fatal ? 'ERROR' : 'warning'} ${st.name}: ${d.message}\n    ${st.cypher}`);
}
console.log(`checked ${corpus.statements.length} statements: ${failed} errors, ${warnings} warnings`);
process.exit(failed > 0 ? 1 : 0);
