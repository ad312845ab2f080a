/**
 * A binary min-heap of simulator events keyed by (time, insertion order), so
 * events at the same time come out in the order they were pushed and a run is
 * deterministic. Payloads live in pooled typed-array slots: pushing and popping
 * allocate nothing once the pool has grown to the run's peak.
 */
export class EventHeap {
  private heap: Int32Array;
  private size = 0;
  private slotTime: Float64Array;
  private slotSeq: Float64Array;
  private slotType: Uint8Array;
  private slotA: Int32Array;
  private slotB: Int32Array;
  private slotC: Float64Array;
  private freeSlots: Int32Array;
  private freeCount = 0;
  private capacity: number;
  private nextSlot = 0;
  private seq = 0;

  /** Payload of the event last returned by {@link pop}. */
  type = 0;
  a = 0;
  b = 0;
  c = 0;
  time = 0;

  constructor(initialCapacity = 1024) {
    this.capacity = Math.max(16, initialCapacity);
    this.heap = new Int32Array(this.capacity);
    this.slotTime = new Float64Array(this.capacity);
    this.slotSeq = new Float64Array(this.capacity);
    this.slotType = new Uint8Array(this.capacity);
    this.slotA = new Int32Array(this.capacity);
    this.slotB = new Int32Array(this.capacity);
    this.slotC = new Float64Array(this.capacity);
    this.freeSlots = new Int32Array(this.capacity);
  }

  get length(): number {
    return this.size;
  }

  /** Time of the earliest event, or +Infinity when empty. */
  peekTime(): number {
    return this.size === 0 ? Number.POSITIVE_INFINITY : this.slotTime[this.heap[0]];
  }

  push(time: number, type: number, a: number, b: number, c: number): void {
    let slot: number;
    if (this.freeCount > 0) {
      slot = this.freeSlots[--this.freeCount];
    } else {
      if (this.nextSlot === this.capacity) this.grow();
      slot = this.nextSlot++;
    }
    this.slotTime[slot] = time;
    this.slotSeq[slot] = this.seq++;
    this.slotType[slot] = type;
    this.slotA[slot] = a;
    this.slotB[slot] = b;
    this.slotC[slot] = c;
    // Sift up.
    const heap = this.heap;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent];
      if (!this.less(slot, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = slot;
  }

  /** Remove the earliest event and expose it in `time`, `type`, `a`, `b`, `c`. Returns false when empty. */
  pop(): boolean {
    if (this.size === 0) return false;
    const heap = this.heap;
    const top = heap[0];
    this.time = this.slotTime[top];
    this.type = this.slotType[top];
    this.a = this.slotA[top];
    this.b = this.slotB[top];
    this.c = this.slotC[top];
    this.freeSlots[this.freeCount++] = top;
    const last = heap[--this.size];
    if (this.size > 0) {
      // Sift down.
      let i = 0;
      const n = this.size;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        let child = l;
        if (r < n && this.less(heap[r], heap[l])) child = r;
        if (!this.less(heap[child], last)) break;
        heap[i] = heap[child];
        i = child;
      }
      heap[i] = last;
    }
    return true;
  }

  private less(x: number, y: number): boolean {
    const tx = this.slotTime[x];
    const ty = this.slotTime[y];
    return tx < ty || (tx === ty && this.slotSeq[x] < this.slotSeq[y]);
  }

  private grow(): void {
    const cap = this.capacity * 2;
    this.heap = resizeInt32(this.heap, cap);
    this.slotTime = resizeFloat64(this.slotTime, cap);
    this.slotSeq = resizeFloat64(this.slotSeq, cap);
    const type = new Uint8Array(cap);
    type.set(this.slotType);
    this.slotType = type;
    this.slotA = resizeInt32(this.slotA, cap);
    this.slotB = resizeInt32(this.slotB, cap);
    this.slotC = resizeFloat64(this.slotC, cap);
    this.freeSlots = resizeInt32(this.freeSlots, cap);
    this.capacity = cap;
  }
}

/** A copy of `a` in a new array of length `n` (n >= a.length). */
export function resizeInt32(a: Int32Array, n: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}

/** A copy of `a` in a new array of length `n` (n >= a.length). */
export function resizeFloat64(a: Float64Array, n: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(n);
  b.set(a);
  return b;
}
