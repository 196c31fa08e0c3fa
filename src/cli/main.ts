// The `rocketmq-ts` CLI: `namesrv`, `broker` and `standalone` (NameServer + Broker in one process,
// what `npm start` runs). Options follow the Java start scripts (see args.ts).
import { parseStartArgs } from './args';

const USAGE = `usage: rocketmq-ts <namesrv|broker|standalone> [-c FILE] [-n ADDR] [-p] [-h]
  namesrv      start a NameServer (default port 9876); -c: namesrv properties file
  broker       start a Broker (default port 10911); -c: broker.conf, -n: NameServer address list
  standalone   a NameServer and a Broker in one process on 9876/10911 with a store in ./store
`;

type Subcommand = (argv: string[]) => Promise<void>;

const subcommands: Record<string, () => Promise<Subcommand>> = {
  namesrv: async () => (await import('./namesrv')).runNamesrv,
  broker: async () => (await import('./broker')).runBroker,
  standalone: async () => (await import('./standalone')).runStandalone,
};

export async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  const load = cmd !== undefined ? subcommands[cmd] : undefined;
  if (!load) {
    process.stderr.write(USAGE);
    process.exitCode = cmd === undefined || cmd === '-h' || cmd === '--help' ? 0 : 1;
    return;
  }
  const args = parseStartArgs(rest);
  if (args.help) {
    process.stdout.write(USAGE);
    return;
  }
  await (await load())(rest);
}
