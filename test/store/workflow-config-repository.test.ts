import { CouchServer, openDatabase } from '../../src/store/couch';
import { MalformedDocumentError } from '../../src/store/store-error';
import { WORKFLOW_CONFIG_INDEXES, WorkflowConfigRepository, workflowConfigId, type WorkflowConfig } from '../../src/store/workflow-config-repository';
import { putRaw, startTestCouch, type TestCouch } from './support/test-couch';

const config = (workflow: string, memoryMB = 512): WorkflowConfig => ({
  workflow,
  qos: { percentile: 95, targetMs: 2000 },
  stages: [
    { stage: 'resize', memoryMB, cpu: 0.5 },
    { stage: 'classify', memoryMB: 1024, cpu: 1 },
  ],
  source: 'default',
  updatedAt: '2024-05-01T10:00:00.000Z',
});

describe('WorkflowConfigRepository', () => {
  let couch: TestCouch;
  beforeAll(async () => {
    couch = await startTestCouch();
  });
  afterAll(() => couch.stop());

  async function open(label: string): Promise<{ configs: WorkflowConfigRepository; db: string }> {
    const db = `${couch.prefix(label)}configs`;
    return { configs: new WorkflowConfigRepository(await openDatabase(new CouchServer({ url: couch.url }), db, WORKFLOW_CONFIG_INDEXES)), db };
  }

  it('registers a workflow once (a second registration is a conflict) and reads it with its revision', async () => {
    const { configs } = await open('create');
    const stored = await configs.create(config('ml-inference'));
    expect(stored).toEqual({ id: 'workflow-config:ml-inference', rev: expect.stringMatching(/^1-/), doc: config('ml-inference') });
    await expect(configs.create(config('ml-inference', 256))).rejects.toMatchObject({ outcome: 'conflict', docId: 'workflow-config:ml-inference' });
    expect(await configs.get('ml-inference')).toEqual(stored);
  });

  it('replace needs the current _rev: a stale one is a conflict', async () => {
    const { configs } = await open('replace');
    const v1 = await configs.create(config('wf'));
    const v2 = await configs.replace(v1, { ...config('wf', 768), source: 'search', updatedAt: '2024-05-01T10:05:00.000Z' });
    expect(v2.doc.stages[0]).toEqual({ stage: 'resize', memoryMB: 768, cpu: 0.5 });
    await expect(configs.replace(v1, config('wf', 128))).rejects.toMatchObject({ outcome: 'conflict' });
    expect((await configs.get('wf'))?.doc.source).toBe('search');
  });

  it('updateWithRetry applies concurrent stage changes without losing either', async () => {
    const { configs } = await open('update');
    await configs.create(config('wf'));
    const setStage = (stage: string, memoryMB: number) => (current: WorkflowConfig | undefined): WorkflowConfig | undefined =>
      current === undefined ? undefined : { ...current, source: 'search', stages: current.stages.map((s) => (s.stage === stage ? { ...s, memoryMB } : s)) };
    await Promise.all([configs.updateWithRetry('wf', setStage('resize', 640)), configs.updateWithRetry('wf', setStage('classify', 2048))]);
    expect((await configs.get('wf'))?.doc.stages.map((s) => s.memoryMB)).toEqual([640, 2048]);
  });

  it('names with / and : are kept whole, and list returns every workflow', async () => {
    const { configs } = await open('list');
    await configs.create(config('/guest/video:pipeline'));
    await configs.create(config('a-first'));
    expect(workflowConfigId('/guest/video:pipeline')).toBe('workflow-config:%2Fguest%2Fvideo%3Apipeline');
    expect((await configs.list()).map((c) => c.workflow)).toEqual(['/guest/video:pipeline', 'a-first']);
  });

  it('renaming through replace or updateWithRetry is a RangeError', async () => {
    const { configs } = await open('rename');
    const v1 = await configs.create(config('wf'));
    await expect(configs.replace(v1, config('other'))).rejects.toThrow(new RangeError('workflow config workflow-config:wf: cannot rename "wf" to "other"'));
    await expect(configs.updateWithRetry('wf', () => config('other'))).rejects.toThrow(
      new RangeError('workflow config of "wf": mutate returned workflow "other"'),
    );
  });

  const id = 'workflow-config:wf';
  it.each([
    [{ ...config('wf'), qos: { percentile: 100, targetMs: 2000 } }, `cannot store workflow-config ${id}: qos.percentile: expected a finite number > 0 and < 100, found 100`],
    [{ ...config('wf'), qos: { percentile: 95, targetMs: 0 } }, `cannot store workflow-config ${id}: qos.targetMs: expected a finite number > 0, found 0`],
    [{ ...config('wf'), stages: [] }, `cannot store workflow-config ${id}: stages: expected at least 1 element(s), found 0`],
    [{ ...config('wf'), stages: [{ stage: 'a', memoryMB: 128, cpu: 0 }] }, `cannot store workflow-config ${id}: stages[0].cpu: expected a finite number > 0, found 0`],
    [{ ...config('wf'), stages: [{ stage: 'a', memoryMB: 128, cpu: 1 }, { stage: 'a', memoryMB: 256, cpu: 1 }] }, `cannot store workflow-config ${id}: stages: stage "a" appears twice (again at [1])`],
    [{ ...config('wf'), updatedAt: '2024-05-01' }, `cannot store workflow-config ${id}: updatedAt: expected an ISO 8601 UTC time like 2024-05-01T12:34:56.000Z, found "2024-05-01"`],
    [{ ...config(''), stages: config('x').stages }, 'workflow: expected a non-empty name'],
  ])('create(%j) is a RangeError: %s', async (c, message) => {
    const { configs } = await open('invalid');
    await expect(configs.create(c)).rejects.toThrow(new RangeError(message));
  });

  it('a stored config with an unknown source is reported naming the doc id and field', async () => {
    const { configs, db } = await open('malformed');
    await putRaw(couch.url, db, { _id: id, docType: 'workflow-config', ...config('wf'), source: 'magic' });
    await expect(configs.get('wf')).rejects.toThrow(new MalformedDocumentError(id, 'source', 'expected one of "default", "search", "operator", found "magic"'));
  });
});
