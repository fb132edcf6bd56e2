import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { createDynamoClient, createDynamoStore } from './store/dynamo-store.js';
import { loadKeyFile, loadOrCreateKeyFile } from './tokens/local-signer.js';
import type { PublicKeyJwk, Signer } from './tokens/signer.js';
import { createRuntime, type Runtime } from './runtime.js';

/** Which parts a process needs: the authorizer only verifies. */
export interface WireOptions {
  /** Build a signer (the management API); the authorizer leaves this off. */
  sign: boolean;
  /** Where the runtime reports failures that do not fail a request. */
  logger?: Logger;
}

/** The signing and verification keys for a configuration. */
export async function loadKeys(config: Config, opts: WireOptions): Promise<{ signer?: Signer; publicKeys: PublicKeyJwk[] }> {
  switch (config.keys.kind) {
    case 'file': {
      // Only the signing side may create the key; a verifier reads what exists.
      const signer = await (opts.sign ? loadOrCreateKeyFile : loadKeyFile)(config.keys.path);
      return { ...(opts.sign ? { signer } : {}), publicKeys: [signer.publicJwk] };
    }
    case 'kms': {
      // Imported here so local runs never load (or pay for) the KMS client.
      const { createKmsClient, loadKmsKeys } = await import('./tokens/kms-signer.js');
      return loadKmsKeys(createKmsClient(config.region ? { region: config.region } : {}), config.keys, opts);
    }
  }
}

/** The DynamoDB client a configuration asks for: endpoint, region and call limit. */
export function createDynamoClientFor(config: Config): ReturnType<typeof createDynamoClient> {
  return createDynamoClient({
    tableName: config.tableName,
    ...(config.region ? { region: config.region } : {}),
    deadlineMs: config.dynamodbTimeoutMs,
    ...(config.dynamodbEndpoint ? { endpoint: config.dynamodbEndpoint } : {}),
  });
}

/**
 * Wires the real parts for a configuration: the DynamoDB client and store,
 * the keys, and the runtime. Called once per process, at cold start.
 */
export async function wireRuntime(config: Config, opts: WireOptions): Promise<Runtime> {
  const client = createDynamoClientFor(config);
  const store = createDynamoStore(client, config.tableName);
  const { signer, publicKeys } = await loadKeys(config, opts);
  return createRuntime({ config, store, publicKeys, ...(signer ? { signer } : {}), ...(opts.logger ? { logger: opts.logger } : {}) });
}
