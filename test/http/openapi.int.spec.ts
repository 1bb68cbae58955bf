import request from 'supertest';
import { type LedgerApp, startLedger } from '../support/ledger-app.js';

interface Operation {
  parameters?: Array<{ name: string; in: string; required?: boolean; description?: string; schema?: { pattern?: string } }>;
  requestBody?: { content: Record<string, { schema: { $ref?: string } }> };
  responses: Record<string, unknown>;
}
interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { required?: string[]; properties?: Record<string, unknown> }> };
}

/** The routes of contract section 7 built so far, the void routes of parks and enterprises, erasure, the denial log and /health. */
const CONTRACT_ROUTES = [
  'POST /parks',
  'POST /parks/{parkId}/union',
  'POST /parks/{parkId}/entries/{eventId}/void',
  'POST /enterprises',
  'POST /enterprises/{enterpriseId}/union',
  'POST /enterprises/{enterpriseId}/headcount',
  'POST /enterprises/{enterpriseId}/close',
  'POST /enterprises/{enterpriseId}/entries/{eventId}/void',
  'POST /members',
  'POST /members/{memberId}/transfer',
  'POST /members/{memberId}/category',
  'POST /members/{memberId}/leave',
  'POST /members/{memberId}/entries/{eventId}/void',
  'GET /members/{memberId}',
  'GET /members/{memberId}/history',
  'POST /members/{memberId}/erase',
  'GET /access-denials',
  'GET /health',
  'GET /figures',
  'GET /figures/changes',
  'GET /statement',
  'GET /series',
  'POST /transfers',
  'POST /transfers/{transferId}/accept',
  'POST /transfers/{transferId}/reject',
  'POST /transfers/{transferId}/cancel',
  'GET /transfers',
  'POST /imports',
].sort();

/** Not a command: a stream of them, answered with a summary. */
const IMPORT_ROUTE = 'POST /imports';

/** Contract section 7: the body fields each command requires (commandId is optional everywhere). */
const REQUIRED_BODY_FIELDS: Record<string, string[]> = {
  'POST /parks': ['parkId', 'name', 'cityId', 'level', 'effectiveDate'],
  'POST /parks/{parkId}/union': ['effectiveDate'],
  'POST /parks/{parkId}/entries/{eventId}/void': ['reason'],
  'POST /enterprises': ['enterpriseId', 'parkId', 'name', 'ownership', 'effectiveDate'],
  'POST /enterprises/{enterpriseId}/union': ['effectiveDate'],
  'POST /enterprises/{enterpriseId}/headcount': ['employees', 'effectiveDate'],
  'POST /enterprises/{enterpriseId}/close': ['effectiveDate'],
  'POST /enterprises/{enterpriseId}/entries/{eventId}/void': ['reason'],
  'POST /members': ['memberId', 'personId', 'name', 'category', 'enterpriseId', 'effectiveDate'],
  'POST /members/{memberId}/transfer': ['toEnterpriseId', 'effectiveDate'],
  'POST /members/{memberId}/category': ['category', 'effectiveDate'],
  'POST /members/{memberId}/leave': ['reason', 'effectiveDate'],
  'POST /members/{memberId}/entries/{eventId}/void': ['reason'],
  'POST /members/{memberId}/erase': ['reason'],
  // memberId or personId: one of the two, checked by the route (OpenAPI 3.0 cannot say "exactly one" on a plain schema).
  'POST /transfers': ['transferId', 'toEnterpriseId', 'effectiveDate'],
  'POST /transfers/{transferId}/accept': [],
  'POST /transfers/{transferId}/reject': ['reason'],
  'POST /transfers/{transferId}/cancel': ['reason'],
};

const operationsOf = (doc: OpenApiDocument) =>
  Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, path, op })),
  );

describe('the OpenAPI document at GET /docs-json', () => {
  let ledger: LedgerApp;
  let doc: OpenApiDocument;

  beforeAll(async () => {
    ledger = await startLedger();
    const res = await ledger.as().get('/docs-json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    doc = res.body;
  });
  afterAll(() => ledger.close());

  it('given the running app, when /docs-json is read, then it is an OpenAPI 3 document', () => {
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths).length).toBeGreaterThan(0);
  });

  it('given the routes the app registers, when compared with the document, then every registered route is documented and nothing else', () => {
    const router = ledger.app.getHttpAdapter().getInstance().router as {
      stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }>;
    };
    const registered = router.stack
      .flatMap((layer) =>
        layer.route ? Object.keys(layer.route.methods).map((m) => ({ method: m, path: layer.route!.path })) : [],
      )
      .filter(({ path }) => path !== '/docs' && !path.startsWith('/docs/') && !path.startsWith('/docs-'))
      .map(({ method, path }) => `${method.toUpperCase()} ${path.replace(/:(\w+)/g, '{$1}')}`)
      .sort();
    const documented = operationsOf(doc)
      .map((o) => o.route)
      .sort();
    expect(registered).toEqual(CONTRACT_ROUTES);
    expect(documented).toEqual(CONTRACT_ROUTES);
  });

  it('given every POST, when its responses are read, then 201, 400 and 409 are documented (and 404 where a path names an id)', () => {
    const posts = operationsOf(doc).filter((o) => o.route.startsWith('POST ') && o.route !== IMPORT_ROUTE);
    expect(posts).toHaveLength(Object.keys(REQUIRED_BODY_FIELDS).length);
    for (const { route, path, op } of posts) {
      const codes = Object.keys(op.responses);
      expect({ route, codes }).toEqual({ route, codes: expect.arrayContaining(['201', '400', '409']) });
      if (path.includes('{')) expect({ route, codes }).toEqual({ route, codes: expect.arrayContaining(['404']) });
    }
  });

  it('given every route but /health, when its responses are read, then the refusals that come before any route are documented: 401 and 429, and 403 and 503 for every POST', () => {
    for (const { route, op } of operationsOf(doc)) {
      if (route === 'GET /health') continue;
      const wanted = route.startsWith('POST ') ? ['401', '403', '429', '503'] : ['401', '429'];
      expect({ route, codes: Object.keys(op.responses) }).toEqual({ route, codes: expect.arrayContaining(wanted) });
    }
  });

  it('given the import route, when read, then it takes NDJSON and CSV and documents its summary and its refusals', () => {
    const op = operationsOf(doc).find((o) => o.route === IMPORT_ROUTE)!.op;
    expect(Object.keys(op.requestBody?.content ?? {}).sort()).toEqual(['application/x-ndjson', 'text/csv']);
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '400', '409', '415']));
  });

  it('given every POST, when its request body is read, then it is JSON with exactly the contract fields required', () => {
    for (const { route, op } of operationsOf(doc).filter((o) => o.route.startsWith('POST ') && o.route !== IMPORT_ROUTE)) {
      const ref = op.requestBody?.content['application/json']?.schema.$ref;
      expect({ route, ref }).toEqual({ route, ref: expect.stringMatching(/^#\/components\/schemas\//) });
      const schema = doc.components.schemas[ref!.split('/').pop()!];
      expect({ route, required: [...(schema.required ?? [])].sort() }).toEqual({
        route,
        required: [...REQUIRED_BODY_FIELDS[route]].sort(),
      });
      expect(Object.keys(schema.properties ?? {})).toEqual(expect.arrayContaining(['commandId']));
    }
  });

  it('given every POST, when its parameters are read, then the commands that take expectedRevision document an optional If-Match header and the import does not', () => {
    const ifMatch = (op: Operation) => (op.parameters ?? []).filter((p) => p.in === 'header' && p.name === 'If-Match');
    for (const { route, op } of operationsOf(doc).filter((o) => o.route.startsWith('POST '))) {
      const schema = doc.components.schemas[op.requestBody?.content['application/json']?.schema.$ref?.split('/').pop() ?? ''];
      const takesRevision = Object.keys(schema?.properties ?? {}).includes('expectedRevision');
      expect({ route, takesRevision }).toEqual({ route, takesRevision: route !== IMPORT_ROUTE });
      expect({ route, headers: ifMatch(op) }).toEqual({
        route,
        headers: takesRevision ? [expect.objectContaining({ required: false, description: expect.stringMatching(/ETag/) })] : [],
      });
    }
  });

  it.each([
    ['"0"', true],
    ['"3"', true],
    ['*', true],
    ['"999999999999999"', true],
    ['"9999999999999999"', false],
    ['"03"', false],
    ['W/"3"', false],
    ['"3", "4"', false],
  ])(
    'given the If-Match pattern OpenAPI documents, when %s is sent as If-Match, then the service takes it exactly when the pattern does (%s)',
    async (ifMatch, taken) => {
      const patterns = new Set(
        operationsOf(doc).flatMap(({ op }) =>
          (op.parameters ?? []).filter((p) => p.in === 'header' && p.name === 'If-Match').map((p) => p.schema?.pattern),
        ),
      );
      expect(patterns.size).toBe(1);
      const [pattern] = [...patterns];

      const res = await ledger
        .as()
        .post('/members/m-nobody/leave')
        .set('If-Match', ifMatch)
        .send({ reason: 'retired', effectiveDate: '2017-01-01' });

      expect(new RegExp(pattern!).test(ifMatch)).toBe(taken);
      // Taken, it is checked against a stream that does not exist (412 or 404), never refused as a malformed If-Match.
      const refusedAsMalformed = res.status === 400 && res.body.details?.[0]?.field === 'If-Match';
      expect({ ifMatch, refusedAsMalformed }).toEqual({ ifMatch, refusedAsMalformed: !taken });
    },
  );

  it('given every route with ids in its path, when its parameters are read, then each path id is documented', () => {
    for (const { route, path, op } of operationsOf(doc)) {
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      const documented = (op.parameters ?? [])
        .filter((p) => p.in === 'path')
        .map((p) => p.name)
        .sort();
      expect({ route, documented }).toEqual({ route, documented: inPath });
    }
  });

  it('given GET /members/{memberId}, when its parameters are read, then asOf and knownAt are documented as query parameters', () => {
    const query = (doc.paths['/members/{memberId}'].get.parameters ?? [])
      .filter((p) => p.in === 'query')
      .map((p) => p.name)
      .sort();
    expect(query).toEqual(['asOf', 'knownAt']);
  });

  it('given GET /access-denials, when read, then limit and cursor are query parameters, the answer names nextCursor and a bad one is a documented 400', () => {
    const op = doc.paths['/access-denials'].get as Operation & { responses: Record<string, { description?: string }> };
    const query = (op.parameters ?? [])
      .filter((p) => p.in === 'query')
      .map((p) => p.name)
      .sort();
    expect(query).toEqual(['cursor', 'limit']);
    expect(op.responses['200'].description).toMatch(/\bdenials\b.*\bnextCursor\b/);
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['400', '403']));
  });

  it('given GET /transfers, when read, then the answer documents whether each pending request can still be accepted, and why not', () => {
    const op = doc.paths['/transfers'].get as Operation & {
      description?: string;
      responses: Record<string, { description?: string }>;
    };
    expect(op.responses['200'].description).toMatch(/\bacceptable: boolean \| null, blockedBy: \{ code, message \} \| null\b/);
    expect(op.description).toMatch(/\bMEMBER_NOT_ACTIVE\b.*\bENTERPRISE_NOT_OPEN\b.*\bpendingTransfersIn\/Out\b/);
  });
});
