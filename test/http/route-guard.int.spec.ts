import { Controller, Get, type INestApplication, RequestMethod, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { ROUTE_ACCESS, type RouteAccess } from '../../src/auth/access.decorators.js';
import { Tokens } from '../../src/auth/tokens.js';
import { AppModule } from '../../src/app.module.js';
import { loadConfig } from '../../src/config/ledger-config.js';
import { configureApp } from '../../src/http/configure-app.js';
import { createLogger } from '../../src/http/logging.js';
import { ADMIN, startLedger, TestClock } from '../support/ledger-app.js';
import { expectRefusal } from './ledger-http.js';

/*
 * Every route the app serves needs a token (contract section 10), GET /health alone excepted, and
 * every route handler carries an access mark. Routes are enumerated two ways and cross-checked:
 *
 * - Express's own router (`app.router.stack` in express 5): every route that actually answers,
 *   whoever registered it (Nest controllers, Swagger, or a hand-added `app.get`). This is the
 *   list the "401 without a token" table runs over.
 * - Nest's controller metadata (DiscoveryService over the ModulesContainer, MetadataScanner, the
 *   same PATH/METHOD metadata Nest's router reads, and Reflector.getAllAndOverride on
 *   [handler, class], exactly as AuthGuard reads ROUTE_ACCESS): every controller route and its mark.
 *
 * A new controller route without a mark fails the mark table (and the 401 table: AuthGuard closes it
 * with 403); a route added behind Nest's back fails the cross-check and the 401 table.
 */

interface Route {
  readonly method: string;
  readonly path: string;
}
interface NestRoute extends Route {
  readonly controller: string;
  readonly handler: string;
  readonly access: RouteAccess | undefined;
}

const key = (r: Route) => `${r.method} ${r.path}`;
/**
 * Contract section 10: every route but GET /health needs a token. The OpenAPI pages (/docs*,
 * served by Swagger outside Nest's controllers) are public by decision: they hold no data, and a
 * browser cannot send a bearer header to load the page whose Authorize button takes the token.
 */
const PUBLIC = ['GET /health'];
const MARKS: readonly RouteAccess[] = ['public', 'read', 'write', 'admin'];

/** Express 5's router layers: `route` is set on routes, absent on middleware. */
interface ExpressLayer {
  readonly name?: string;
  readonly route?: { readonly path: unknown; readonly methods: Record<string, boolean | undefined> };
  readonly handle?: { readonly stack?: unknown };
}

/** Every (method, path) Express answers, as registered. */
function expressRoutes(app: INestApplication): Route[] {
  const router = app.getHttpAdapter().getInstance().router as { stack?: ExpressLayer[] } | undefined;
  if (!Array.isArray(router?.stack)) throw new Error('express 5 router stack not found: the enumeration needs updating');
  return router.stack.flatMap((layer): Route[] => {
    if (Array.isArray(layer.handle?.stack))
      throw new Error(`a mounted router (${layer.name}): its routes are not enumerated here`);
    if (!layer.route) return [];
    const { path, methods } = layer.route;
    if (typeof path !== 'string') throw new Error(`a route with a non-string path: ${String(path)}`);
    return Object.keys(methods)
      .filter((m) => methods[m])
      .map((m) => ({ method: m.toUpperCase(), path }));
  });
}

const joinPaths = (...parts: string[]) =>
  '/' +
  parts
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/');
const asList = (value: unknown): string[] =>
  value === undefined ? [''] : Array.isArray(value) ? value.map(String) : [String(value)];

/** Every route handler of every controller, with the access mark the guard will read. */
function nestRoutes(app: INestApplication): NestRoute[] {
  const discovery = new DiscoveryService(app.get(ModulesContainer));
  const reflector = app.get(Reflector);
  const scanner = new MetadataScanner();
  return discovery.getControllers().flatMap((wrapper) => {
    const controller = wrapper.metatype as Type | null;
    if (!controller) return [];
    const prototype = controller.prototype as Record<string, unknown>;
    return scanner.getAllMethodNames(prototype).flatMap((name) => {
      const handler = prototype[name] as (...args: unknown[]) => unknown;
      const routePath = reflector.get<unknown>(PATH_METADATA, handler);
      if (routePath === undefined) return [];
      const method = RequestMethod[reflector.get<RequestMethod>(METHOD_METADATA, handler) ?? RequestMethod.GET];
      const access = reflector.getAllAndOverride<RouteAccess | undefined>(ROUTE_ACCESS, [handler, controller]);
      return asList(reflector.get<unknown>(PATH_METADATA, controller)).flatMap((base) =>
        asList(routePath).map((path) => ({
          method,
          path: joinPaths(base, path),
          controller: controller.name,
          handler: name,
          access,
        })),
      );
    });
  });
}

/** A request path for a route: each `:param` filled with a valid id. */
const concrete = (path: string) => path.replace(/:[A-Za-z_]\w*/g, 'x1');

const ledger = await startLedger();
/** The route's method on its path (params filled in), with this Authorization header or none; POSTs carry `{}`. */
const send = (method: string, path: string, authorization?: string) => {
  const req = request(ledger.http)[method.toLowerCase() as 'get' | 'post'](concrete(path));
  if (authorization !== undefined) req.set('Authorization', authorization);
  return method === 'GET' ? req : req.send({});
};
const EXPRESS = expressRoutes(ledger.app);
const NEST = nestRoutes(ledger.app);
/** The OpenAPI page and documents that SwaggerModule.setup('docs') serves (configure-app.ts). */
const isSwagger = (r: Route) => r.path === '/docs' || r.path.startsWith('/docs/') || r.path.startsWith('/docs-');

afterAll(() => ledger.close());

describe('the routes the app registers', () => {
  it('given the running app, when its routes are enumerated both ways, then the lists are not empty and agree', () => {
    expect(NEST.length).toBeGreaterThanOrEqual(17);
    expect(NEST.map(key)).toEqual(
      expect.arrayContaining(['POST /members', 'GET /members/:memberId/history', 'GET /access-denials', 'GET /health']),
    );
    // Each controller route is served exactly once.
    expect(new Set(NEST.map(key)).size).toBe(NEST.length);
    expect(EXPRESS.map(key)).toEqual(expect.arrayContaining(NEST.map(key)));
    // Nothing answers that no controller declares, bar the OpenAPI page.
    const nest = new Set(NEST.map(key));
    expect(EXPRESS.filter((r) => !nest.has(key(r)) && !isSwagger(r)).map(key)).toEqual([]);
  });

  it.each(NEST.map((r) => ({ ...r, route: key(r), where: `${r.controller}.${r.handler}` })))(
    '$route ($where) carries an access mark',
    ({ access }) => {
      expect(MARKS).toContain(access);
    },
  );

  it('given the access marks, when they are listed, then GET /health alone is public', () => {
    expect(NEST.filter((r) => r.access === 'public').map(key)).toEqual(PUBLIC);
  });

  it.each(
    EXPRESS.map((r) => ({
      ...r,
      route: key(r),
      expected: PUBLIC.includes(key(r)) ? '200' : isSwagger(r) ? 'a public docs page' : '401 UNAUTHORIZED',
    })),
  )('$route without a token → $expected', async ({ method, path, route, expected }) => {
    const res = await send(method, path);
    if (PUBLIC.includes(route)) {
      expect(res.status).toBe(200);
      return;
    }
    if (expected === 'a public docs page') {
      expect(res.status).not.toBe(401);
      expect(res.status).toBeLessThan(500);
      return;
    }
    expectRefusal(res, 401, 'UNAUTHORIZED');
  });

  // The 401s above are about the missing token: with a valid one, each route gets past sign-in (to its
  // validation, its 404 or its answer; these empty bodies are never accepted, so nothing is recorded).
  it.each(NEST.map((r) => ({ ...r, route: key(r) })))(
    '$route with a provincial-admin token → past sign-in (not 401/403)',
    async ({ method, path }) => {
      const res = await send(method, path, `Bearer ${ledger.token()}`);
      expect([401, 403]).not.toContain(res.status);
      expect(res.status).toBeLessThan(500);
    },
  );

  it.each(NEST.filter((r) => r.access !== 'public').map((r) => ({ ...r, route: key(r) })))(
    '$route with a forged signature → 401 UNAUTHORIZED',
    async ({ method, path }) => {
      const forged = ledger.token().replace(/\.[^.]+$/, '.' + Buffer.alloc(32, 7).toString('base64url'));
      const res = await send(method, path, `Bearer ${forged}`);
      expectRefusal(res, 401, 'UNAUTHORIZED');
    },
  );
});

@Controller('unmarked')
class UnmarkedHttp {
  @Get()
  look() {
    return { secret: 'should never be served' };
  }
}

describe('the checks above, given a route someone added without an access mark', () => {
  let app: INestApplication;
  const dataDir = mkdtempSync(join(tmpdir(), 'ledger-unmarked-'));

  beforeAll(async () => {
    const config = loadConfig({ LEDGER_DATA_DIR: dataDir });
    const logger = createLogger('silent');
    const moduleRef = await Test.createTestingModule({
      imports: [AppModule.forRoot({ config, logger, clock: new TestClock() })],
      controllers: [UnmarkedHttp],
    }).compile();
    app = moduleRef.createNestApplication({ bodyParser: false, logger: false });
    configureApp(app, config, logger);
    await app.init();
  });
  afterAll(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('then the enumeration finds it without a mark, and the guard keeps it closed (403, not 401) to everyone', async () => {
    expect(
      nestRoutes(app)
        .filter((r) => !MARKS.includes(r.access as RouteAccess))
        .map(key),
    ).toEqual(['GET /unmarked']);
    expect(expressRoutes(app).map(key)).toContain('GET /unmarked');
    expectRefusal(await request(app.getHttpServer()).get('/unmarked'), 403, 'FORBIDDEN');
    const admin = new Tokens(loadConfig({ LEDGER_DATA_DIR: dataDir }).tokenSigningKey).issue(ADMIN, '1h');
    const res = await request(app.getHttpServer()).get('/unmarked').set('Authorization', `Bearer ${admin}`);
    expectRefusal(res, 403, 'FORBIDDEN');
    expect(res.text).not.toContain('should never be served');
  });
});
