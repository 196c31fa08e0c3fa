// jest globalSetup of the compat project (compat-tests/jest.config.js): one id for the run, mvn / go
// installed when missing, drivers and reference classpaths built once before any worker starts.
// Without it (root config not pointing here) every test file does the same lazily under a lock.
import { clientAvailable, driverCommand, selectedClients } from './driver';
import { buildServerClasspath } from './setup';
import { selectedJavaVersions, selectedTargetKind } from './targets';

export default async function globalSetup(): Promise<void> {
  process.env.COMPAT_RUN_ID = process.env.COMPAT_RUN_ID ?? `${process.pid}-${Date.now()}`;
  const t0 = Date.now();
  for (const c of selectedClients()) {
    if (clientAvailable(c)) await driverCommand(c);
  }
  if (selectedTargetKind() === 'java') {
    for (const v of selectedJavaVersions()) await buildServerClasspath(v);
  }
  process.stderr.write(`\ncompat: run ${process.env.COMPAT_RUN_ID}, target ${selectedTargetKind()}, drivers ready in ${Date.now() - t0} ms\n`);
}
