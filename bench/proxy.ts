// A small round-robin HTTP proxy (node:http, keep-alive upstream) for the
// two-instance run: each request goes to the next of UPSTREAMS. The one-
// instance figure it is compared with goes through this same proxy.
import http from 'node:http';

const upstreams = (process.env.UPSTREAMS ?? '')
  .split(',')
  .filter(Boolean)
  .map((u) => new URL(u));
if (upstreams.length === 0) throw new Error('UPSTREAMS: comma-separated base URLs');
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
let next = 0;

const server = http.createServer((request, response) => {
  const upstream = upstreams[next++ % upstreams.length] as URL;
  const forward = http.request(
    {
      agent,
      host: upstream.hostname,
      port: upstream.port,
      method: request.method,
      path: request.url,
      headers: request.headers,
    },
    (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    },
  );
  forward.on('error', () => {
    response.writeHead(502);
    response.end();
  });
  request.pipe(forward);
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
