// Java `MessageClientIDSetter.createUniqID` for messages the broker must give a UNIQ_KEY (5.x adds
// one when a client sent none): hex_upper(ip 4|16 || int16 pid || int32 class-loader hash ||
// int32 ms since the start of the month || int16 counter) — message.md §5.2.
import { toHexUpper } from '../common/bytes';
import { hostAddressBytes } from '../store/message-codec';

export class UniqIdGenerator {
  private readonly prefix: Buffer;
  private counter = 0;
  private startOfMonth = 0;
  private nextMonth = 0;

  constructor(ip: string) {
    const ipBytes = hostAddressBytes(ip);
    this.prefix = Buffer.alloc(ipBytes.length + 2 + 4);
    ipBytes.copy(this.prefix, 0);
    this.prefix.writeInt16BE(process.pid & 0x7fff, ipBytes.length);
    this.prefix.writeInt32BE((Math.random() * 0x7fffffff) | 0, ipBytes.length + 2);
  }

  private refreshMonth(now: number): void {
    const d = new Date(now);
    this.startOfMonth = new Date(d.getFullYear(), d.getMonth(), 1).getTime();
    this.nextMonth = new Date(d.getFullYear(), d.getMonth() + 1, 1).getTime();
  }

  create(now = Date.now()): string {
    if (now >= this.nextMonth || now < this.startOfMonth) this.refreshMonth(now);
    const tail = Buffer.alloc(6);
    tail.writeInt32BE((now - this.startOfMonth) | 0, 0);
    tail.writeInt16BE(this.counter << 16 >> 16, 4);
    this.counter = (this.counter + 1) & 0xffff;
    return toHexUpper(this.prefix) + toHexUpper(tail);
  }
}
