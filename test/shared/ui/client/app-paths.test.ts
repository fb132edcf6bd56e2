import { describe, expect, it } from 'vitest';
import { apiBase, appRoot } from '../../../../shared/ui/client/app-paths.js';

describe('appRoot', () => {
  it('finds the API next to the page at /, /ui and /ui/', () => {
    expect(['/', '/ui', '/ui/'].map(appRoot)).toEqual(['/', '/', '/']);
  });

  it('keeps a stage or base path, as API Gateway serves it', () => {
    expect(appRoot('/prod/ui/')).toBe('/prod/');
    expect(appRoot('/prod/')).toBe('/prod/');
    expect(appRoot('/prod')).toBe('/prod/');
    expect(apiBase('https://x.execute-api.eu-west-1.amazonaws.com', '/prod/ui/')).toBe(
      'https://x.execute-api.eu-west-1.amazonaws.com/prod/api/management/v1/useradm',
    );
  });
});
