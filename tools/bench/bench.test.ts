// Unit tests of the bench's pure parts: medians/spreads, the table's ratios and goal verdicts, and the
// .cpuprofile self/total time attribution.
import { analyse } from './cpuprofile';
import { BenchRun, SendCell } from './model';
import { markdown, rows } from './report';
import { spread } from './stats';

describe('spread', () => {
  it('medians of odd and even counts, min and max, ignoring non-finite values', () => {
    expect(spread([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3, n: 3 });
    expect(spread([4, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 4, n: 4 });
    expect(spread([NaN, 5, null as unknown as number])).toEqual({ median: 5, min: 5, max: 5, n: 1 });
    expect(spread([])).toBeUndefined();
  });
});

function cell(broker: 'ours' | 'java', rep: number, tps: number, p99Us: number): SendCell {
  return {
    broker,
    rep,
    flush: 'ASYNC_FLUSH',
    size: 128,
    threads: 8,
    tps,
    avgRtMs: 1,
    sendFailed: 0,
    brokerCpuPct: 50,
    machineBusy: 0.5,
    latency: { p50: 1000, p99: p99Us, p999: 2 * p99Us, max: 3 * p99Us, tps, sent: 10, failed: 0 },
  };
}

function run(cells: SendCell[]): BenchRun {
  return {
    startedAt: 'a',
    finishedAt: 'b',
    quick: false,
    reps: 3,
    producerSeconds: 13,
    host: { cpus: 2, memGiB: 24, node: 'v20', java: '17', loadAvgStart: 1, loadAvgEnd: 1 },
    loadAvg: [1, 2, 3],
    cells,
    reps_: [],
  };
}

describe('report rows', () => {
  const r = run([
    cell('ours', 1, 300, 4000),
    cell('ours', 2, 100, 1000),
    cell('ours', 3, 200, 2000),
    cell('java', 1, 100, 8000),
    cell('java', 2, 100, 8000),
    cell('java', 3, 100, 8000),
  ]);

  it('takes medians per broker and configuration', () => {
    const tps = rows(r).find((x) => x.figure === 'send TPS, ASYNC 128 B ×8');
    expect(tps?.ours).toEqual({ median: 200, min: 100, max: 300, n: 3 });
    expect(tps?.java?.median).toBe(100);
  });

  it('prints ratio ours/Java and the goal verdicts', () => {
    const md = markdown(r);
    expect(md).toContain('| send TPS, ASYNC 128 B ×8 | msg/s | 200 (100–300) | 100 (100–100) | 2.00 | ≥ 1.5: met |');
    expect(md).toContain('| send p99, ASYNC 128 B ×8 | ms | 2.00 (1.00–4.00) | 8.00 (8.00–8.00) | 0.25 | ≤ 0.5: met |');
    const slow = markdown(run([cell('ours', 1, 100, 8000), cell('java', 1, 100, 8000)]));
    expect(slow).toContain('| 1.00 | ≥ 1.5: **not met** |');
    expect(slow).toContain('| 1.00 | ≤ 0.5: **not met** |');
  });
});

describe('cpuprofile analyse', () => {
  it('attributes sample time as self to the leaf and as total to each distinct frame on its stack', () => {
    const frame = (functionName: string, url = ''): { functionName: string; url: string; lineNumber: number; columnNumber: number } => ({
      functionName,
      url,
      lineNumber: 0,
      columnNumber: 0,
    });
    const p = {
      nodes: [
        { id: 1, callFrame: frame('(root)'), children: [2, 4] },
        { id: 2, callFrame: frame('outer', 'file:///r/dist/src/a.js'), children: [3] },
        { id: 3, callFrame: frame('inner', 'file:///r/dist/src/b.js') },
        { id: 4, callFrame: frame('(idle)') },
      ],
      startTime: 0,
      endTime: 4000,
      samples: [3, 3, 2, 4],
      timeDeltas: [0, 1000, 1000, 1000],
    };
    const { fns } = analyse(p, '/r');
    const by = (n: string): { selfMs: number; totalMs: number } | undefined => fns.find((f) => f.name.startsWith(n));
    // sample i is charged the delta to the next sample (the last one its own delta)
    expect(by('inner')).toMatchObject({ selfMs: 2, totalMs: 2 });
    expect(by('outer')).toMatchObject({ selfMs: 1, totalMs: 3 });
    expect(fns.find((f) => f.name === 'outer dist/src/a.js:1')).toBeDefined();
  });
});
