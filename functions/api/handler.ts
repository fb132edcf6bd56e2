/**
 * The management API on Lambda: adapts API Gateway events to the Hono app.
 * Configuration, keys and clients are built once, at cold start.
 */
import { handle } from 'hono/aws-lambda';
import { loadConfig } from '../../shared/config.js';
import { createApp } from '../../shared/http/app.js';
import { createConsoleLogger } from '../../shared/logger.js';
import { wireRuntime } from '../../shared/wiring.js';

const logger = createConsoleLogger('patgate-api');
const runtime = await wireRuntime(loadConfig(process.env), { sign: true, logger });

/** The Lambda entry point. */
export const handler = handle(createApp({ runtime, logger }));
