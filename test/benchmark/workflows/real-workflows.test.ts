import { WORKFLOWS, workflowNames } from '../../../benchmark/workflows/index';
import { joinInput, REAL_WORKFLOWS, runStageInProcess, runWorkflowInProcess, stageInput, StageRunError } from '../../../benchmark/workflows/real-workflows';
import { ML_INFERENCE_KEYS, SOCIAL_NETWORK_KEYS, VIDEO_PIPELINE_KEYS } from '../../../benchmark/workflows/real/workflow-inputs';
import { SMALL_INPUTS } from './real/small-inputs';

jest.setTimeout(60_000);

describe('REAL_WORKFLOWS', () => {
  it.each(workflowNames)('%s has the modelled workflow\'s stages, in DAG order, with the same `after` lists', (name) => {
    const real = REAL_WORKFLOWS[name];
    expect(real.name).toBe(name);
    expect(real.package).toBe(name);
    expect(real.entryAction).toBe(`${name}/invoke`);
    expect(real.stages.map((s) => ({ name: s.name, after: [...s.after] }))).toEqual(WORKFLOWS[name].stages.map((s) => ({ name: s.name, after: [...s.after] })));
    const seen = new Set<string>();
    for (const s of real.stages) {
      for (const a of s.after) expect(seen.has(a)).toBe(true);
      seen.add(s.name);
      expect(s.action).toBe(`${name}/${s.name}`);
      expect(s.does.length).toBeGreaterThan(20);
    }
  });

  it('gives each workflow its default input, the params its stages carry', () => {
    expect(Object.keys(REAL_WORKFLOWS['ml-inference'].defaultInput)).toEqual([...ML_INFERENCE_KEYS]);
    expect(Object.keys(REAL_WORKFLOWS['video-pipeline'].defaultInput)).toEqual([...VIDEO_PIPELINE_KEYS]);
    expect(Object.keys(REAL_WORKFLOWS['social-network'].defaultInput)).toEqual([...SOCIAL_NETWORK_KEYS]);
    expect(REAL_WORKFLOWS['ml-inference'].defaultInput).toMatchObject({ seed: 1, width: 1600, height: 1200, inputSize: 64, repeat: 8 });
  });

  it('joins a fan-out as { branches, carry } and passes a single predecessor\'s result as is', () => {
    const [, resize, a, , , aggregate] = REAL_WORKFLOWS['ml-inference'].stages;
    const results = { fetch: { image: 1, carry: { seed: 1 } }, resize: { tensor: 2, carry: { seed: 1 } }, 'classify-a': { n: 'a', carry: { seed: 1 } }, 'classify-b': { n: 'b' }, 'classify-c': { n: 'c' } };
    expect(joinInput(resize, { seed: 1 }, results)).toBe(results.fetch);
    expect(joinInput(a, {}, results)).toBe(results.resize);
    expect(joinInput(aggregate, {}, results)).toEqual({ branches: { 'classify-a': results['classify-a'], 'classify-b': results['classify-b'], 'classify-c': results['classify-c'] }, carry: { seed: 1 } });
    expect(() => joinInput(aggregate, {}, { 'classify-a': {} })).toThrow(/the result of classify-b is missing/);
  });
});

describe('running the real workflows in process', () => {
  it('ml-inference end to end: the ensemble\'s labels come from the three classifiers', async () => {
    const results = await runWorkflowInProcess('ml-inference', SMALL_INPUTS['ml-inference']);
    expect(Object.keys(results)).toEqual(REAL_WORKFLOWS['ml-inference'].stages.map((s) => s.name));
    const aggregate = results['aggregate'];
    expect(aggregate['models']).toEqual(['classify-a', 'classify-b', 'classify-c']);
    const labels = ['classify-a', 'classify-b', 'classify-c'].flatMap((s) => {
      const list = results[s]['labels'];
      return Array.isArray(list) ? list.map((l: unknown) => (typeof l === 'object' && l !== null && 'label' in l ? l.label : null)) : [];
    });
    expect(typeof aggregate['top']).toBe('string');
    expect(labels).toContain(aggregate['top']);
    expect(results['classify-b']['carry']).toEqual(SMALL_INPUTS['ml-inference']);
  });

  it("stageInput gives a stage the params it gets in the workflow: the first stage's is the input, a later one's its predecessors' results", async () => {
    const input = SMALL_INPUTS['social-network'];
    expect(await stageInput('social-network', 'compose-post', input)).toEqual(input);
    const toFilter = await stageInput('social-network', 'text-filter', input);
    expect(toFilter).toMatchObject({ post: expect.objectContaining({ text: expect.any(String) }), carry: input });
    const toStore = await stageInput('social-network', 'store-post', input);
    expect(Object.keys(toStore)).toEqual(['branches', 'carry']);
    const stored = await runStageInProcess('social-network', 'store-post', toStore);
    const whole = await runWorkflowInProcess('social-network', input);
    expect(stored['sha256']).toBe(whole['store-post']['sha256']);
    // Profiling overrides: a top-level param over the carried one.
    const deeper = await runStageInProcess('social-network', 'social-graph', { ...(await stageInput('social-network', 'social-graph', input)), depth: 1 });
    expect(deeper['work']).toMatchObject({ visited: 1, edgesScanned: 3 });
  });

  it('video-pipeline end to end: merge has every frame the split rendered', async () => {
    const results = await runWorkflowInProcess('video-pipeline', SMALL_INPUTS['video-pipeline']);
    expect(results['merge']).toMatchObject({ frames: 20, segmentFrames: [5, 5, 5, 5] });
    const toMerge = await stageInput('video-pipeline', 'merge', SMALL_INPUTS['video-pipeline']);
    expect(Object.keys(toMerge['branches'] ?? {})).toEqual(['transcode-1', 'transcode-2', 'transcode-3', 'transcode-4']);
  });

  it('names the failing stage and its error', async () => {
    await expect(runWorkflowInProcess('ml-inference', { width: 2 })).rejects.toThrow(StageRunError);
    await expect(runWorkflowInProcess('ml-inference', { width: 2 })).rejects.toThrow(/ml-inference\/fetch failed: .*invalid-param.*width: expected an integer from 8 to 4096, found 2/);
    await expect(stageInput('ml-inference', 'nope')).rejects.toThrow(/unknown stage "nope"/);
  });
});
