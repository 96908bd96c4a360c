/**
 * /openapi.json, generated from the route definitions, and /docs, a page rendered from it.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { DocsPage } from '../dashboard/docs-page.tsx';
import type { ApiEnv } from '../env.ts';
import type { RouteContext } from './context.ts';

const TITLE = 'BLKSHP control plane API';

export function registerDocs(app: OpenAPIHono<ApiEnv>, { deps }: RouteContext) {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API token from `blkshp tokens create`; scopes: read, plan, apply, admin',
  });
  const config = {
    openapi: '3.1.0',
    info: {
      title: TITLE,
      version: deps.version,
      description:
        'Properties, their Pulumi stacks and the operations that preview and change them. ' +
        'Anything that runs the engine answers 202 with the operation to follow.',
    },
  };

  // The document only changes when the routes do, i.e. never after start-up.
  let cached: ReturnType<typeof app.getOpenAPI31Document> | undefined;
  const document = () => {
    cached ??= app.getOpenAPI31Document(config);
    return cached;
  };

  app.get('/openapi.json', (c) => c.json(document()));
  app.get('/docs', (c) => {
    const doc = document();
    return c.html(
      <DocsPage
        title={TITLE}
        version={deps.version}
        paths={(doc.paths ?? {}) as Parameters<typeof DocsPage>[0]['paths']}
        nonce={c.get('secureHeadersNonce')}
      />,
    );
  });
}
