/**
 * The collector's platform port over the OpenWhisk adapter: every activation
 * that started in a window, read page by page with full records
 * (`docs=true`: a warm-up is recognised by its result `{ warmed: true }`,
 * which summaries do not carry), `upto` fixed at the window's end so pages do
 * not shift while new activations arrive.
 */
import type { ActivationInfo } from '../platform/platform-records';
import { isWarmupReply } from '../platform/managed-action';
import type { OpenWhiskPlatform } from '../platform/openwhisk';
import type { CollectedActivation, CollectionWindow, CollectorPlatform } from './collector-ports';

/** The platform calls the port needs (an {@link OpenWhiskPlatform} has them). */
export type CollectorPlatformCalls = Pick<OpenWhiskPlatform, 'listActivationsSince'>;

/** Options of {@link openWhiskCollectorPlatform}. */
export interface CollectorPlatformOptions {
  /** Page size of the listing, 1..200. Default 200 (OpenWhisk's largest). */
  readonly pageSize?: number;
}

function annotation(a: ActivationInfo, key: string): unknown {
  return a.annotations.find((kv) => kv.key === key)?.value;
}

function memoryOf(a: ActivationInfo): number | undefined {
  const limits = annotation(a, 'limits');
  if (typeof limits !== 'object' || limits === null || !('memory' in limits)) return undefined;
  const memory = limits.memory;
  return typeof memory === 'number' && Number.isFinite(memory) && memory > 0 ? memory : undefined;
}

function isWarmup(a: ActivationInfo): boolean {
  return isWarmupReply(a.response?.result);
}

/** An activation record as the collector sees it. */
export function toCollectedActivation(a: ActivationInfo): CollectedActivation {
  const kind = annotation(a, 'kind');
  const path = a.path ?? `${a.namespace}/${a.name}`;
  const endMs = a.end ?? (a.duration === undefined ? undefined : a.start + a.duration);
  return {
    activationId: a.activationId,
    action: path.startsWith('/') ? path : `/${path}`,
    kind: typeof kind === 'string' ? kind : undefined,
    startMs: a.start,
    endMs,
    coldStart: a.initTimeMs !== undefined,
    warmup: isWarmup(a),
    success: a.response?.success ?? a.statusCode === 0,
    memoryMB: memoryOf(a),
  };
}

/** The port over `platform`. */
export function openWhiskCollectorPlatform(platform: CollectorPlatformCalls, options: CollectorPlatformOptions = {}): CollectorPlatform {
  return {
    async activations(window: CollectionWindow): Promise<CollectedActivation[]> {
      const records = await platform.listActivationsSince(window.sinceMs, { uptoMs: window.uptoMs, docs: true, ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }) });
      return records.filter((r) => r.start >= window.sinceMs && r.start <= window.uptoMs).map(toCollectedActivation);
    },
  };
}
