// `rocketmq-ts broker [-c broker.conf] [-n ADDR] [-p]`: the Java `mqbroker` start script's
// behaviour. broker.conf uses the Java key names with Java defaults (unknown keys are a warning);
// `-n` overrides namesrvAddr. SIGTERM/SIGINT: unregister, drain, flush, persist, exit 0.
import * as fs from 'node:fs';
import { getLogger, type Logger } from '../common/logger';
import { parseProperties } from '../common/properties';
import { brokerConfigEntries, loadBrokerConfig, type BrokerConfig } from '../broker/broker-config';
import { BrokerController } from '../broker/broker-controller';
import { parseStartArgs } from './args';

/** Reads -c / -n into a BrokerConfig; `extra` are applied before -n (standalone defaults). */
export function brokerConfigFromArgs(argv: string[], log: Logger, extra: [string, string][] = []): { config: BrokerConfig; printConfig: boolean; configFile?: string } {
  const args = parseStartArgs(argv);
  const props: [string, string][] = [...extra];
  if (args.configFile !== undefined) {
    props.push(...parseProperties(fs.readFileSync(args.configFile, 'utf8')));
    process.stdout.write(`load config properties file OK, ${args.configFile}\n`);
  }
  if (args.namesrvAddr !== undefined) props.push(['namesrvAddr', args.namesrvAddr]);
  const { config, warnings } = loadBrokerConfig(props);
  for (const w of warnings) log.warn(w);
  return { config, printConfig: args.printConfig, configFile: args.configFile };
}

/** Installs SIGTERM/SIGINT handlers that run `stop` once and exit. */
export function exitOnSignals(log: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: string): void => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'shutting down');
    stop().then(() => process.exit(0), (err: unknown) => {
      log.error({ err: err instanceof Error ? err.message : String(err) }, 'shutdown failed');
      process.exit(1);
    });
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
}

export async function runBroker(argv: string[]): Promise<void> {
  const log = getLogger('broker');
  const { config, printConfig, configFile } = brokerConfigFromArgs(argv, log);
  if (printConfig) {
    for (const [k, v] of brokerConfigEntries(config)) process.stdout.write(`${k}=${v}\n`);
    return;
  }
  if (config.namesrvAddr === '') log.warn('namesrvAddr is not set (-n, broker.conf or NAMESRV_ADDR): the broker will not register anywhere');
  const controller = new BrokerController(config, { logger: log, configFile });
  exitOnSignals(log, () => controller.shutdown());
  await controller.start();
  process.stdout.write(`The broker[${config.brokerName}, ${controller.brokerAddr}] boot success. serializeType=JSON and name server is ${config.namesrvAddr}\n`);
}
