// `rocketmq-ts namesrv`: not built yet (see the NameServer and Broker issues).
export async function runNamesrv(_argv: string[]): Promise<void> {
  throw new Error('rocketmq-ts namesrv is not implemented yet');
}
