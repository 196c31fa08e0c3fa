// `rocketmq-ts standalone`: not built yet (see the NameServer and Broker issues).
export async function runStandalone(_argv: string[]): Promise<void> {
  throw new Error('rocketmq-ts standalone is not implemented yet');
}
