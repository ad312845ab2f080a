/**
 * The port between the adapter and the `openwhisk` npm client: the calls the
 * adapter makes, with plain parameters and `unknown` answers that the adapter
 * validates. The default implementation is the real client; tests substitute
 * a fake. A call may reject with an error carrying `statusCode` (the HTTP
 * status) and `error` (the response body), as the client's `OpenWhiskError`.
 */
import openwhisk from 'openwhisk';
import type { PlatformConfig } from './platform-config';

/** Cancels a call in flight. */
export interface CallControl {
  signal: AbortSignal;
}

/** Filters of an activation list page (times in epoch ms). */
export interface ActivationPageQuery {
  name?: string;
  since?: number;
  upto?: number;
  skip: number;
  limit: number;
  docs: boolean;
}

/** Limits as OpenWhisk's `limits` object (ms, MB; `cpu` in cores for clusters with the extension). */
export interface LimitsUpdate {
  timeout?: number;
  memory?: number;
  logs?: number;
  concurrency?: number;
  cpu?: number;
}

/** What the adapter asks of an OpenWhisk client. */
export interface OpenWhiskClientPort {
  listActivations(query: ActivationPageQuery, control: CallControl): Promise<unknown>;
  getActivation(activationId: string, control: CallControl): Promise<unknown>;
  invokeAction(name: string, params: Record<string, unknown>, blocking: boolean, control: CallControl): Promise<unknown>;
  fireTrigger(name: string, params: Record<string, unknown>, control: CallControl): Promise<unknown>;
  getAction(name: string, control: CallControl): Promise<unknown>;
  /** An update (`overwrite=true`) that sends only `limits`: the platform keeps the code, parameters and annotations. */
  updateActionLimits(name: string, limits: LimitsUpdate, control: CallControl): Promise<unknown>;
}

/** Makes a client for a configuration. */
export type ClientFactory = (config: PlatformConfig) => OpenWhiskClientPort;

/**
 * The real client. The `signal` is passed through the client's options to
 * `needle`, its HTTP library, which aborts the request when it fires.
 */
export const openWhiskClientFactory: ClientFactory = (config) => {
  const ow = openwhisk({ apihost: config.apiHost, api_key: config.apiKey, namespace: config.namespace });
  return {
    listActivations(query, control) {
      const options = { ...query, signal: control.signal };
      return ow.activations.list(options);
    },
    getActivation(activationId, control) {
      const options = { name: activationId, signal: control.signal };
      return ow.activations.get(options);
    },
    invokeAction(name, params, blocking, control) {
      const options = { name, params, blocking, signal: control.signal };
      return ow.actions.invoke(options);
    },
    fireTrigger(name, params, control) {
      const options = { name, params, signal: control.signal };
      return ow.triggers.invoke(options);
    },
    getAction(name, control) {
      const options = { name, signal: control.signal };
      return ow.actions.get(options);
    },
    updateActionLimits(name, limits, control) {
      const options = { name, limits, signal: control.signal };
      return ow.actions.update(options);
    },
  };
};
