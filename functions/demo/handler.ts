/**
 * A downstream demo route behind the authorizer: answers with the
 * authorizer context API Gateway attached to the request, as JSON.
 * It trusts that context because only API Gateway can set it.
 */

/** The part of a REST proxy event this handler reads. */
export interface DemoEvent {
  requestContext?: { requestId?: string; authorizer?: Record<string, unknown> | null } | null;
}

/** A REST proxy result. */
export interface DemoResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** `GET /demo/whoami` and `GET /demo/admin/whoami`. */
export async function handler(event: DemoEvent): Promise<DemoResult> {
  const authorizer = event.requestContext?.authorizer ?? {};
  return {
    statusCode: 200,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
    body: JSON.stringify(authorizer),
  };
}
