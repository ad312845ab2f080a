import { SeededRng } from '../../src/core/rng';
import { EventHeap } from '../../src/sim/event-heap';

interface Popped {
  time: number;
  type: number;
  a: number;
  b: number;
  c: number;
}

/** Pops one event and copies its payload out of the heap's fields. */
function popOne(heap: EventHeap): Popped {
  // A plain throw instead of expect(): this runs thousands of times per test.
  if (!heap.pop()) throw new Error(`pop returned false with length ${heap.length}`);
  return { time: heap.time, type: heap.type, a: heap.a, b: heap.b, c: heap.c };
}

/** Pops everything left, in heap order. */
function drain(heap: EventHeap): Popped[] {
  const out: Popped[] = [];
  while (heap.length > 0) out.push(popOne(heap));
  return out;
}

describe('EventHeap', () => {
  it('is empty at construction: length 0, peekTime +Infinity, pop returns false and leaves the payload fields alone', () => {
    const heap = new EventHeap();
    expect(heap.length).toBe(0);
    expect(heap.peekTime()).toBe(Number.POSITIVE_INFINITY);
    expect(heap.pop()).toBe(false);
    expect([heap.time, heap.type, heap.a, heap.b, heap.c]).toEqual([0, 0, 0, 0, 0]);
  });

  it('is empty again after popping everything: peekTime +Infinity, pop false, last payload still readable', () => {
    const heap = new EventHeap();
    heap.push(12.5, 3, 4, 5, 6.25);
    expect(heap.peekTime()).toBe(12.5);
    expect(popOne(heap)).toEqual({ time: 12.5, type: 3, a: 4, b: 5, c: 6.25 });
    expect(heap.length).toBe(0);
    expect(heap.peekTime()).toBe(Number.POSITIVE_INFINITY);
    expect(heap.pop()).toBe(false);
    expect({ time: heap.time, type: heap.type, a: heap.a, b: heap.b, c: heap.c }).toEqual({ time: 12.5, type: 3, a: 4, b: 5, c: 6.25 });
  });

  it.each([1, 2, 3, 4, 5])('seed %i: 2,000 random pushes pop in non-decreasing time order, peekTime always naming the next pop', (seed) => {
    const rng = new SeededRng(seed);
    const heap = new EventHeap(16);
    const times: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const t = rng.next() * 1e6;
      times.push(t);
      heap.push(t, i % 7, i, -i, t);
    }
    expect(heap.length).toBe(2000);
    const popped: number[] = [];
    const peeked: number[] = [];
    while (heap.length > 0) {
      peeked.push(heap.peekTime());
      popped.push(popOne(heap).time);
    }
    expect(peeked).toEqual(popped);
    expect(popped).toEqual([...times].sort((x, y) => x - y));
  });

  it('pops events with equal times in push order (FIFO), also among other times', () => {
    const heap = new EventHeap();
    // Pushed shuffled in time; `a` numbers the push order.
    const pushes: [number, number][] = [
      [5, 0], [1, 1], [5, 2], [3, 3], [1, 4], [5, 5], [3, 6], [1, 7], [5, 8], [0, 9],
    ];
    for (const [t, order] of pushes) heap.push(t, 0, order, 0, 0);
    expect(drain(heap).map((p) => [p.time, p.a])).toEqual([
      [0, 9], [1, 1], [1, 4], [1, 7], [3, 3], [3, 6], [5, 0], [5, 2], [5, 5], [5, 8],
    ]);
  });

  it('keeps FIFO order for 5,000 events all at the same time, across growth', () => {
    const heap = new EventHeap(16);
    for (let i = 0; i < 5000; i++) heap.push(42, 1, i, 0, 0);
    const order = drain(heap).map((p) => p.a);
    expect(order).toEqual(Array.from({ length: 5000 }, (_, i) => i));
  });

  it('keeps FIFO order between an event pushed before a pop and one pushed after it at the same time', () => {
    const heap = new EventHeap();
    heap.push(10, 0, 1, 0, 0);
    heap.push(7, 0, 99, 0, 0);
    expect(popOne(heap).a).toBe(99);
    heap.push(10, 0, 2, 0, 0);
    heap.push(10, 0, 3, 0, 0);
    expect(drain(heap).map((p) => p.a)).toEqual([1, 2, 3]);
  });

  it('returns every payload field intact: type (0..255), negative and large int32 a/b, fractional c and time', () => {
    const heap = new EventHeap();
    const events: Popped[] = [
      { time: 0.125, type: 255, a: 2147483647, b: -2147483648, c: -1.5 },
      { time: 1e12 + 0.5, type: 0, a: -1, b: 0, c: Number.MAX_VALUE },
      { time: -3, type: 17, a: 0, b: 123456, c: 1e-300 },
      { time: 60000.001, type: 200, a: 7, b: -7, c: Number.POSITIVE_INFINITY },
      { time: 59999.999, type: 1, a: 65536, b: 3, c: 0.1 + 0.2 },
    ];
    for (const e of events) heap.push(e.time, e.type, e.a, e.b, e.c);
    expect(drain(heap)).toEqual([...events].sort((x, y) => x.time - y.time));
  });

  it('keeps payloads attached to their own events when random events are interleaved with pops', () => {
    const rng = new SeededRng('payloads');
    const heap = new EventHeap(16);
    const expected = new Map<number, Popped>();
    let id = 0;
    for (let round = 0; round < 300; round++) {
      const pushes = 1 + rng.int(6);
      for (let j = 0; j < pushes; j++) {
        const e: Popped = { time: rng.int(1000), type: rng.int(256), a: id, b: rng.int(1 << 30) - (1 << 29), c: rng.next() };
        expected.set(id++, e);
        heap.push(e.time, e.type, e.a, e.b, e.c);
      }
      const pops = rng.int(5);
      for (let j = 0; j < pops && heap.length > 0; j++) {
        const p = popOne(heap);
        expect(p).toEqual(expected.get(p.a));
        expected.delete(p.a);
      }
    }
    for (const p of drain(heap)) {
      expect(p).toEqual(expected.get(p.a));
      expected.delete(p.a);
    }
    expect(expected.size).toBe(0);
  });

  it('orders correctly when pushes and pops are interleaved after growing past the initial capacity (16)', () => {
    const rng = new SeededRng(2024);
    const heap = new EventHeap(16);
    // Reference: a plain array kept sorted by (time, push order).
    const reference: { time: number; seq: number }[] = [];
    let seq = 0;
    let now = 0;
    let maxLength = 0;
    const mismatches: string[] = [];
    for (let step = 0; step < 20_000; step++) {
      // Grow for the first half (more pushes than pops), shrink in the second.
      const pushBias = step < 10_000 ? 0.7 : 0.3;
      if (heap.length === 0 || rng.next() < pushBias) {
        // Times at or after the last popped time, as in a simulation; integer times force ties.
        const t = now + rng.int(50);
        heap.push(t, 0, seq, 0, 0);
        // Insert after every entry with time <= t: later pushes come after earlier ones at equal times.
        let lo = 0;
        let hi = reference.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (reference[mid].time <= t) lo = mid + 1;
          else hi = mid;
        }
        reference.splice(lo, 0, { time: t, seq });
        seq++;
      } else {
        const want = reference.shift();
        heap.pop();
        if (want === undefined || want.time !== heap.time || want.seq !== heap.a) {
          mismatches.push(`step ${step}: want ${JSON.stringify(want)}, got time ${heap.time} seq ${heap.a}`);
        }
        now = heap.time;
      }
      if (heap.length !== reference.length) mismatches.push(`step ${step}: length ${heap.length}, want ${reference.length}`);
      if (heap.length > maxLength) maxLength = heap.length;
    }
    expect(mismatches).toEqual([]);
    expect(drain(heap).map((p) => ({ time: p.time, seq: p.a }))).toEqual(reference);
    // Well past the initial capacity, so slots were grown and then reused.
    expect(maxLength).toBeGreaterThan(1000);
  });

  it('treats an initial capacity below 16 (even 0) as 16 and still grows on demand', () => {
    const heap = new EventHeap(0);
    for (let i = 99; i >= 0; i--) heap.push(i, 0, i, 0, 0);
    expect(heap.length).toBe(100);
    expect(drain(heap).map((p) => p.time)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
});
