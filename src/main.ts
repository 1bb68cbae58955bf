import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { ConfigError, loadConfig } from './config/ledger-config.js';
import { configureApp } from './http/configure-app.js';
import { createLogger, PinoNestLogger } from './http/logging.js';
import { Tokens } from './auth/tokens.js';
import { ServiceLockError, takeServiceLock } from './shared/service-lock.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  try {
    takeServiceLock(config.dataDir);
  } catch (error) {
    if (error instanceof ServiceLockError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const app = await NestFactory.create(AppModule.forRoot({ config, logger }), {
    bodyParser: false,
    logger: new PinoNestLogger(logger),
  });
  configureApp(app, config, logger);
  await app.listen(config.port);
  if (config.tokenSigningKeyCreated) {
    // Shown once, on the start that created the signing key: the way in for the first admin.
    const token = new Tokens(config.tokenSigningKey).issue({ sub: 'first-admin', role: 'provincial-admin' }, '30d');
    process.stdout.write(
      `\nFirst start: a new token signing key was created in ${config.dataDir}.\n` +
        `Provincial-admin token (valid 30 days, shown only this once):\n\n${token}\n\n` +
        'Issue more with: npx ledger token --role <role> [--city <id>] [--park <id>] [--ttl 12h]\n\n',
    );
  }
  logger.info(
    {
      port: config.port,
      store: config.eventStoreConnectionString ? 'eventstoredb' : 'embedded',
      dataDir: config.dataDir,
    },
    `membership ledger listening on http://localhost:${config.port} (API docs at /docs)`,
  );
}

await main();
