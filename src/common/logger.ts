// Structured logging (pino). One root logger; components take a child with `component`.
// Level: ROCKETMQ_TS_LOG_LEVEL (default `info`; `silent` under jest unless set).
import pino from 'pino';

const defaultLevel = process.env.JEST_WORKER_ID !== undefined ? 'silent' : 'info';

export const rootLogger = pino({
  level: process.env.ROCKETMQ_TS_LOG_LEVEL ?? defaultLevel,
  base: { pid: process.pid },
  timestamp: pino.stdTimeFunctions.isoTime,
});

export type Logger = pino.Logger;

export function getLogger(component: string): Logger {
  return rootLogger.child({ component });
}
