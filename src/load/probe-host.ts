/**
 * Checks that an OpenWhisk API host answers, accepts the key and has the
 * workflows' entry actions, before any load is sent to it.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { errorMessage, HostUnreachableError, LoadValidationError } from './load-errors';

/** Default client-side timeout of one probe request, ms. */
export const DEFAULT_PROBE_TIMEOUT_MS = 3000;

/** The answer to one probe. */
interface ProbeAnswer {
  readonly status: number;
  readonly body: string;
}

/**
 * One GET without keep-alive (no socket outlives the probe).
 *
 * @param timeoutMs the whole request's client-side limit, ms
 * @throws Error with the cause (`ECONNREFUSED`, `no answer within N ms`, …) when no HTTP answer arrives
 */
function get(url: string, headers: Record<string, string>, timeoutMs: number): Promise<ProbeAnswer> {
  return new Promise<ProbeAnswer>((resolve, reject) => {
    const client = url.startsWith('https:') ? https : http;
    const req = client.get(url, { headers: { ...headers, connection: 'close' }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => {
        if (chunks.reduce((n, b) => n + b.length, 0) < 1_000_000) chunks.push(c);
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** Options of {@link probeHost}. */
export interface ProbeOptions {
  /** `uuid:secret`. */
  readonly apiKey: string;
  /** Packages whose `invoke` action must exist. */
  readonly workflows: readonly string[];
  /** Client-side timeout of each request, ms (default {@link DEFAULT_PROBE_TIMEOUT_MS}). */
  readonly timeoutMs?: number;
}

/**
 * Probes `GET {host}/api/v1` (any HTTP answer will do: the host is up), then
 * the authenticated `GET {host}/api/v1/namespaces/_/actions?limit=1` (200 with
 * a JSON list: the key is accepted), then `GET …/actions/{workflow}/invoke` for
 * each workflow (the action exists).
 *
 * @param host `http(s)://host:port`, no trailing slash
 * @throws HostUnreachableError when the host does not answer (refused, timed out, not HTTP)
 * @throws LoadValidationError when it rejects the key, does not look like OpenWhisk, or lacks an action
 */
export async function probeHost(host: string, options: ProbeOptions): Promise<void> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const api = `${host}/api/v1`;
  try {
    await get(api, { accept: 'application/json' }, timeoutMs);
  } catch (e) {
    throw new HostUnreachableError(`the OpenWhisk host ${host} does not answer (GET ${api}: ${errorMessage(e)}); is it running? (check --host)`);
  }
  const auth = { accept: 'application/json', authorization: `Basic ${Buffer.from(options.apiKey).toString('base64')}` };
  const list = `${api}/namespaces/_/actions?limit=1`;
  let answer: ProbeAnswer;
  try {
    answer = await get(list, auth, timeoutMs);
  } catch (e) {
    throw new HostUnreachableError(`the OpenWhisk host ${host} does not answer (GET ${list}: ${errorMessage(e)})`);
  }
  if (answer.status === 401 || answer.status === 403) {
    throw new LoadValidationError(`the OpenWhisk host ${host} rejects the API key (GET ${list} answered ${answer.status}); check AQUATOPE_API_KEY / __OW_API_KEY`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.body);
  } catch {
    parsed = undefined;
  }
  if (answer.status !== 200 || !Array.isArray(parsed)) {
    throw new LoadValidationError(`${host} does not look like an OpenWhisk API (GET ${list} answered ${answer.status}, expected 200 with a JSON list)`);
  }
  for (const workflow of options.workflows) {
    const url = `${api}/namespaces/_/actions/${encodeURIComponent(workflow)}/invoke?code=false`;
    let found: ProbeAnswer;
    try {
      found = await get(url, auth, timeoutMs);
    } catch (e) {
      throw new HostUnreachableError(`the OpenWhisk host ${host} does not answer (GET ${url}: ${errorMessage(e)})`);
    }
    if (found.status === 404) {
      throw new LoadValidationError(`the OpenWhisk host ${host} has no action ${workflow}/invoke (deploy the workflow, or choose others with --workflows)`);
    }
    if (found.status !== 200) throw new LoadValidationError(`GET ${url} answered ${found.status}, expected 200`);
  }
}
