/**
 * The OpenWhisk platform adapter: every OpenWhisk call of the project goes
 * through here, over the `openwhisk` npm client (behind
 * {@link OpenWhiskClientPort}). Each call has a timeout and is retried with
 * exponential backoff on 429 and 5xx (and, when it is safe to repeat, on
 * timeouts and network errors); failures become {@link PlatformError}s that
 * name the operation, the entity and the status code.
 */
import type { Rng } from '../core/rng';
import { openWhiskClientFactory, type CallControl, type ClientFactory, type LimitsUpdate, type OpenWhiskClientPort } from './openwhisk-client-port';
import { WARMUP_PARAM } from './managed-action';
import { resolvePlatformConfig, type PlatformConfig, type PlatformConfigSources } from './platform-config';
import { CpuLimitUnsupportedError, kindOfStatus, PlatformError } from './platform-error';
import { looksLikeActivation, parseAction, parseActivation, type ActionInfo, type ActivationInfo } from './platform-records';
import { backoffDelay, DEFAULT_RETRY, realSleep, type RetryPolicy, type Sleep } from './retry';

/** Options of {@link OpenWhiskPlatform.create}. */
export interface OpenWhiskPlatformOptions extends PlatformConfigSources {
  /** Makes the client (default: the `openwhisk` npm client). */
  clientFactory?: ClientFactory;
  /** Waits between retries (default: a real timer). */
  sleep?: Sleep;
  /** Jitter of the backoff (default none: exact doubling). */
  rng?: Rng;
  /** Time limit of one attempt of a call, ms (default 30,000). */
  timeoutMs?: number;
  /** Time limit of one attempt of a blocking invocation, ms (default 70,000: OpenWhisk holds a blocking call up to 60 s). */
  blockingInvokeTimeoutMs?: number;
  /** Retry policy (defaults: 4 retries, 200 ms doubling up to 5 s). */
  retry?: Partial<RetryPolicy>;
  /** The cluster has a CPU-limit extension that reads `limits.cpu` (cores). Default false: stock OpenWhisk, where CPU follows memory. */
  cpuLimitExtension?: boolean;
}

/** The outcome of a blocking invocation. */
export type BlockingInvocation =
  /** The activation ended (successfully or not: see `activation.response`). */
  | { kind: 'completed'; activation: ActivationInfo }
  /** OpenWhisk stopped waiting (after 60 s) and answered with the id only; fetch the record later. */
  | { kind: 'accepted'; activationId: string };

/** New limits of an action. */
export interface LimitsChange {
  /** Memory limit, MB: always set. */
  memoryMB: number;
  /** CPU limit, cores: only on a cluster with the CPU-limit extension. */
  cpu?: number;
  /** Time limit, ms (default: unchanged). */
  timeoutMs?: number;
}

/** The action after a limits update. */
export interface LimitsUpdated extends ActionInfo {
  /**
   * Whether an update was sent. False: the action already had the limits, it
   * was left as it was (same revision, its warm containers still usable), and
   * `updatedMs` is when it last changed.
   */
  readonly changed: boolean;
}

/** What a prewarm did. */
export interface PrewarmReport {
  /** Warm-up invocations sent (all at once). */
  requested: number;
  /** Those answered `{ warmed: true }`. */
  warmed: number;
  /** Those that failed or answered something else, with why. */
  failures: string[];
}

/** Paging of {@link OpenWhiskPlatform.listActivationsSince}. */
export interface ActivationListOptions {
  /** Only this action (`name` or `package/name`). */
  name?: string;
  /** Only activations that started at or before this time, epoch ms; fixes the window so pages do not shift while new activations arrive. */
  uptoMs?: number;
  /** Page size (1..200, default 200). */
  pageSize?: number;
  /** Full records (response, logs) instead of summaries (default false). */
  docs?: boolean;
  /** Most pages to read before failing (default 10,000). */
  maxPages?: number;
}

interface CallSpec {
  operation: string;
  entity: string;
  /** Safe to repeat after a timeout or a network error (reads and limit updates; not invocations). */
  idempotent: boolean;
  timeoutMs: number;
}

function statusOf(err: unknown): number | undefined {
  if (typeof err === 'object' && err !== null && 'statusCode' in err && typeof err.statusCode === 'number') return err.statusCode;
  return undefined;
}

function bodyOf(err: unknown): unknown {
  if (typeof err === 'object' && err !== null && 'error' in err) return err.error;
  return undefined;
}

function detailOf(err: unknown): string {
  const body = bodyOf(err);
  if (typeof body === 'object' && body !== null && 'error' in body && typeof body.error === 'string') return body.error;
  return err instanceof Error ? err.message : String(err);
}

class TimeoutSignal extends Error {}

/** The OpenWhisk platform, through the `openwhisk` npm client. */
export class OpenWhiskPlatform {
  private readonly retry: RetryPolicy;

  private constructor(
    /** The resolved connection settings. */
    readonly config: PlatformConfig,
    private readonly client: OpenWhiskClientPort,
    private readonly options: OpenWhiskPlatformOptions,
  ) {
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
  }

  /** Resolves the configuration (options, then env, then `.wskprops`) and makes the client. */
  static create(options: OpenWhiskPlatformOptions = {}): OpenWhiskPlatform {
    const config = resolvePlatformConfig(options);
    return new OpenWhiskPlatform(config, (options.clientFactory ?? openWhiskClientFactory)(config), options);
  }

  private get timeoutMs(): number {
    return this.options.timeoutMs ?? 30_000;
  }

  /** One attempt with its time limit: the call is aborted when the limit passes. */
  private async attempt(spec: CallSpec, run: (control: CallControl) => Promise<unknown>): Promise<unknown> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        timedOut = true;
        reject(new TimeoutSignal());
        controller.abort();
      }, spec.timeoutMs);
    });
    try {
      return await Promise.race([run({ signal: controller.signal }), deadline]);
    } catch (err) {
      // The aborted call may reject before the deadline does: it is still a timeout.
      throw timedOut ? new TimeoutSignal() : err;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Runs a call with retries. `accept` may turn an error into an answer (a
   * blocking invocation's 502 carries the failed activation: not an error of
   * the platform, and never retried).
   */
  private async call(spec: CallSpec, run: (control: CallControl) => Promise<unknown>, accept?: (err: unknown) => unknown): Promise<unknown> {
    const { sleep = realSleep, rng } = this.options;
    for (let attempt = 1; ; attempt++) {
      let failure: PlatformError;
      let retryable: boolean;
      try {
        return await this.attempt(spec, run);
      } catch (err) {
        if (err instanceof TimeoutSignal) {
          failure = new PlatformError('timeout', spec.operation, spec.entity, `no answer within ${spec.timeoutMs} ms`, undefined, attempt);
          retryable = spec.idempotent;
        } else {
          const accepted = accept?.(err);
          if (accepted !== undefined) return accepted;
          const status = statusOf(err);
          if (status === undefined) {
            failure = new PlatformError('network', spec.operation, spec.entity, detailOf(err), undefined, attempt);
            retryable = spec.idempotent;
          } else {
            failure = new PlatformError(kindOfStatus(status), spec.operation, spec.entity, detailOf(err), status, attempt);
            retryable = status === 429 || status >= 500;
          }
        }
      }
      if (!retryable || attempt > this.retry.retries) throw failure;
      await sleep(backoffDelay(this.retry, attempt - 1, rng));
    }
  }

  /**
   * Every activation that started at or after `sinceMs` (epoch ms), newest
   * first, read page by page (`skip`/`limit`) until a page comes back short.
   * An activation seen on two pages (the list shifted) is kept once.
   */
  async listActivationsSince(sinceMs: number, options: ActivationListOptions = {}): Promise<ActivationInfo[]> {
    const limit = options.pageSize ?? 200;
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw new RangeError(`pageSize must be an integer from 1 to 200, got ${limit}`);
    const maxPages = options.maxPages ?? 10_000;
    const seen = new Set<string>();
    const out: ActivationInfo[] = [];
    const entity = options.name === undefined ? 'activations' : `activations of ${options.name}`;
    for (let pageNo = 0; ; pageNo++) {
      if (pageNo >= maxPages) throw new PlatformError('invalid-response', 'list', entity, `more than ${maxPages} pages of ${limit}`);
      const query = {
        skip: pageNo * limit,
        limit,
        since: sinceMs,
        docs: options.docs ?? false,
        ...(options.uptoMs === undefined ? {} : { upto: options.uptoMs }),
        ...(options.name === undefined ? {} : { name: options.name }),
      };
      const page = await this.call({ operation: 'list', entity, idempotent: true, timeoutMs: this.timeoutMs }, (c) => this.client.listActivations(query, c));
      if (!Array.isArray(page)) throw new PlatformError('invalid-response', 'list', entity, 'the answer is not an array');
      for (const item of page) {
        const a = parseActivation(item);
        if (seen.has(a.activationId)) continue;
        seen.add(a.activationId);
        out.push(a);
      }
      if (page.length < limit) return out;
    }
  }

  /** One activation's full record. */
  async getActivation(activationId: string): Promise<ActivationInfo> {
    const body = await this.call({ operation: 'get', entity: `activation ${activationId}`, idempotent: true, timeoutMs: this.timeoutMs }, (c) =>
      this.client.getActivation(activationId, c),
    );
    return parseActivation(body);
  }

  /**
   * Invokes an action and waits for it. A failed activation (OpenWhisk's 502
   * with the record) is returned as completed, with `response.success` false.
   */
  async invokeBlocking(name: string, params: Record<string, unknown> = {}): Promise<BlockingInvocation> {
    const entity = `action ${name}`;
    const body = await this.call(
      { operation: 'invoke', entity, idempotent: false, timeoutMs: this.options.blockingInvokeTimeoutMs ?? 70_000 },
      (c) => this.client.invokeAction(name, params, true, c),
      (err) => {
        const failed = bodyOf(err);
        return looksLikeActivation(failed) ? failed : undefined;
      },
    );
    if (looksLikeActivation(body)) return { kind: 'completed', activation: parseActivation(body) };
    const id = typeof body === 'object' && body !== null && 'activationId' in body ? body.activationId : undefined;
    if (typeof id === 'string') return { kind: 'accepted', activationId: id };
    throw new PlatformError('invalid-response', 'invoke', entity, 'the answer is neither an activation nor an activation id');
  }

  /** Invokes an action without waiting: its activation id. */
  async invokeNonBlocking(name: string, params: Record<string, unknown> = {}): Promise<{ activationId: string }> {
    const entity = `action ${name}`;
    const body = await this.call({ operation: 'invoke', entity, idempotent: false, timeoutMs: this.timeoutMs }, (c) => this.client.invokeAction(name, params, false, c));
    const id = typeof body === 'object' && body !== null && 'activationId' in body ? body.activationId : undefined;
    if (typeof id !== 'string') throw new PlatformError('invalid-response', 'invoke', entity, 'the answer has no activationId');
    return { activationId: id };
  }

  /** Fires a trigger: the trigger activation's id, or null when no rule is active (OpenWhisk's 204). */
  async fireTrigger(name: string, params: Record<string, unknown> = {}): Promise<{ activationId: string } | null> {
    const body = await this.call({ operation: 'fire', entity: `trigger ${name}`, idempotent: false, timeoutMs: this.timeoutMs }, (c) =>
      this.client.fireTrigger(name, params, c),
    );
    const id = typeof body === 'object' && body !== null && 'activationId' in body ? body.activationId : undefined;
    return typeof id === 'string' ? { activationId: id } : null;
  }

  /** An action's settings (without its code). */
  async getAction(name: string): Promise<ActionInfo> {
    const entity = `action ${name}`;
    const body = await this.call({ operation: 'get', entity, idempotent: true, timeoutMs: this.timeoutMs }, (c) => this.client.getAction(name, c));
    return parseAction(body, entity);
  }

  /**
   * Sets an action's memory (and time, and, on a cluster with the CPU-limit
   * extension, CPU) limits; the other limits, code and parameters stay. On
   * stock OpenWhisk a CPU change is refused with a
   * {@link CpuLimitUnsupportedError}: CPU follows memory there.
   *
   * When the action already has those limits nothing is sent and `changed`
   * is false: an update makes a new revision even when nothing in it
   * changed, and OpenWhisk never reuses a warm container across revisions,
   * so a same-limits update would start every process of the action again.
   */
  async updateActionLimits(name: string, change: LimitsChange): Promise<LimitsUpdated> {
    const entity = `action ${name}`;
    if (change.cpu !== undefined && this.options.cpuLimitExtension !== true) throw new CpuLimitUnsupportedError(entity, change.cpu);
    if (!Number.isInteger(change.memoryMB) || change.memoryMB <= 0) {
      throw new PlatformError('bad-request', 'update limits', entity, `memoryMB must be a positive integer, got ${change.memoryMB}`);
    }
    const current = await this.getAction(name);
    const limits: LimitsUpdate = {
      timeout: change.timeoutMs ?? current.limits.timeoutMs,
      memory: change.memoryMB,
      logs: current.limits.logsMB,
      concurrency: current.limits.concurrency,
      ...(change.cpu === undefined ? {} : { cpu: change.cpu }),
    };
    const same = current.limits.memoryMB === limits.memory && current.limits.timeoutMs === limits.timeout && (change.cpu === undefined || current.limits.cpu === change.cpu);
    if (same) return { ...current, changed: false };
    const body = await this.call({ operation: 'update limits', entity, idempotent: true, timeoutMs: this.timeoutMs }, (c) =>
      this.client.updateActionLimits(name, limits, c),
    );
    return { ...parseAction(body, entity), changed: true };
  }

  /**
   * Sends `count` warm-up invocations (`{ "__aquatope_warmup": true }`) at
   * once, blocking, so up to `count` containers are started or kept warm.
   * Each is answered by {@link wrapManagedAction} without running user code.
   */
  async prewarm(name: string, count: number): Promise<PrewarmReport> {
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`prewarm count must be a non-negative integer, got ${count}`);
    const results = await Promise.allSettled(Array.from({ length: count }, () => this.invokeBlocking(name, { [WARMUP_PARAM]: true })));
    const failures: string[] = [];
    let warmed = 0;
    for (const r of results) {
      if (r.status === 'rejected') failures.push(r.reason instanceof Error ? r.reason.message : String(r.reason));
      else if (r.value.kind === 'accepted') failures.push(`warm-up ${r.value.activationId} did not finish in time`);
      else {
        const result = r.value.activation.response?.result;
        if (r.value.activation.response?.success === true && typeof result === 'object' && result !== null && 'warmed' in result && result.warmed === true) warmed++;
        else failures.push(`warm-up ${r.value.activation.activationId} answered ${JSON.stringify(result)} (is the action wrapped with wrapManagedAction?)`);
      }
    }
    return { requested: count, warmed, failures };
  }
}
