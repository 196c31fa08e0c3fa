// Java ExpressionMessageFilter (TAG part): a consume-queue unit matches when the subscription is
// `*`, has no tags, or its codeSet holds `(int) tagsCode`. The client re-filters by tag string, so
// hash collisions only over-deliver (requests.md §5.1). SQL92 is refused before a filter is built.
import { ExpressionType, SUB_ALL, type SubscriptionData } from '../protocol/body/heartbeat';
import type { MessageFilter } from '../store/message-store';

export class ExpressionMessageFilter implements MessageFilter {
  private readonly codes: ReadonlySet<number> | undefined;

  constructor(readonly subscriptionData: SubscriptionData | undefined) {
    const sd = subscriptionData;
    const all = !sd || sd.classFilterMode || sd.expressionType !== ExpressionType.TAG || sd.subString === SUB_ALL || sd.subString.trim() === '';
    this.codes = all ? undefined : new Set(sd.codeSet.map((c) => c | 0));
  }

  isMatchedByConsumeQueue(tagsCode: number): boolean {
    if (!this.codes) return true;
    return this.codes.has(tagsCode | 0);
  }
}
