// `rocketmq-ts standalone [-c broker.conf]` (what `npm start` runs): a NameServer on 9876 and a
// Broker on 10911 in one process, the broker registered with the embedded NameServer and its store
// in ./store unless broker.conf says otherwise. Ports can be moved with the environment variables
// ROCKETMQ_TS_NAMESRV_PORT and ROCKETMQ_TS_BROKER_PORT (tests).
import * as path from 'node:path';
import { getLogger } from '../common/logger';
import { brokerConfigEntries } from '../broker/broker-config';
import { BrokerController } from '../broker/broker-controller';
import { NamesrvConfig, NamesrvController } from '../namesrv';
import { brokerConfigFromArgs, exitOnSignals } from './broker';

export async function runStandalone(argv: string[]): Promise<void> {
  const log = getLogger('standalone');
  const namesrvPort = Number(process.env.ROCKETMQ_TS_NAMESRV_PORT ?? 9876);
  const defaults: [string, string][] = [
    ['storePathRootDir', path.resolve('store')],
    ['brokerName', 'broker-a'],
  ];
  if (process.env.ROCKETMQ_TS_BROKER_PORT !== undefined) defaults.push(['listenPort', process.env.ROCKETMQ_TS_BROKER_PORT]);
  const { config, printConfig, configFile } = brokerConfigFromArgs(argv, log, defaults);
  if (printConfig) {
    for (const [k, v] of brokerConfigEntries(config)) process.stdout.write(`${k}=${v}\n`);
    return;
  }
  const namesrv = new NamesrvController(new NamesrvConfig({
    listenPort: namesrvPort,
    kvConfigPath: path.join(config.storePathRootDir, 'namesrv', 'kvConfig.json'),
  }), { logger: getLogger('namesrv') });
  const port = await namesrv.start();
  config.namesrvAddr = `127.0.0.1:${port}`;
  const broker = new BrokerController(config, { logger: getLogger('broker'), configFile });
  exitOnSignals(log, async () => {
    await broker.shutdown();
    await namesrv.shutdown();
  });
  await broker.start();
  process.stdout.write(`rocketmq-ts standalone: NameServer 127.0.0.1:${port}, Broker ${broker.brokerAddr} (store ${config.storePathRootDir})\n`);
}
