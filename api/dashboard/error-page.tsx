/**
 * Errors on dashboard pages as a page rather than problem JSON: a browser visitor gets the same
 * code and plain message, with a way back.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ApiEnv } from '../env.ts';
import type { Problem } from '../problems.ts';
import { Layout } from './layout.tsx';

/** A browser asking for a page (not /v1, not a script asking for JSON). */
export function wantsHtml(c: Context): boolean {
  return !c.req.path.startsWith('/v1/') && (c.req.header('accept') ?? '').includes('text/html');
}

/** Re-renders a problem response as an HTML page with the same status. */
export async function problemPage(c: Context<ApiEnv>, response: Response): Promise<Response> {
  const problem = (await response.json()) as Problem;
  c.status(problem.status as ContentfulStatusCode);
  return c.html(
    <Layout title={problem.title} nonce={c.get('secureHeadersNonce')}>
      <h1>{problem.title}</h1>
      <div class="card">
        <p>{problem.detail}</p>
        <p class="muted">
          {problem.code}
          {problem.requestId === undefined ? '' : ` · request ${problem.requestId}`}
        </p>
      </div>
      <p>
        <a href="/">Back to the fleet</a>
      </p>
    </Layout>,
  );
}
