// mqadmin itself (org.apache.rocketmq.tools.command.MQAdminStartup from the rocketmq-tools jar of a
// client line), run with the Java driver's classpath. MQAdminStartup exits 0 even when a sub-command
// fails (it prints the stack trace), so callers judge by the output.
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Client, driverCommand } from './driver';
import { CACHE_DIR } from './paths';
import { rocketmqHome } from './targets';

export interface MqadminResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export async function runMqadmin(client: Client, namesrv: string, args: string[]): Promise<MqadminResult> {
  if (client === 'go') throw new Error('mqadmin is a Java tool');
  const { cmd, args: pre } = await driverCommand(client);
  const jvm = pre.slice(0, -1); // drop the driver's main class
  const dir = path.join(CACHE_DIR, 'mqadmin');
  fs.mkdirSync(dir, { recursive: true });
  const home = rocketmqHome(dir); // 4.9 tools read $ROCKETMQ_HOME/conf/logback_tools.xml
  const argv = [...jvm, `-Drocketmq.home.dir=${home}`, 'org.apache.rocketmq.tools.command.MQAdminStartup', args[0], '-n', namesrv, ...args.slice(1)];
  return new Promise((resolve) => {
    execFile(cmd, argv, { timeout: 60_000, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, ROCKETMQ_HOME: home } }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
