/**
 * `manifests/workflows.yaml` deployed with the project's deploy code into the
 * local OpenWhisk (child-process invoker), from the real bundles of every
 * workflow stage and conductor (built once into a temporary folder, taken
 * from there with `bundleDir`, which keeps each workflow's folder, so
 * `video-pipeline/transcode-1` and the like cannot be confused across
 * packages), then each workflow's `invoke` run end to end with the
 * `openwhisk` client: the composition runs its stages (the fan-out through
 * the API), and its result equals the same workflow run in this process.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import openwhisk from 'openwhisk';
import { isWorkflowName, workflowNames } from '../../benchmark/workflows/index';
import { REAL_WORKFLOWS, runWorkflowInProcess } from '../../benchmark/workflows/real-workflows';
import { SeededRng } from '../../src/core/rng';
import { buildWorkflows, type BuiltWorkflow } from '../../src/deploy/build-actions';
import { deployManifest, undeployManifest, type DeployOptions } from '../../src/deploy/deploy';
import { ChildProcessInvoker } from '../../src/local-openwhisk/child-process-invoker';
import { generateAuthKey } from '../../src/local-openwhisk/ids';
import { startLocalOpenWhisk, type LocalOpenWhisk } from '../../src/local-openwhisk/local-openwhisk-server';
import { SMALL_INPUTS } from '../benchmark/workflows/real/small-inputs';
import { annotationsOf, isRecord, rejected } from '../support/whisk-records';

const REPO = join(__dirname, '..', '..');
const MANIFEST = join(REPO, 'manifests', 'workflows.yaml');
const wallClock = { nowMs: () => Date.now() };
const work = mkdtempSync(join(tmpdir(), 'aquatope-deploy-workflows-'));
const bundleDir = join(work, 'dist', 'workflows');
/** Every action the manifest declares, `<workflow>/<stage>` in DAG order then `<workflow>/invoke`. */
const ACTIONS = workflowNames.flatMap((w) => [...REAL_WORKFLOWS[w].stages.map((s) => s.action), `${w}/invoke`]);

let built: BuiltWorkflow[];
let server: LocalOpenWhisk;
let ow: openwhisk.Client;
const options = (): DeployOptions => ({ manifestPath: MANIFEST, env: { __OW_API_HOST: server.apiHost, __OW_API_KEY: server.apiKey }, bundleDir, log: () => undefined });

beforeAll(async () => {
  built = await buildWorkflows({ rootDir: REPO, outDir: join(work, 'dist') });
  const invoker = new ChildProcessInvoker({ clock: wallClock, workDir: work });
  server = await startLocalOpenWhisk({ auth: generateAuthKey(new SeededRng(41)), invoker, clock: wallClock, rng: new SeededRng(42) });
  ow = openwhisk({ apihost: server.apiHost, api_key: server.apiKey });
}, 120_000);
afterAll(async () => {
  await server.stop();
  rmSync(work, { recursive: true, force: true });
});

/** The result of a blocking invocation, or of a failed one (its record's result). */
async function invoke(name: string, params: Record<string, unknown>): Promise<Record<string, unknown>> {
  const answer: unknown = await ow.actions.invoke({ name, params, blocking: true, result: true }).catch((err: unknown) => {
    const body: unknown = err instanceof Error && 'error' in err ? err.error : undefined;
    return isRecord(body) && isRecord(body['response']) ? body['response']['result'] : err;
  });
  if (!isRecord(answer)) throw new Error(`${name}: no result (${String(answer)})`);
  return answer;
}

describe('manifests/workflows.yaml on the local OpenWhisk', () => {
  it('builds every stage of the three workflows and their conductors', () => {
    expect(built.map((w) => w.name)).toEqual([...workflowNames].sort());
    for (const w of built) {
      if (!isWorkflowName(w.name)) throw new Error(`${w.name} is not a modelled workflow`);
      expect(w.stages.map((s) => s.name)).toEqual(REAL_WORKFLOWS[w.name].stages.map((s) => s.name).sort());
      expect(w.invoke?.zipPath).toBe(join(bundleDir, w.name, 'invoke.zip'));
    }
  });

  it('deploys one package per workflow, each stage with its limits and the conductor with its annotations', async () => {
    const report = await deployManifest(options());
    expect(report.packages).toEqual([...workflowNames]);
    expect([...report.actions].sort()).toEqual([...ACTIONS].sort());
    const fetch = await ow.actions.get({ name: 'ml-inference/fetch' });
    expect(fetch.limits).toMatchObject({ memory: 1024, timeout: 120_000 });
    expect(fetch.exec).toMatchObject({ kind: 'nodejs:20', binary: true });
    expect(annotationsOf(fetch)['provide-api-key']).toBeUndefined();
    const invokeAction = await ow.actions.get({ name: 'video-pipeline/invoke' });
    expect(annotationsOf(invokeAction)).toMatchObject({ conductor: true, 'provide-api-key': true });
    expect(invokeAction.limits).toMatchObject({ memory: 256, timeout: 300_000 });
  }, 60_000);

  it("deploys each package's own zip: same-named files of different workflows are not confused", async () => {
    for (const name of ['video-pipeline/transcode-1', 'video-pipeline/invoke', 'ml-inference/invoke', 'social-network/invoke']) {
      const action = await ow.actions.get({ name });
      const code = isRecord(action.exec) ? action.exec['code'] : undefined;
      expect({ name, code }).toEqual({ name, code: readFileSync(join(bundleDir, `${name}.zip`)).toString('base64') });
    }
    const codes = await Promise.all(['ml-inference/invoke', 'video-pipeline/invoke'].map(async (name) => {
      const a = await ow.actions.get({ name });
      return isRecord(a.exec) ? a.exec['code'] : undefined;
    }));
    expect(codes[0]).not.toBe(codes[1]);
  });

  it('deployed stages that answer a warm-up at once', async () => {
    expect(await invoke('ml-inference/classify-a', { __aquatope_warmup: true })).toEqual({ warmed: true });
    expect(await invoke('video-pipeline/merge', { __aquatope_warmup: true })).toEqual({ warmed: true });
  });

  it('answers a warm-up of a composition at once, without running any stage', async () => {
    const before = (await ow.activations.list({ name: 'social-network/compose-post', limit: 200 })).length;
    for (const w of workflowNames) expect(await invoke(`${w}/invoke`, { __aquatope_warmup: true })).toEqual({ warmed: true });
    expect((await ow.activations.list({ name: 'social-network/compose-post', limit: 200 })).length).toBe(before);
  });

  it('runs ml-inference end to end: the ensemble of the three deployed classifiers, as in process', async () => {
    const input = SMALL_INPUTS['ml-inference'];
    const [result, local] = await Promise.all([invoke('ml-inference/invoke', input), runWorkflowInProcess('ml-inference', input)]);
    const aggregate = local['aggregate'];
    expect(result).toMatchObject({ top: aggregate['top'], labels: aggregate['labels'], models: ['classify-a', 'classify-b', 'classify-c'], sha256: aggregate['sha256'], compressedBytes: aggregate['compressedBytes'] });
    const summary = result['summary'];
    expect(isRecord(summary) ? summary['workflow'] : undefined).toBe('ml-inference');
    const stages = isRecord(summary) && isRecord(summary['stages']) ? summary['stages'] : {};
    expect(Object.keys(stages).sort()).toEqual(REAL_WORKFLOWS['ml-inference'].stages.map((s) => s.name).sort());
    for (const s of Object.values(stages)) expect(isRecord(s) ? s['peakMemoryMB'] : 0).toBeGreaterThan(0);
    expect(isRecord(stages['classify-c']) ? stages['classify-c']['work'] : undefined).toEqual(local['classify-c']['work']);
  }, 90_000);

  it('runs video-pipeline end to end: the merged video has all the frames, byte for byte as in process', async () => {
    const input = SMALL_INPUTS['video-pipeline'];
    const [result, local] = await Promise.all([invoke('video-pipeline/invoke', input), runWorkflowInProcess('video-pipeline', input)]);
    expect(result).toMatchObject({ frames: 20, segmentFrames: [5, 5, 5, 5], sha256: local['merge']['sha256'], bytes: local['merge']['bytes'] });
    expect(Number(result['durationS'])).toBeCloseTo(2, 1);
  }, 90_000);

  it('runs social-network end to end: one timeline entry per follower the BFS reached, as in process', async () => {
    const input = SMALL_INPUTS['social-network'];
    const [result, local] = await Promise.all([invoke('social-network/invoke', input), runWorkflowInProcess('social-network', input)]);
    const graph = local['social-graph']['graph'];
    expect(result).toMatchObject({ postId: local['store-post']['postId'], timelineEntries: isRecord(graph) ? graph['reached'] : -1, sha256: local['store-post']['sha256'] });
  }, 90_000);

  it("ends with the failing stage's { error }: the first stage's, or a fan-out branch's", async () => {
    const first = await rejected(ow.actions.invoke({ name: 'ml-inference/invoke', blocking: true, params: { width: 3 } }));
    expect(first.statusCode).toBe(502);
    const record = first.body;
    expect(isRecord(record) && isRecord(record['response']) ? record['response']['result'] : record).toEqual({
      error: { code: 'invalid-param', message: 'width: expected an integer from 8 to 4096, found 3' },
    });
    expect(await invoke('ml-inference/invoke', { ...SMALL_INPUTS['ml-inference'], repeat: 0 })).toEqual({
      error: { code: 'invalid-param', message: 'repeat: expected an integer from 1 to 1000, found 0' },
    });
    expect(await invoke('social-network/invoke', { ...SMALL_INPUTS['social-network'], depth: 99 })).toEqual({
      error: { code: 'invalid-param', message: 'depth: expected an integer from 1 to 10, found 99' },
    });
  }, 90_000);

  it('undeploys every action and package', async () => {
    const report = await undeployManifest(options());
    expect([...report.actions].sort()).toEqual([...ACTIONS].sort());
    expect(await ow.actions.list({ limit: 200 })).toEqual([]);
  }, 60_000);
});
