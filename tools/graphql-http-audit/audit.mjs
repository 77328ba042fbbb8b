// Runs the graphql-http server audit (GraphQL over HTTP conformance) against
// a running server and prints every result. It exits 1 when an audit fails
// at the error level (a MUST of the spec), 2 on a usage or fatal error, and 0
// otherwise; warnings (SHOULD/MAY) are printed but do not fail.
//
//   node tools/graphql-http-audit/audit.mjs http://127.0.0.1:8080/query
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs <graphql endpoint URL>');
  process.exit(2);
}

let results;
try {
  results = await auditServer({ url });
} catch (err) {
  console.error('audit failed to run:', err);
  process.exit(2);
}

const counts = { ok: 0, warn: 0, error: 0 };
for (const r of results) {
  counts[r.status]++;
  if (r.status === 'ok') {
    console.log(`ok    ${r.id} ${r.name}`);
    continue;
  }
  console.log(`${r.status.padEnd(5)} ${r.id} ${r.name}: ${r.reason}`);
  if (r.response) {
    let body = '';
    try {
      body = await r.response.text();
    } catch {
      // body already read by the audit
    }
    console.log(`      status ${r.response.status}, content-type ${r.response.headers.get('content-type')}` +
      (body ? `, body ${body.slice(0, 300)}` : ''));
  }
}
console.log(`\n${results.length} audits: ${counts.ok} ok, ${counts.warn} warnings, ${counts.error} errors`);
process.exit(counts.error > 0 ? 1 : 0);
