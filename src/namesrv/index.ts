// Public surface of the NameServer, for the CLI and for embedding (`standalone`).
import * as fs from 'node:fs';
import { parseProperties } from '../common/properties';
import { NamesrvConfig } from './namesrv-config';

export { NamesrvController, type NamesrvControllerOptions } from './namesrv-controller';
export { NamesrvConfig } from './namesrv-config';
export { RouteInfoManager } from './route-info-manager';
export { KVConfigManager } from './kv-config-manager';

/**
 * NamesrvStartup's config: defaults, then the `-c` file (Java key names), whose path becomes
 * `configStorePath`. Returns the config and the keys whose values could not be parsed.
 */
export function loadNamesrvConfig(configFile?: string, overrides: Record<string, string | number | boolean> = {}): { config: NamesrvConfig; badKeys: string[] } {
  const config = new NamesrvConfig();
  let badKeys: string[] = [];
  if (configFile !== undefined) {
    badKeys = config.applyProperties(parseProperties(fs.readFileSync(configFile, 'utf8')));
    config.set('configStorePath', configFile);
  }
  for (const [k, v] of Object.entries(overrides)) config.set(k, v);
  return { config, badKeys };
}
