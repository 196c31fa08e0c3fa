// `rocketmq-ts broker`: not built yet (see the NameServer and Broker issues).
export async function runBroker(_argv: string[]): Promise<void> {
  throw new Error('rocketmq-ts broker is not implemented yet');
}
