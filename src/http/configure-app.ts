import { type INestApplication, type ValidationError, ValidationPipe } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { type LedgerConfig } from '../config/ledger-config.js';
import { DomainError } from '../shared/domain-error.js';
import { jsonBodies } from './body-parsing.js';
import { ErrorResponseFilter } from './error-response.js';
import { IfMatchInterceptor } from './if-match.js';
import { requestLogging } from './logging.js';
import { queryStrings } from './query-strings.js';
import { serverTiming } from './server-timing.js';

/** Flattens class-validator's tree into one entry per bad field (`to.enterpriseId`). */
function fieldProblems(errors: readonly ValidationError[], prefix = ''): Array<{ field: string; messages: string[] }> {
  return errors.flatMap((e) => {
    const field = prefix + e.property;
    const own = e.constraints ? [{ field, messages: Object.values(e.constraints) }] : [];
    return [...own, ...fieldProblems(e.children ?? [], `${field}.`)];
  });
}

/**
 * Everything about the HTTP stack that is not a route: body parsing, validation, error shape,
 * request logs and the OpenAPI page. The tests call this too, so they run the real stack.
 */
export function configureApp(app: INestApplication, config: LedgerConfig, logger: Logger): void {
  const http = app.getHttpAdapter().getInstance();
  http.disable('x-powered-by');
  // No ETag made by hashing each reply (Express's default, on every method): it cost a Buffer copy
  // and a SHA-1 of each answer, ~0.5 ms off a figure query's p99. A member's ETag is its revision, set by its route.
  http.set('etag', false);
  // First, so the service's own time it reports covers every other middleware.
  app.use(serverTiming());
  // Security headers; CORS stays closed. No upgrade-insecure-requests: served over plain HTTP
  // (localhost, behind a TLS proxy), it would send the docs page's scripts to an HTTPS port.
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  app.use(requestLogging(logger));
  app.use(queryStrings());
  app.use(jsonBodies(config.bodyLimitBytes));
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      transform: true,
      transformOptions: { enableImplicitConversion: false },
      exceptionFactory: (errors) => new DomainError('VALIDATION_FAILED', 'the request is not valid', fieldProblems(errors)),
    }),
  );
  app.useGlobalInterceptors(new IfMatchInterceptor(app.get(Reflector)));
  app.useGlobalFilters(new ErrorResponseFilter(logger));
  app.enableShutdownHooks([], { useProcessExit: true });
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Membership ledger')
      .setDescription(
        'Event-sourced membership records of a provincial federation of trade unions: parks, enterprises and members. ' +
          'Every change is a fact; nothing is overwritten. Errors: { statusCode, code, message, details? }.',
      )
      .setVersion('0.1.0')
      .addBearerAuth({
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: 'A token from `npx ledger token --role …`',
      })
      .addSecurityRequirements('bearer')
      .build(),
  );
  documentSharedRefusals(document);
  SwaggerModule.setup('docs', app, document);
}

type OpenApiDocument = ReturnType<typeof SwaggerModule.createDocument>;

/**
 * The refusals every signed-in route can answer, added to each operation that does not document
 * them itself: the guards, the rate limit and the store answer them before any route does.
 */
function documentSharedRefusals(document: OpenApiDocument): void {
  const error = { $ref: '#/components/schemas/ErrorBodyDto' };
  const refusal = (description: string) => ({ description, content: { 'application/json': { schema: error } } });
  for (const [path, item] of Object.entries(document.paths)) {
    if (path === '/health') continue;
    for (const [method, op] of Object.entries(item) as Array<[string, { responses?: Record<string, unknown> }]>) {
      if (!['get', 'post'].includes(method) || op.responses === undefined) continue;
      const shared: Record<string, ReturnType<typeof refusal>> = {
        '401': refusal('UNAUTHORIZED: no bearer token, or one that is not valid or has expired'),
        '429': refusal('TOO_MANY_REQUESTS: the caller sent more than its limit a minute; Retry-After says when to try again'),
      };
      if (method === 'post') {
        shared['403'] = refusal("FORBIDDEN: the caller's role may not do this, or the record is outside its scope");
        shared['503'] = refusal('STORAGE_FAILED: the store could not make the write durable; nothing was recorded');
      }
      for (const [code, response] of Object.entries(shared)) op.responses[code] ??= response;
    }
  }
}
