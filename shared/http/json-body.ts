import type { Context } from 'hono';
import { AppError } from '../errors.js';

/** The JSON types a field may have. */
export type FieldType = 'string' | 'integer' | 'boolean' | 'string[]';

type TypeOf<T extends FieldType> = T extends 'string' ? string : T extends 'integer' ? number : T extends 'boolean' ? boolean : string[];

/** A body schema: field name to its type; every field is optional here, requiredness is the caller's rule. */
export type BodySchema = Record<string, FieldType>;

/** The parsed body for a schema. */
export type BodyOf<S extends BodySchema> = { [K in keyof S]?: TypeOf<S[K]> };

const matches = (value: unknown, type: FieldType): boolean => {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'string[]':
      return Array.isArray(value) && value.every((v) => typeof v === 'string');
  }
};

const typeName: Record<FieldType, string> = { string: 'a string', integer: 'a whole number', boolean: 'true or false', 'string[]': 'an array of strings' };

/**
 * Reads a JSON object body and checks it against `schema`: malformed JSON,
 * a wrong type or an unknown field is a 400 that names the field.
 * With `optional`, a missing or empty body reads as `{}`.
 */
export async function readJsonBody<S extends BodySchema>(c: Context, schema: S, opts: { optional?: boolean } = {}): Promise<BodyOf<S>> {
  const text = await c.req.text();
  if (text.trim() === '') {
    if (opts.optional) return {};
    throw new AppError('bad_request', `the request body must be a JSON object with ${Object.keys(schema).join(', ')}`);
  }
  const type = c.req.header('Content-Type');
  if (type !== undefined && !/^application\/(.+\+)?json\s*(;|$)/i.test(type)) {
    throw new AppError('unsupported_media_type', 'the request body must be JSON: send Content-Type: application/json');
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AppError('bad_request', 'cannot parse request body as json: send a JSON object');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new AppError('bad_request', 'the request body must be a JSON object');
  for (const [field, value] of Object.entries(body)) {
    const expected = Object.hasOwn(schema, field) ? schema[field] : undefined;
    if (!expected) throw new AppError('bad_request', `${field}: unknown field; allowed fields are ${Object.keys(schema).join(', ')}`);
    if (!matches(value, expected)) throw new AppError('bad_request', `${field}: must be ${typeName[expected]}`);
  }
  return body as BodyOf<S>;
}
