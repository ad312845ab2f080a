/**
 * The entities the local OpenWhisk keeps, as OpenWhisk's controller keeps them
 * (its CouchDB documents, minus the revision bookkeeping).
 */

/** A key/value pair, OpenWhisk's form for parameters and annotations. */
export interface KeyValue {
  key: string;
  value: unknown;
}

/** An action's limits, as OpenWhisk's `limits` object. */
export interface ActionLimits {
  /** Run-time limit of one activation, ms (OpenWhisk default 60,000). */
  timeout: number;
  /** Memory limit of the container, MB (default 256). */
  memory: number;
  /** Log size limit, MB (default 10). */
  logs: number;
  /** Activations one container runs at once (default 1). */
  concurrency: number;
  /** CPU limit in cores: present only when the server runs with the CPU-limit extension. */
  cpu?: number;
}

/** What an action runs: a code action of a runtime kind such as `nodejs:20`, or a sequence. */
export type ActionExec =
  | {
      kind: string;
      /** JavaScript source, or a base64 zip when `binary`. */
      code: string;
      binary: boolean;
      /** The exported function to call (default `main`). */
      main?: string;
    }
  | {
      kind: 'sequence';
      /** Fully qualified names of the components, e.g. `/guest/pkg/a`. */
      components: string[];
    };

/** What packages and triggers hold alike: a named, versioned bag of parameters. */
export interface StoredParametrised {
  namespace: string;
  name: string;
  /** Semantic version, bumped in its patch on every update (starts at 0.0.1). */
  version: string;
  publish: boolean;
  annotations: KeyValue[];
  parameters: KeyValue[];
  /** Last update, epoch ms (from the server's clock). */
  updated: number;
}

/** A package. */
export type StoredPackage = StoredParametrised;

/** An action, possibly inside a package. */
export interface StoredAction {
  /** Namespace the action lives in (`guest`). */
  namespace: string;
  /** Package name, or undefined for a top-level action. */
  packageName?: string;
  /** The action's own name (without the package). */
  name: string;
  version: string;
  publish: boolean;
  exec: ActionExec;
  limits: ActionLimits;
  annotations: KeyValue[];
  parameters: KeyValue[];
  /** Last update, epoch ms. */
  updated: number;
}

/** A trigger. */
export type StoredTrigger = StoredParametrised;

/** Whether a rule fires its action. */
export type RuleStatus = 'active' | 'inactive';

/** A rule: when `trigger` fires, invoke `action`. Both are fully qualified paths (`/guest/pkg/a`). */
export interface StoredRule {
  namespace: string;
  name: string;
  version: string;
  publish: boolean;
  annotations: KeyValue[];
  status: RuleStatus;
  /** Fully qualified trigger name, `/namespace/name`. */
  trigger: string;
  /** Fully qualified action name, `/namespace/[package/]name`. */
  action: string;
  updated: number;
}

/** The action's name inside its namespace: `pkg/name` or `name`. */
export function actionPath(action: Pick<StoredAction, 'packageName' | 'name'>): string {
  return action.packageName === undefined ? action.name : `${action.packageName}/${action.name}`;
}

/** The version after `version` (its patch number plus one). */
export function nextVersion(version: string): string {
  const parts = version.split('.').map((p) => Number.parseInt(p, 10));
  if (parts.length !== 3 || parts.some((p) => !Number.isFinite(p))) return '0.0.1';
  return `${parts[0]}.${parts[1]}.${parts[2] + 1}`;
}
