// Wiring of the delay-level feature: the put hook that parks DELAY messages in SCHEDULE_TOPIC_XXXX
// and the ScheduleMessageService that delivers them (store.md §9).
import type { BrokerContext } from '../broker-context';
import { transformDelayLevelMessage } from './delay-level';
import { ScheduleMessageService } from './schedule-message-service';

const services = new WeakMap<BrokerContext, ScheduleMessageService>();

/** The schedule service registered for this broker, if any (admin runtime info, GET_ALL_DELAY_OFFSET). */
export function getScheduleService(ctx: BrokerContext): ScheduleMessageService | undefined {
  return services.get(ctx);
}

/**
 * Adds the delay-level put hook and starts the delivery service. The service loads
 * delayOffset.json on the next turn of the event loop and makes its first pass 1 s later (Java
 * FIRST_DELAY_TIME), so the store must be started by then; it persists at shutdown.
 */
export function registerSchedule(ctx: BrokerContext): ScheduleMessageService {
  const existing = services.get(ctx);
  if (existing) return existing;
  const service = new ScheduleMessageService({
    store: ctx.store,
    storePathRootDir: ctx.config.storePathRootDir,
    messageDelayLevel: ctx.config.messageDelayLevel,
    flushDelayOffsetInterval: ctx.config.flushDelayOffsetInterval,
    put: (m) => ctx.putMessage(m),
    logger: ctx.logger.child({ component: 'schedule' }),
  });
  services.set(ctx, service);
  ctx.addPutMessageHook((msg) => transformDelayLevelMessage(msg, service.table));
  setImmediate(() => {
    if (ctx.shuttingDown) return;
    service.start().catch((err: unknown) => ctx.logger.error({ err: String(err) }, 'ScheduleMessageService start failed'));
  });
  ctx.onShutdown(() => service.shutdown());
  return service;
}

export { ScheduleMessageService } from './schedule-message-service';
export { transformDelayLevelMessage, parseDelayLevel, SCHEDULE_TOPIC } from './delay-level';
