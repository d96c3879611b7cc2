// An OAuth 2.0 token introspection endpoint (RFC 7662) on 127.0.0.1 for Dovecot's oauth2 passdb:
// it answers POST /introspect (token=...) from a table of tokens the test defines.
import http from 'node:http';

/**
 * @param {Record<string, {active: boolean, username?: string}>} tokens
 * @returns {Promise<{url: string, requests: string[], stop(): Promise<void>}>}
 */
export async function startIntrospectionEndpoint(tokens) {
  const requests = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const token = new URLSearchParams(body).get('token') ?? '';
      requests.push(token);
      const entry = tokens[token] ?? { active: false };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ active: entry.active, ...(entry.username ? { username: entry.username } : {}) }));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/introspect`,
    requests,
    stop: () =>
      new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections();  // Dovecot keeps its HTTP connection alive
      }),
  };
}
