// What the NameServer processors share (built by NamesrvController).
import type { Logger } from '../common/logger';
import type { KVConfigManager } from './kv-config-manager';
import type { NamesrvConfig } from './namesrv-config';
import type { RouteInfoManager } from './route-info-manager';

export interface NamesrvContext {
  readonly config: NamesrvConfig;
  readonly routeInfoManager: RouteInfoManager;
  readonly kvConfigManager: KVConfigManager;
  readonly log: Logger;
  /** Writes the configuration to `configStorePath` (after UPDATE_NAMESRV_CONFIG). */
  persistConfig(): void;
}
