/**
 * The Lambda authorizer on AWS. Configuration, keys, the DynamoDB client and
 * the verifier are built once, at cold start; the handler only adapts events.
 */
import { loadConfig } from '../../shared/config.js';
import { createConsoleLogger } from '../../shared/logger.js';
import { wireRuntime } from '../../shared/wiring.js';
import { createAuthorizerHandler } from './create-handler.js';

const logger = createConsoleLogger('patgate-authorizer');
const runtime = await wireRuntime(loadConfig(process.env), { sign: false, logger });

/** The Lambda entry point: REST TOKEN/REQUEST, HTTP API 1.0 and 2.0 (simple responses) events. */
export const handler = createAuthorizerHandler({ runtime, logger });
