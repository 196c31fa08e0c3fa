// jest globalTeardown of the compat project: prints the whole matrix of the run and writes
// compat-tests/matrix-<target>.md for every target that has results.
import { matrixFile, targetsInRun, writeMatrix } from './matrix';

export default async function globalTeardown(): Promise<void> {
  for (const t of targetsInRun()) {
    const md = writeMatrix(t);
    process.stdout.write(`\n${md}\n(written to ${matrixFile(t)})\n`);
  }
}
