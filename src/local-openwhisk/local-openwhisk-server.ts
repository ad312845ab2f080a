/**
 * An OpenWhisk-compatible REST API on loopback: the subset of `/api/v1` that
 * the `openwhisk` npm client and `wsk` use, so the project's deploy code and
 * platform adapter run unchanged against it (`npm start`, tests).
 */
import type { AddressInfo } from 'node:net';
import * as http from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Clock } from '../core/clock';
import type { Rng } from '../core/rng';
import { ApiError, WhiskMessages, type WhiskErrorBody } from './api-error';
import { isAuthorised } from './basic-auth';
import { formatAuthKey, transactionId, type AuthKey } from './ids';
import { isJsonObject, type Invoker } from './invoker';
import { flag, parseActivationQuery, parsePageQuery } from './list-query';
import { parseRuleStatus } from './parse-entity-body';
import { parseRoute, type Route } from './rest-route';
import { WhiskController, type InvokeAnswer } from './whisk-controller';

/** Options of {@link startLocalOpenWhisk}. */
export interface LocalOpenWhiskOptions {
  /** TCP port on 127.0.0.1 (default 0: any free port). */
  port?: number;
  /** The one key the server accepts; make one with `generateAuthKey(rng)`. */
  auth: AuthKey;
  /** Runs the actions' code. Closed by `stop()`. */
  invoker: Invoker;
  /** Read as epoch ms for activation times. */
  clock: Clock;
  /** Activation ids and transaction ids. */
  rng: Rng;
  /** The namespace of the key (default `guest`); `_` in paths means it. */
  namespace?: string;
  /** Accept and store `limits.cpu` (cores): a cluster with a CPU-limit extension (default false). */
  cpuLimitExtension?: boolean;
  /** Largest request body, bytes (default 50 MB: OpenWhisk's action size limit is 48 MB). */
  maxBodyBytes?: number;
}

/** A running local OpenWhisk. */
export interface LocalOpenWhisk {
  /** `http://127.0.0.1:PORT`, the `apihost` for clients (`/api/v1` is under it). */
  apiHost: string;
  auth: AuthKey;
  /** `uuid:secret`, as `__OW_API_KEY` and `.wskprops`' `AUTH`. */
  apiKey: string;
  namespace: string;
  /** The controller, for tests and the local runner (entities, activations). */
  controller: WhiskController;
  /** Resolves once every activation started so far has ended (fired triggers' actions included). */
  settled(): Promise<void>;
  /** Stops accepting requests, kills the invoker's processes, waits for running activations, closes every socket. */
  stop(): Promise<void>;
}

function sendError(res: Response, status: number, error: string, rng: Rng): void {
  const code = transactionId(rng);
  const body: WhiskErrorBody = { error, code };
  res.status(status).set('x-request-id', code).json(body);
}

function bodyObject(req: Request): Record<string, unknown> {
  const body: unknown = req.body;
  if (body === undefined || (Buffer.isBuffer(body) && body.length === 0)) return {};
  if (!isJsonObject(body)) throw ApiError.malformed('body', 'expected a JSON object');
  return body;
}

function sendInvocation(res: Response, answer: InvokeAnswer, resultOnly: boolean): void {
  if (answer.kind === 'accepted') {
    res.status(202).json({ activationId: answer.activationId });
    return;
  }
  const { activation } = answer;
  const { response } = activation;
  // OpenWhisk: 200 on success, 502 on an application or developer error, 500 on an internal one.
  const status = response.success ? 200 : response.status === 'whisk internal error' ? 500 : 502;
  res.status(status).json(resultOnly ? response.result : activation);
}

async function dispatch(route: Route, req: Request, res: Response, controller: WhiskController, namespaces: readonly string[]): Promise<void> {
  const method = req.method;
  if (route.kind === 'namespaces') {
    if (method !== 'GET') throw new ApiError(405, WhiskMessages.methodNotAllowed);
    res.json(namespaces);
    return;
  }
  if (route.namespace !== '_' && route.namespace !== controller.namespace) throw new ApiError(403, WhiskMessages.notAuthorized);
  const query: Record<string, unknown> = req.query;
  const overwrite = flag(query, 'overwrite');
  if (route.kind === 'list') {
    if (method !== 'GET') throw new ApiError(405, WhiskMessages.methodNotAllowed);
    switch (route.collection) {
      case 'activations':
        res.json(controller.listActivations(parseActivationQuery(query)));
        return;
      case 'packages':
        res.json(controller.listPackages(parsePageQuery(query, 'packages')));
        return;
      case 'actions':
        res.json(controller.listActions(route.packageName, parsePageQuery(query, 'actions')));
        return;
      case 'triggers':
        res.json(controller.listTriggers(parsePageQuery(query, 'triggers')));
        return;
      case 'rules':
        res.json(controller.listRules(parsePageQuery(query, 'rules')));
        return;
    }
  }
  if (route.kind === 'activation') {
    if (method !== 'GET') throw new ApiError(405, WhiskMessages.methodNotAllowed);
    const record = controller.getActivation(route.activationId);
    if (route.part === 'logs') res.json({ logs: record.logs });
    else if (route.part === 'result') res.json(record.response);
    else res.json(record);
    return;
  }
  const { path } = route;
  const name = path.name;
  switch (route.collection) {
    case 'packages':
      if (method === 'GET') res.json(controller.getPackage(name));
      else if (method === 'PUT') res.json(controller.putPackage(name, bodyObject(req), overwrite));
      else if (method === 'DELETE') res.json(controller.deletePackage(name));
      else throw new ApiError(405, WhiskMessages.methodNotAllowed);
      return;
    case 'actions':
      if (method === 'GET') res.json(controller.getAction(path, query['code'] !== 'false'));
      else if (method === 'PUT') res.json(controller.putAction(path, bodyObject(req), overwrite));
      else if (method === 'DELETE') res.json(controller.deleteAction(path));
      else if (method === 'POST') {
        const blocking = flag(query, 'blocking');
        const answer = await controller.invokeAction(path, bodyObject(req), blocking);
        sendInvocation(res, answer, blocking && flag(query, 'result'));
      } else throw new ApiError(405, WhiskMessages.methodNotAllowed);
      return;
    case 'triggers':
      if (method === 'GET') res.json(controller.getTrigger(name));
      else if (method === 'PUT') res.json(controller.putTrigger(name, bodyObject(req), overwrite));
      else if (method === 'DELETE') res.json(controller.deleteTrigger(name));
      else if (method === 'POST') {
        const fired = controller.fireTrigger(name, bodyObject(req));
        if (fired === null) res.status(204).end();
        else res.status(202).json(fired);
      } else throw new ApiError(405, WhiskMessages.methodNotAllowed);
      return;
    case 'rules':
      if (method === 'GET') res.json(controller.getRule(name));
      else if (method === 'PUT') res.json(controller.putRule(name, bodyObject(req), overwrite));
      else if (method === 'DELETE') res.json(controller.deleteRule(name));
      else if (method === 'POST') {
        controller.setRuleStatus(name, parseRuleStatus(bodyObject(req)['status']));
        res.status(200).end();
      } else throw new ApiError(405, WhiskMessages.methodNotAllowed);
      return;
  }
}

function isBodyParserError(err: unknown): err is { status: number; type: string; message: string } {
  return err instanceof Error && 'type' in err && typeof err.type === 'string' && 'status' in err && typeof err.status === 'number';
}

/** Starts the local OpenWhisk on 127.0.0.1. */
export async function startLocalOpenWhisk(options: LocalOpenWhiskOptions): Promise<LocalOpenWhisk> {
  const { auth, rng, invoker } = options;
  const namespace = options.namespace ?? 'guest';
  let apiHost = '';
  const controller = new WhiskController({
    namespace,
    clock: options.clock,
    rng,
    invoker,
    apiKey: formatAuthKey(auth),
    apiHost: () => apiHost,
    cpuLimitExtension: options.cpuLimitExtension ?? false,
  });

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.use('/api/v1', (req: Request, res: Response, next: NextFunction) => {
    if (!isAuthorised(req.headers.authorization, auth)) {
      sendError(res, 401, WhiskMessages.unauthenticated, rng);
      return;
    }
    next();
  });
  app.use('/api/v1', express.json({ limit: options.maxBodyBytes ?? 50 * 1024 * 1024, strict: false }));
  app.use('/api/v1', async (req: Request, res: Response) => {
    const route = parseRoute(req.path);
    if (route === null) {
      sendError(res, 404, 'The requested resource could not be found.', rng);
      return;
    }
    await dispatch(route, req, res, controller, [namespace]);
  });
  app.use((req: Request, res: Response) => {
    sendError(res, 404, 'The requested resource could not be found.', rng);
  });
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof ApiError) sendError(res, err.status, err.message, rng);
    else if (isBodyParserError(err)) {
      const status = err.status === 413 ? 413 : 400;
      sendError(res, status, status === 413 ? 'The request content is too large.' : `${WhiskMessages.malformed}\n${err.message}`, rng);
    } else sendError(res, 500, `There was an error processing your request: ${err instanceof Error ? err.message : String(err)}`, rng);
  });

  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('local OpenWhisk: the server has no TCP address');
  const port = (address satisfies AddressInfo).port;
  apiHost = `http://127.0.0.1:${port}`;

  let stopping: Promise<void> | undefined;
  return {
    apiHost,
    auth,
    apiKey: formatAuthKey(auth),
    namespace,
    controller,
    settled: () => controller.settled(),
    stop() {
      stopping ??= (async () => {
        controller.shutDown();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await invoker.close?.();
        await controller.settled();
        server.closeAllConnections();
        await closed;
      })();
      return stopping;
    },
  };
}
