// Java `ClientChannelInfo`: one client connection as the broker knows it from heartbeats.
import type { Connection } from '../../remoting/connection';
import type { LanguageName } from '../../remoting/language';

export interface ClientChannelInfo {
  readonly conn: Connection;
  readonly clientId: string;
  readonly language: LanguageName;
  readonly version: number;
  lastUpdateTimestamp: number;
}

export function newClientChannelInfo(conn: Connection, clientId: string, language: LanguageName, version: number): ClientChannelInfo {
  return { conn, clientId, language, version, lastUpdateTimestamp: Date.now() };
}
