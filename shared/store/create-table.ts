import { CreateTableCommand, DescribeTableCommand, ResourceNotFoundException, waitUntilTableExists, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TABLE } from '../table.js';

/**
 * Creates the table from {@link TABLE} when it is missing (the local engine
 * and tests; on AWS the CDK stack creates it from the same definition).
 * TTL is not switched on here: dynalite has no UpdateTimeToLive, and the code
 * treats expired items as gone anyway.
 */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException) && (err as { name?: string }).name !== 'ResourceNotFoundException') throw err;
  }
  const { partitionKey, sortKey, usersIndex } = TABLE;
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: partitionKey, AttributeType: 'S' },
        { AttributeName: sortKey, AttributeType: 'S' },
        { AttributeName: usersIndex.partitionKey, AttributeType: 'S' },
        { AttributeName: usersIndex.sortKey, AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: partitionKey, KeyType: 'HASH' },
        { AttributeName: sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: usersIndex.name,
          KeySchema: [
            { AttributeName: usersIndex.partitionKey, KeyType: 'HASH' },
            { AttributeName: usersIndex.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
  // dynalite answers CREATING even with createTableMs: 0.
  await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 0.01, maxDelay: 0.05 } as Parameters<typeof waitUntilTableExists>[0], { TableName: tableName });
}
