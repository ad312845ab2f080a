import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PlatformError } from '../../src/platform/platform-error';
import {
  buildStemCellManifest, checkStemCellCounts, formatMemory, parseMemoryMB, parseRuntimeManifest, RuntimeManifestAdmin, RuntimeManifestError,
  type StemCellCount,
} from '../../src/platform/runtime-manifest-prewarm';

/** A cluster's manifest: two nodejs runtimes (one with a reactive stem cell), a python one without stem cells, blackboxes. */
function base(): Record<string, unknown> {
  return {
    description: ['the cluster runtimes'],
    runtimes: {
      nodejs: [
        {
          kind: 'nodejs:20',
          default: true,
          image: { prefix: 'openwhisk', name: 'action-nodejs-v20', tag: 'nightly' },
          stemCells: [
            { initialCount: 2, memory: '256 MB', reactive: { minCount: 1, maxCount: 4, ttl: '2 minutes', threshold: 1, increment: 1 } },
            { initialCount: 1, memory: '512 MB' },
          ],
        },
        { kind: 'nodejs:18', image: { name: 'action-nodejs-v18' }, stemCells: [{ count: 1, memory: '1 GB' }] },
      ],
      python: [{ kind: 'python:3', image: { name: 'action-python-v3' } }],
    },
    blackboxes: [{ prefix: 'openwhisk', name: 'dockerskeleton', tag: 'nightly' }],
  };
}

describe('memory sizes', () => {
  it.each([
    ['256 MB', 256], ['256MB', 256], ['256 m', 256], ['1 GB', 1024], ['2g', 2048], ['524288 KB', 512], [' 128 Mb ', 128],
  ])('parseMemoryMB(%j) is %d MB', (text, mb) => {
    expect(parseMemoryMB(text, 'memory')).toBe(mb);
  });

  it.each([['lots'], ['256 TB'], ['0 MB'], ['1.5 MB'], ['100 KB'], [256], [null]])('parseMemoryMB(%j) names the value', (text) => {
    expect(() => parseMemoryMB(text, 'x.memory')).toThrow(
      new RuntimeManifestError(`x.memory: expected a memory size such as "256 MB" (B, KB, MB or GB; a whole number of MB >= 1), found ${JSON.stringify(text)}`),
    );
  });

  it('formats MB as the manifest does', () => {
    expect(formatMemory(256)).toBe('256 MB');
  });
});

describe('buildStemCellManifest', () => {
  it('places each count on its kind and memory and leaves every other runtime, stem cell and field as it was', () => {
    const before = base();
    const snapshot = JSON.stringify(before);
    const built = buildStemCellManifest(before, [
      { kind: 'nodejs:20', memoryMB: 256, count: 5 },
      { kind: 'nodejs:18', memoryMB: 1024, count: 0 },
    ]);
    const expected = base();
    const runtimes = expected.runtimes;
    if (typeof runtimes !== 'object' || runtimes === null || !('nodejs' in runtimes) || !Array.isArray(runtimes.nodejs)) throw new Error('bad fixture');
    runtimes.nodejs[0].stemCells[0].initialCount = 5;
    runtimes.nodejs[1].stemCells[0].count = 0;
    expect(built.manifest).toEqual(expected);
    expect(built.applied).toEqual([{ kind: 'nodejs:20', memoryMB: 256, count: 5 }, { kind: 'nodejs:18', memoryMB: 1024, count: 0 }]);
    expect(built.skipped).toEqual([]);
    // The base is not changed.
    expect(JSON.stringify(before)).toBe(snapshot);
  });

  it('adds a stem cell for a memory the kind has none of, and none for a count of 0', () => {
    const built = buildStemCellManifest(base(), [
      { kind: 'python:3', memoryMB: 128, count: 3 },
      { kind: 'nodejs:20', memoryMB: 2048, count: 0 },
      { kind: 'nodejs:20', memoryMB: 1024, count: 2 },
    ]);
    expect(built.manifest).toMatchObject({
      runtimes: {
        python: [{ kind: 'python:3', image: { name: 'action-python-v3' }, stemCells: [{ initialCount: 3, memory: '128 MB' }] }],
        nodejs: [{ kind: 'nodejs:20', stemCells: [{ initialCount: 2, memory: '256 MB' }, { initialCount: 1, memory: '512 MB' }, { initialCount: 2, memory: '1024 MB' }] }, { kind: 'nodejs:18' }],
      },
    });
  });

  it('skips a kind the manifest has no runtime of (it cannot be added without an image) and never drops a runtime', () => {
    const built = buildStemCellManifest(base(), [{ kind: 'go:1.21', memoryMB: 256, count: 4 }]);
    expect(built.skipped).toEqual([{ kind: 'go:1.21', memoryMB: 256, count: 4, reason: 'the manifest has no runtime of kind go:1.21' }]);
    expect(built.applied).toEqual([]);
    expect(built.manifest).toEqual(base());
  });

  it('matches memories written in other units (1 GB is 1024 MB)', () => {
    const built = buildStemCellManifest(base(), [{ kind: 'nodejs:18', memoryMB: 1024, count: 7 }]);
    expect(built.manifest).toMatchObject({ runtimes: { nodejs: [{}, { stemCells: [{ count: 7, memory: '1 GB' }] }] } });
  });

  const good = (c: Partial<StemCellCount> = {}): StemCellCount => ({ kind: 'nodejs:20', memoryMB: 256, count: 1, ...c });
  it.each([
    ['a negative count', base(), [good({ count: -1 })], 'stem cells[0].count: expected an integer >= 0, found -1'],
    ['a fractional count', base(), [good(), good({ memoryMB: 512, count: 1.5 })], 'stem cells[1].count: expected an integer >= 0, found 1.5'],
    ['a zero memory', base(), [good({ memoryMB: 0 })], 'stem cells[0].memoryMB: expected an integer >= 1 (MB), found 0'],
    ['a bad kind', base(), [good({ kind: 'node js' })], 'stem cells[0].kind: expected a runtime kind such as "nodejs:20", found "node js"'],
    ['a pair twice', base(), [good(), good({ count: 3 })], 'stem cells[1]: expected each kind and memory once, found "nodejs:20 with 256 MB again"'],
    ['no manifest', 'runtimes', [good()], 'base manifest: expected a runtime manifest object { "runtimes": { ... } }, found "runtimes"'],
    ['no runtimes', { blackboxes: [] }, [good()], 'base manifest.runtimes: expected an object of runtime families, found nothing'],
    ['a family not an array', { runtimes: { nodejs: {} } }, [good()], 'base manifest.runtimes.nodejs: expected an array of runtimes, found {}'],
    ['a runtime without kind', { runtimes: { nodejs: [{ image: {} }] } }, [good()], 'base manifest.runtimes.nodejs[0].kind: expected a runtime kind such as "nodejs:20", found nothing'],
    [
      'a bad stem-cell memory',
      { runtimes: { nodejs: [{ kind: 'nodejs:20', stemCells: [{ initialCount: 1, memory: 'big' }] }] } },
      [good()],
      'base manifest.runtimes.nodejs[0].stemCells[0].memory: expected a memory size such as "256 MB" (B, KB, MB or GB; a whole number of MB >= 1), found "big"',
    ],
    [
      'a bad stem-cell count',
      { runtimes: { nodejs: [{ kind: 'nodejs:20', stemCells: [{ initialCount: '2', memory: '256 MB' }] }] } },
      [good()],
      'base manifest.runtimes.nodejs[0].stemCells[0].initialCount: expected an integer >= 0, found "2"',
    ],
    ['stem cells not an array', { runtimes: { nodejs: [{ kind: 'nodejs:20', stemCells: 2 }] } }, [good()], 'base manifest.runtimes.nodejs[0].stemCells: expected an array of stem cells, found 2'],
  ] as const)('%s is a RuntimeManifestError naming it', (_what, manifest, counts, message) => {
    expect(() => buildStemCellManifest(manifest, counts)).toThrow(RuntimeManifestError);
    expect(() => buildStemCellManifest(manifest, counts)).toThrow(message);
  });

  it('checks counts and manifests on their own too', () => {
    expect(() => checkStemCellCounts([good(), good({ memoryMB: 512 })])).not.toThrow();
    expect(parseRuntimeManifest(base())).toEqual(base());
    expect(() => parseRuntimeManifest([], 'param prewarmBaseManifest')).toThrow('param prewarmBaseManifest: expected a runtime manifest object { "runtimes": { ... } }, found []');
  });
});

interface Seen {
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly authorization: string | undefined;
  readonly contentType: string | undefined;
  readonly body: string;
}

type Handler = (req: Seen, res: ServerResponse) => void;

/** A stand-in for the admin endpoint on 127.0.0.1: each request is recorded, then answered by the next handler (the last one repeats). */
class AdminServer {
  readonly seen: Seen[] = [];
  private handlers: Handler[] = [];
  private readonly server: Server;
  constructor() {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => {
        body += chunk;
      });
      req.on('end', () => {
        const seen = { method: req.method, url: req.url, authorization: req.headers.authorization, contentType: req.headers['content-type'], body };
        this.seen.push(seen);
        const handler = this.handlers.length > 1 ? this.handlers.shift() : this.handlers[0];
        if (handler === undefined) {
          res.statusCode = 500;
          res.end('no handler');
        } else handler(seen, res);
      });
    });
  }
  answer(...handlers: Handler[]): void {
    this.handlers = handlers;
    this.seen.length = 0;
  }
  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address: AddressInfo | string | null = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return `http://127.0.0.1:${address.port}`;
  }
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const status = (code: number, body = ''): Handler => (_req, res) => {
  res.statusCode = code;
  res.end(body);
};
const json = (value: unknown): Handler => (_req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(value));
};
/** Answers GET with the manifest, POST with 200. */
const cluster = (manifest: unknown): Handler => (req, res) => (req.method === 'GET' ? json(manifest)(req, res) : status(200, 'configured')(req, res));
const never: Handler = () => undefined;

describe('RuntimeManifestAdmin against a local HTTP server', () => {
  const server = new AdminServer();
  let url = '';
  const sleeps: number[] = [];
  const sleep = async (ms: number): Promise<void> => {
    sleeps.push(ms);
  };
  const basic = `Basic ${Buffer.from('whisk_admin:s3cret').toString('base64')}`;
  beforeAll(async () => {
    url = await server.start();
  });
  afterAll(() => server.stop());
  beforeEach(() => {
    sleeps.length = 0;
  });

  const admin = (extra: Partial<ConstructorParameters<typeof RuntimeManifestAdmin>[0]> = {}): RuntimeManifestAdmin =>
    new RuntimeManifestAdmin({ adminUrl: `${url}/`, auth: 'whisk_admin:s3cret', timeoutMs: 2000, sleep, retry: { retries: 2, baseDelayMs: 100 }, ...extra });

  it('reads the current manifest by GET, then POSTs it to config/runtime with Basic auth, only the counts changed', async () => {
    server.answer(cluster(base()));
    const update = await admin().setStemCells([{ kind: 'nodejs:20', memoryMB: 512, count: 4 }, { kind: 'go:1.21', memoryMB: 256, count: 1 }]);
    expect(update).toEqual({
      applied: [{ kind: 'nodejs:20', memoryMB: 512, count: 4 }],
      skipped: [{ kind: 'go:1.21', memoryMB: 256, count: 1, reason: 'the manifest has no runtime of kind go:1.21' }],
      base: 'endpoint',
    });
    expect(server.seen.map((s) => [s.method, s.url, s.authorization])).toEqual([
      ['GET', '/config/runtime', basic],
      ['POST', '/config/runtime', basic],
    ]);
    expect(server.seen[1].contentType).toBe('application/json');
    const posted: unknown = JSON.parse(server.seen[1].body);
    expect(posted).toEqual(buildStemCellManifest(base(), [{ kind: 'nodejs:20', memoryMB: 512, count: 4 }]).manifest);
    expect(posted).toMatchObject({ runtimes: { nodejs: [{ stemCells: [{ initialCount: 2 }, { initialCount: 4, memory: '512 MB' }] }, { kind: 'nodejs:18' }], python: [{ kind: 'python:3' }] } });
  });

  it('without a GET (405) it starts from the configured base manifest; without one that is an error naming the setting', async () => {
    server.answer((req, res) => status(req.method === 'GET' ? 405 : 200)(req, res));
    const update = await admin({ baseManifest: base() }).setStemCells([{ kind: 'python:3', memoryMB: 256, count: 2 }]);
    expect(update.base).toBe('configured');
    expect(server.seen.map((s) => s.method)).toEqual(['GET', 'POST']);
    expect(JSON.parse(server.seen[1].body)).toMatchObject({ runtimes: { python: [{ stemCells: [{ initialCount: 2, memory: '256 MB' }] }] } });
    server.answer(status(404));
    await expect(admin().setStemCells([{ kind: 'python:3', memoryMB: 256, count: 2 }])).rejects.toThrow(
      `read runtime manifest at ${url}/config/runtime failed: HTTP 404: the endpoint has no GET (HTTP 404); configure the base manifest (param prewarmBaseManifest or env AQUATOPE_PREWARM_BASE_MANIFEST)`,
    );
  });

  it('retries a 503 with backoff and then succeeds', async () => {
    server.answer(status(503, 'invoker busy'), cluster(base()));
    await admin().postManifest(base());
    expect(server.seen.map((s) => s.method)).toEqual(['POST', 'POST']);
    expect(sleeps).toEqual([100]);
    expect(JSON.parse(server.seen[1].body)).toEqual(base());
  });

  it('gives up after the retries with the status and the attempts', async () => {
    server.answer(status(503, 'invoker busy'));
    const failure = admin().postManifest(base());
    await expect(failure).rejects.toThrow(new PlatformError('server', 'set', `runtime manifest at ${url}/config/runtime`, '"invoker busy"', 503, 3));
    expect(sleeps).toEqual([100, 200]);
  });

  it('a 401 is a clear unauthorized error, not retried, and never shows the password', async () => {
    server.answer(status(401, 'The supplied authentication is invalid'));
    const error: unknown = await admin().postManifest(base()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlatformError);
    expect(error).toMatchObject({
      kind: 'unauthorized',
      statusCode: 401,
      message: `set runtime manifest at ${url}/config/runtime failed: HTTP 401: the admin endpoint refused the credentials (prewarmAdminAuth / AQUATOPE_PREWARM_ADMIN_AUTH set)`,
    });
    expect(String(error)).not.toContain('s3cret');
    expect(server.seen).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('an endpoint that does not answer times out, each attempt, and the call fails as a timeout', async () => {
    server.answer(never);
    const started = Date.now();
    await expect(admin({ timeoutMs: 150, retry: { retries: 1, baseDelayMs: 10 } }).postManifest(base())).rejects.toMatchObject({
      kind: 'timeout',
      message: `set runtime manifest at ${url}/config/runtime failed: no answer within 150 ms (after 2 attempts)`,
    });
    expect(server.seen).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('a GET answering a malformed manifest is an invalid response naming the path; nothing is posted', async () => {
    server.answer(json({ runtimes: { nodejs: [{ kind: 'nodejs:20', stemCells: [{ initialCount: -2, memory: '256 MB' }] }] } }));
    await expect(admin().setStemCells([{ kind: 'nodejs:20', memoryMB: 256, count: 1 }])).rejects.toMatchObject({
      kind: 'invalid-response',
      message: expect.stringContaining('the answered manifest.runtimes.nodejs[0].stemCells[0].initialCount: expected an integer >= 0, found -2'),
    });
    expect(server.seen.map((s) => s.method)).toEqual(['GET']);
  });

  it('a refused connection is a network error after the retries', async () => {
    const down = new RuntimeManifestAdmin({ adminUrl: 'http://127.0.0.1:1', timeoutMs: 1000, sleep, retry: { retries: 1, baseDelayMs: 10 } });
    await expect(down.postManifest(base())).rejects.toMatchObject({ kind: 'network', attempts: 2 });
  });

  it.each([
    [{ adminUrl: 'ftp://admin' }, 'adminUrl: expected an http:// or https:// URL, found "ftp://admin"'],
    [{ adminUrl: 'not a url' }, 'adminUrl: expected an http:// or https:// URL, found "not a url"'],
    [{ adminUrl: 'http://x', auth: 'nocolon' }, 'auth: expected admin credentials user:password, found "***"'],
  ])('new RuntimeManifestAdmin(%j) is a RangeError naming it', (options, message) => {
    expect(() => new RuntimeManifestAdmin(options)).toThrow(new RangeError(message));
  });
});
