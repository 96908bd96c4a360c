/**
 * Sign-in for the dashboard: paste an API token; the server verifies it and keeps it in an
 * HttpOnly, SameSite=Strict cookie, so pages work without JavaScript.
 */
import { Layout } from './layout.tsx';

export function LoginPage(props: { nonce: string | undefined; next: string; error?: string }) {
  return (
    <Layout title="Sign in" nonce={props.nonce}>
      <h1>Sign in</h1>
      <div class="card">
        <p>Paste an API token (the "read" scope is enough to look around).</p>
        {props.error === undefined ? null : (
          <p class="badge failed" role="alert">
            {props.error}
          </p>
        )}
        <form method="post" action="/login">
          <input type="hidden" name="next" value={props.next} />
          <label>
            Token <input type="password" name="token" autocomplete="off" required />
          </label>{' '}
          <button type="submit">Sign in</button>
        </form>
      </div>
    </Layout>
  );
}
