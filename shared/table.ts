/**
 * The one definition of patgate's DynamoDB table, shared by the CDK stack
 * (`infra/`) and the local start, so the two can never drift apart.
 *
 * Layout (single table, every item of a user in the user's partition, so the
 * authorizer reads a token and its user in one BatchGetItem):
 *
 * | item            | pk                 | sk                 |
 * |-----------------|--------------------|--------------------|
 * | user profile    | `USER#<id>`        | `PROFILE`          |
 * | token record    | `USER#<id>`        | `TOKEN#<jti>`      |
 * | PAT name claim  | `USER#<id>`        | `PATNAME#<name>`   |
 * | PAT slot claim  | `USER#<id>`        | `PATSLOT#<n>`      |
 * | email claim     | `EMAIL#<lower>`    | `EMAIL`            |
 * | failed logins   | `LOGIN#<lower>`    | `LOGIN`            |
 * | admin guard     | `GUARD#ADMINS`     | `GUARD`            |
 *
 * User profiles also carry `gsi1pk = "USERS"` so `GET /users` is one Query.
 */
export const TABLE = Object.freeze({
  /** Default table name for the local engine. */
  defaultName: 'patgate',
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds; DynamoDB's TTL deletes items some time after this. */
  ttlAttribute: 'ttl',
  usersIndex: Object.freeze({ name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }),
});
