import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** Requests a client sent, by command, counted as they go on the wire (retries included). */
export interface RequestCounter {
  readonly total: number;
  readonly byCommand: Readonly<Record<string, number>>;
  reset(): void;
}

/**
 * Counts every DynamoDB request `client` sends, through an SDK middleware at
 * the deserialize step (inside the retry loop, so each attempt counts).
 */
export function countRequests(client: DynamoDBClient): RequestCounter {
  let total = 0;
  let byCommand: Record<string, number> = {};
  client.middlewareStack.add(
    (next, context) => async (args) => {
      total++;
      const name = context.commandName ?? 'unknown';
      byCommand[name] = (byCommand[name] ?? 0) + 1;
      return next(args);
    },
    { step: 'deserialize', name: 'patgateRequestCounter' },
  );
  return {
    get total() {
      return total;
    },
    get byCommand() {
      return { ...byCommand };
    },
    reset() {
      total = 0;
      byCommand = {};
    },
  };
}
