// `rocketmq-ts namesrv [-c FILE] [-p]`: the Java `mqnamesrv` start script's behaviour. The
// properties file uses the Java key names (listenPort, kvConfigPath, rocketmqHome, ...); the
// NameServer listens on 9876 unless `listenPort` says otherwise and stops cleanly on SIGTERM/SIGINT.
import { getLogger } from '../common/logger';
import { loadNamesrvConfig, NamesrvController } from '../namesrv';
import { EFFECTIVE_KEYS } from '../namesrv/namesrv-config';
import { parseStartArgs } from './args';

export async function runNamesrv(argv: string[]): Promise<void> {
  const args = parseStartArgs(argv);
  const log = getLogger('namesrv');
  const { config, badKeys } = loadNamesrvConfig(args.configFile);
  if (args.configFile !== undefined) process.stdout.write(`load config properties file OK, ${args.configFile}\n`);
  for (const key of badKeys) log.warn({ key, value: config.get(key) }, 'bad value in the config file, default kept');
  const given = config.givenKeys();
  const unknown = given.filter((k) => !config.isKnown(k));
  const inert = given.filter((k) => config.isKnown(k) && !EFFECTIVE_KEYS.has(k));
  if (unknown.length > 0) log.warn({ keys: unknown }, 'unknown keys in the config file (kept and reported, as Java does)');
  if (inert.length > 0) log.info({ keys: inert }, 'Java keys accepted without effect here (thread pools, Netty tuning)');
  if (args.printConfig) {
    process.stdout.write(config.toPropertiesText());
    return;
  }
  const controller = new NamesrvController(config, { logger: log });
  await controller.start();
  process.stdout.write(`The Name Server boot success. serializeType=JSON, address ${config.str('bindAddress')}:${controller.port}\n`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    controller.shutdown().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err: err instanceof Error ? err.message : String(err) }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
