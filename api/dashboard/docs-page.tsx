/**
 * The API's docs page, rendered on the server from the generated OpenAPI document: every
 * operation with its method, path, scope, summary, parameters and answers. No Swagger UI: the
 * service has no outside network to fetch it from, and the JSON is one link away.
 */
import { Layout } from './layout.tsx';

type Method = 'get' | 'put' | 'post' | 'delete' | 'patch';
const METHODS: Method[] = ['get', 'post', 'put', 'patch', 'delete'];

interface OperationDoc {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> };
  responses?: Record<string, { description?: string }>;
}

export interface DocsPageProps {
  title: string;
  version: string;
  paths: Record<string, Partial<Record<Method, OperationDoc>>>;
  nonce: string | undefined;
}

export function DocsPage(props: DocsPageProps) {
  const rows = Object.entries(props.paths).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m] !== undefined).map((method) => ({
      path,
      method,
      doc: item[method] as OperationDoc,
    })),
  );
  const tags = [...new Set(rows.map((r) => r.doc.tags?.[0] ?? 'Other'))];
  return (
    <Layout title="API" nonce={props.nonce}>
      <h1>
        {props.title} <span class="muted">{props.version}</span>
      </h1>
      <p>
        The machine-readable description is <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).
        Send a token as <code>Authorization: Bearer &lt;token&gt;</code>; each operation names the
        scope it needs. Errors are <code>application/problem+json</code> with a stable{' '}
        <code>code</code>.
      </p>
      {tags.map((tag) => (
        <>
          <h2>{tag}</h2>
          <table>
            <thead>
              <tr>
                <th>Operation</th>
                <th>Scope</th>
                <th>What it does</th>
                <th>Answers</th>
              </tr>
            </thead>
            <tbody>
              {rows
                .filter((r) => (r.doc.tags?.[0] ?? 'Other') === tag)
                .map(({ path, method, doc }) => (
                  <tr>
                    <td>
                      <code>
                        <strong>{method.toUpperCase()}</strong> {path}
                      </code>
                      <Params doc={doc} />
                    </td>
                    <td>{doc.security?.[0]?.bearerAuth?.join(', ') ?? 'none'}</td>
                    <td>
                      {doc.summary}
                      {doc.description === undefined ? null : (
                        <p class="muted">{doc.description}</p>
                      )}
                    </td>
                    <td>
                      {Object.entries(doc.responses ?? {}).map(([status, r]) => (
                        <div>
                          <code>{status}</code> <span class="muted">{r.description}</span>
                        </div>
                      ))}
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
        </>
      ))}
    </Layout>
  );
}

function Params(props: { doc: OperationDoc }) {
  const params = props.doc.parameters ?? [];
  const body = props.doc.requestBody?.content?.['application/json']?.schema?.$ref;
  if (params.length === 0 && body === undefined) return null;
  return (
    <div class="muted">
      {params.map((p) => (
        <div>
          {p.in} <code>{p.name}</code>
          {p.required ? ' (required)' : ''}
        </div>
      ))}
      {body === undefined ? null : (
        <div>
          body <code>{body.split('/').at(-1)}</code>
        </div>
      )}
    </div>
  );
}
