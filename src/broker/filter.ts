// Java ExpressionMessageFilter: TAG subscriptions match on the consume-queue tags code (`*`/empty
// match everything, else the codeSet holds `(int) tagsCode`; the client re-filters by tag string,
// so hash collisions only over-deliver — requests.md §5.1); SQL92 subscriptions match everything
// on the consume queue and are evaluated on the message properties (store.md §13.2).
import { ExpressionType, SUB_ALL, type SubscriptionData } from '../protocol/body/heartbeat';
import { decodeProperties } from '../store/message-codec';
import type { MessageFilter } from '../store/message-store';
import type { Sql92Expression } from './sql92-filter';

export class ExpressionMessageFilter implements MessageFilter {
  private readonly codes: ReadonlySet<number> | undefined;
  readonly isMatchedByCommitLog?: (record: Buffer, properties: string) => boolean;

  constructor(readonly subscriptionData: SubscriptionData | undefined, private readonly sql?: Sql92Expression) {
    const sd = subscriptionData;
    const all = !sd || sd.classFilterMode || sd.expressionType !== ExpressionType.TAG || sd.subString === SUB_ALL || sd.subString.trim() === '';
    this.codes = all ? undefined : new Set(sd.codeSet.map((c) => c | 0));
    if (sql && sd && sd.expressionType !== ExpressionType.TAG && !sd.classFilterMode) {
      this.isMatchedByCommitLog = (_record, properties) => this.matchesProperties(properties);
    }
  }

  isMatchedByConsumeQueue(tagsCode: number): boolean {
    if (!this.codes) return true;
    return this.codes.has(tagsCode | 0);
  }

  /** The SQL92 check on a property string (true for TAG filters). */
  matchesProperties(properties: string): boolean {
    return this.sql ? this.sql.matches(decodeProperties(properties)) : true;
  }
}
