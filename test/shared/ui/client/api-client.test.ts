import { describe, expect, it } from 'vitest';
import { basicAuth, fieldOf } from '../../../../shared/ui/client/api-client.js';

describe('fieldOf', () => {
  it('finds the field a 400 names, so the page can show it next to that field', () => {
    expect(fieldOf('name: must be 1 to 256 characters long')).toBe('name');
    expect(fieldOf('expires_in: must be whole seconds from 1 to 31536000')).toBe('expires_in');
    expect(fieldOf('the request body must be a JSON object')).toBeUndefined();
  });
});

describe('basicAuth', () => {
  it('encodes non-ASCII passwords as UTF-8, as the login endpoint decodes them', () => {
    const header = basicAuth('zoë@example.com', 'pässwörd: with colon');
    expect(Buffer.from(header.replace(/^Basic /, ''), 'base64').toString('utf8')).toBe('zoë@example.com:pässwörd: with colon');
  });
});
