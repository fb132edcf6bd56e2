/** RFC 3339 (UTC, second precision) for an epoch-millisecond time, as Mender prints times. */
export const rfc3339 = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
