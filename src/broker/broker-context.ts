// What every broker processor and feature module sees: the managers, the store, the config and a
// few hooks into the controller. `broker-features` modules export `register<Feature>(ctx)` and are
// called from BrokerController's registration block.
import type { BrokerStatsManager } from './broker-stats';
import type { Logger } from '../common/logger';
import type { RequestHandler, RequestProcessor } from '../remoting/processor';
import type { HostAddress, MessageStore, PutMessageInput, PutMessageResult } from '../store/message-store';
import type { BrokerConfig } from './broker-config';
import type { ConsumerManager } from './client/consumer-manager';
import type { ProducerManager } from './client/producer-manager';
import type { ConsumerOffsetManager } from './consumer-offset-manager';
import type { SubscriptionGroupManager } from './subscription-group-manager';
import type { TopicConfigManager } from './topic-config-manager';

/**
 * Runs before a single message is stored (Java `PutMessageHook`: schedule/timer rewrite,
 * transaction half rewrite, checks). Return the (possibly rewritten) message to continue, or a
 * PutMessageResult to stop and answer with it.
 */
export type PutMessageHook = (msg: PutMessageInput) => PutMessageInput | PutMessageResult;

export interface BrokerContext {
  readonly config: BrokerConfig;
  readonly store: MessageStore;
  readonly topicConfigManager: TopicConfigManager;
  readonly subscriptionGroupManager: SubscriptionGroupManager;
  readonly consumerOffsetManager: ConsumerOffsetManager;
  readonly consumerManager: ConsumerManager;
  readonly producerManager: ProducerManager;
  readonly brokerStatsManager: BrokerStatsManager;
  /** The file UPDATE_BROKER_CONFIG rewrites with the whole configuration (Java Configuration.persist). */
  readonly brokerConfigPersistPath: string;
  /** brokerIP1:listenPort as a host address: the STOREHOST of every record (quirk 7). */
  readonly storeHost: HostAddress;
  /** `brokerIP1:listenPort`. */
  readonly brokerAddr: string;
  readonly logger: Logger;

  /** Registers a processor on both the main and the VIP (listenPort − 2) servers. */
  registerProcessor(code: number, processor: RequestProcessor | RequestHandler): void;
  /** Adds a hook run (in order) by `putMessage` before the store sees a single message. */
  addPutMessageHook(hook: PutMessageHook): void;
  /** Stores one broker-built or client message through the hooks (send, send-back, schedule delivery). */
  putMessage(msg: PutMessageInput): Promise<PutMessageResult>;
  /** Registers with every NameServer now (after topic changes). Never rejects. */
  registerBrokerAll(): Promise<void>;
  /** Runs `task` every `periodMs` until shutdown (errors are logged, not thrown). */
  scheduleAtFixedRate(name: string, initialDelayMs: number, periodMs: number, task: () => void | Promise<void>): void;
  /** Runs at shutdown, before the store is flushed and closed, in reverse order of addition. */
  onShutdown(task: () => void | Promise<void>): void;
  /** True once shutdown has begun. */
  readonly shuttingDown: boolean;
}
